from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from assessments import integration
        from courses import hooks
        from courses.signals import lesson_completed, onboarding_completed
        from portal.navigation import register_nav

        hooks.register_completion_gate(integration.quiz_completion_gate)
        hooks.register_lesson_panel(integration.quiz_lesson_panel)
        onboarding_completed.connect(
            integration.on_onboarding_completed, dispatch_uid="assessments.onboarding"
        )
        lesson_completed.connect(integration.on_lesson_completed, dispatch_uid="assessments.leadership")
        register_nav(_("My quizzes"), "assessments:my-quizzes", order=20)
        register_nav(_("My evaluations"), "assessments:my-evaluations", order=22)
        register_nav(_("My certificates"), "assessments:my-certificates", order=24)
        register_nav(
            _("Question banks"), "assessments:bank-list", order=60, permission="assessments.manage_questions"
        )
        register_nav(
            _("Disputes"), "assessments:dispute-queue", order=62, permission="assessments.evaluate_staff"
        )
        register_nav(
            _("Certificates"),
            "assessments:certificate-admin",
            order=64,
            permission="assessments.manage_certificates",
        )

        # --- Monthly performance scores (issue 6): receivers, menu entries, home panel ---
        from assessments.scoring_signals import connect_scoring

        connect_scoring()
        # --- end of monthly performance scores ---
