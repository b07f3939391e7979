from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        # --- Monthly performance scores (issue 6): receivers, menu entries, home panel ---
        from assessments.scoring_signals import connect_scoring

        connect_scoring()
        # --- end of monthly performance scores ---
