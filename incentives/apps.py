from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = _("Incentives")

    def ready(self):
        from incentives import reminders
        from notifications.reminders import register_decision_finder, register_reminder_finder
        from portal.models import Role
        from portal.navigation import register_home_panel, register_nav

        for finder in (
            reminders.star_round_decisions,
            reminders.case_nomination_decisions,
            reminders.suggestion_decisions,
        ):
            register_decision_finder(finder)
        register_reminder_finder(reminders.suggestion_status_reminders)

        register_nav(_("Recognition wall"), "incentives:wall", order=60)
        register_nav(_("My awards"), "incentives:my-awards", order=61)
        register_nav(_("Suggestions"), "incentives:suggestions", order=62)
        register_nav(
            _("Case nominations"), "incentives:cases", roles=[Role.TEAM_LEAD, Role.HR, Role.ADMIN], order=63
        )
        register_nav(
            _("Service Stars"),
            "incentives:star-rounds",
            order=64,
            permission="incentives.manage_service_stars",
        )
        register_nav(
            _("Incentive spend"), "incentives:spend", order=65, permission="incentives.manage_awards"
        )
        register_home_panel("incentives/panels/awards.html", _awards_panel, order=60)

        # The default award policy comes from a data migration; keep it after a flush too.
        from portal.defaults import restore_after_flush

        restore_after_flush(self, "incentives.migrations.0002_default_award_policy")


def _awards_panel(request):
    from django.db.models import Count

    from incentives.models import SuggestionStatus
    from incentives.selectors import awards_for_staff, latest_published_stars

    awards = awards_for_staff(request.user, limit=3)
    latest = latest_published_stars()
    counts = dict(
        request.user.suggestions.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    suggestions = [(label, counts[value]) for value, label in SuggestionStatus.choices if counts.get(value)]
    if not awards and not latest and not suggestions:
        return None
    return {"awards": awards, "latest": latest, "suggestions": suggestions}
