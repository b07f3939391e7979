from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from assessments.scorecards.evaluations_file import EVALUATION_COLUMNS
        from assessments.scoring.kpi_file import KPI_COLUMNS, RATE_COLUMNS
        from portal.importing import import_targets_register

        import_targets_register("kpis", KPI_COLUMNS, RATE_COLUMNS)
        import_targets_register("evaluations", EVALUATION_COLUMNS)
        from assessments.certificates import receivers as certificate_receivers
        from assessments.quizzes import receivers as quiz_receivers
        from assessments.quizzes.signals import final_exam_passed
        from courses import hooks
        from courses.signals import lesson_completed, onboarding_completed
        from portal.navigation import register_nav

        hooks.register_completion_gate(quiz_receivers.quiz_completion_gate)
        hooks.register_lesson_panel(quiz_receivers.quiz_lesson_panel)
        from assessments.scoring.receivers import coaching_lesson_panel

        hooks.register_lesson_panel(coaching_lesson_panel)
        onboarding_completed.connect(
            certificate_receivers.on_onboarding_completed, dispatch_uid="assessments.onboarding"
        )
        final_exam_passed.connect(
            certificate_receivers.on_final_exam_passed, dispatch_uid="assessments.final_exam"
        )
        lesson_completed.connect(
            certificate_receivers.on_lesson_completed, dispatch_uid="assessments.leadership"
        )
        from assessments.certificates.reminders import certificate_expiring_reminders
        from assessments.quizzes.reminders import essays_waiting_reminders, quiz_closing_reminders
        from assessments.scorecards.reminders import dispute_waiting_reminders
        from notifications.kinds import register_kind
        from notifications.reminders import register_reminder_finder

        register_kind("certificate_suspended", _("Certificate suspended"))
        register_kind("certificate_restored", _("Certificate restored"))
        register_kind("certificate_renewed", _("Certificate renewed"))
        register_kind("certificate_expired", _("Certificate expired"))

        for finder in (
            quiz_closing_reminders,
            certificate_expiring_reminders,
            essays_waiting_reminders,
            dispute_waiting_reminders,
        ):
            register_reminder_finder(finder)

        register_nav(_("My quizzes"), "assessments:my-quizzes", order=20)
        register_nav(_("My evaluations"), "assessments:my-evaluations", order=22)
        register_nav(_("My certificates"), "assessments:my-certificates", order=24)
        register_nav(
            _("Question banks"), "assessments:bank-list", order=60, permission="assessments.manage_questions"
        )
        register_nav(
            _("New scorecard"), "assessments:scorecard-new", order=61, permission="assessments.evaluate_staff"
        )
        register_nav(
            _("Import evaluations"),
            "assessments:evaluation-import",
            order=63,
            permission="assessments.import_evaluations",
        )
        register_nav(
            _("Disputes"), "assessments:dispute-queue", order=62, permission="assessments.evaluate_staff"
        )
        register_nav(
            _("Scoring policy"), "assessments:policy-list", order=66, permission="assessments.manage_policy"
        )
        register_nav(
            _("Certificates"),
            "assessments:certificate-admin",
            order=64,
            permission="assessments.manage_certificates",
        )
        register_nav(
            _("Certification types"),
            "assessments:certification-type-list",
            order=65,
            permission="assessments.manage_certificates",
        )

        from assessments.scoring.receivers import connect_scoring

        connect_scoring()

        # The default scoring policy comes from a data migration; keep it after a flush too.
        from portal.defaults import restore_after_flush

        restore_after_flush(self, "assessments.migrations.0003_scores_default_policy")
        restore_after_flush(self, "assessments.migrations.0009_certification_types_default")
