from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from assessments.scorecards.evaluations_file import EVALUATION_COLUMNS
        from assessments.scoring.kpi_file import KPI_COLUMNS, RATE_COLUMNS
        from portal.importing import import_targets_register
        from portal.models import Role

        import_targets_register("kpis", KPI_COLUMNS, RATE_COLUMNS)
        import_targets_register("evaluations", EVALUATION_COLUMNS)
        from assessments.qa.calls_file import CALL_COLUMNS, CALL_OPTIONAL_COLUMNS

        import_targets_register("calls", [*CALL_COLUMNS, *CALL_OPTIONAL_COLUMNS])
        from assessments.certificates import receivers as certificate_receivers
        from assessments.quizzes import receivers as quiz_receivers
        from assessments.quizzes.signals import final_exam_passed
        from courses import hooks
        from courses.signals import lesson_completed, onboarding_completed
        from portal.navigation import register_nav

        hooks.register_completion_gate(quiz_receivers.quiz_completion_gate)
        hooks.register_lesson_panel(quiz_receivers.quiz_lesson_panel)
        quiz_receivers.connect_invalidation()
        from assessments.leadership.receivers import leadership_programme_panel

        hooks.register_programme_panel(leadership_programme_panel)
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
        from assessments.quizzes.reminders import attempts_to_review, essays_to_grade, quiz_closing_reminders
        from assessments.scorecards.reminders import dispute_decisions, dispute_overdue_reminders
        from notifications.kinds import register_kind
        from notifications.reminders import register_decision_finder, register_reminder_finder

        register_kind("certificate_suspended", _("Certificate suspended"))
        register_kind("certificate_restored", _("Certificate restored"))
        register_kind("certificate_renewed", _("Certificate renewed"))
        register_kind("certificate_expired", _("Certificate expired"))

        for finder in (
            quiz_closing_reminders,
            certificate_expiring_reminders,
            dispute_overdue_reminders,
        ):
            register_reminder_finder(finder)
        from assessments.quizzes.reminders import GRADER_PERMISSION

        # QA work goes to QA evaluators: trainer/QA accounts, or anyone given the scoring permission in person;
        # QA leads (who decide endorsed disputes) are trainers.
        qa_roles, qa_permissions = [Role.TRAINER], ["assessments.evaluate_staff"]
        register_decision_finder(essays_to_grade, permissions=[GRADER_PERMISSION])
        register_decision_finder(attempts_to_review, permissions=[GRADER_PERMISSION])
        register_decision_finder(
            dispute_decisions, roles=[Role.TEAM_LEAD, *qa_roles], permissions=qa_permissions
        )
        from assessments.calibration import reminders as calibration_reminders
        from assessments.qa.reminders import sampled_calls_to_evaluate

        for finder in (
            sampled_calls_to_evaluate,
            calibration_reminders.calibration_calls_to_score,
            calibration_reminders.calibration_references_to_set,
            calibration_reminders.evaluations_to_review,
        ):
            register_decision_finder(finder, per_recipient=True, roles=qa_roles, permissions=qa_permissions)

        register_nav(_("My quizzes"), "assessments:my-quizzes", order=20)
        register_nav(_("My evaluations"), "assessments:my-evaluations", order=22)
        register_nav(_("My certificates"), "assessments:my-certificates", order=24)
        register_nav(_("Verify a credential"), "credential-verify", order=25)
        register_nav(
            _("Question banks"), "assessments:bank-list", order=60, permission="assessments.manage_questions"
        )
        register_nav(
            _("Exam reviews"), "assessments:review-queue", order=60, permission="assessments.manage_questions"
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
            _("Disputes"),
            "assessments:dispute-queue",
            order=62,
            roles=[Role.TEAM_LEAD, Role.TRAINER, Role.HR, Role.ADMIN],
        )
        register_nav(
            _("Critical failures"),
            "assessments:critical-failures",
            order=64,
            permission="assessments.review_critical_failures",
        )
        register_nav(
            _("QA leads"), "assessments:qa-leads", order=65, permission="assessments.manage_qa_leads"
        )
        from assessments.scorecards.views import disputes_panel
        from portal.navigation import register_home_panel

        register_home_panel(
            "assessments/scorecards/panel.html",
            disputes_panel,
            roles=[Role.TEAM_LEAD, Role.TRAINER, Role.HR, Role.ADMIN],
            order=15,
        )
        register_nav(
            _("Calls to evaluate"),
            "assessments:qa-my-calls",
            order=61,
            permission="assessments.evaluate_staff",
        )
        register_nav(
            _("QA spot checks"), "assessments:qa-coverage", order=65, permission="assessments.manage_qa"
        )
        register_nav(
            _("QA evaluator capacity"),
            "assessments:qa-capacity",
            order=65,
            permission="assessments.manage_qa",
        )
        register_nav(
            _("Leadership course effect"),
            "assessments:leadership-effect",
            roles=["manager", "hr", "admin"],
            order=67,
        )
        register_nav(
            _("Calibration"), "assessments:calibration", order=62, permission="assessments.evaluate_staff"
        )
        register_nav(
            _("Evaluator accuracy"),
            "assessments:calibration-report",
            order=65,
            permission="assessments.manage_qa",
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
        restore_after_flush(
            self, "assessments.migrations.0012_calibration_and_grader_reviews", "default_calibration_policy"
        )
