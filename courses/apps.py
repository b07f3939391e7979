from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from courses.training_file import TRAINING_COLUMNS
        from portal.importing import import_targets_register

        import_targets_register("training_records", TRAINING_COLUMNS)
        from wagtail.signals import page_published

        from courses import wagtail_setup

        wagtail_setup.connect(self)

        from courses import hooks, receivers, selectors
        from courses.models import LessonPage, ModulePage, ProgrammePage, TrainingRootPage
        from courses.views import my_training_panel, team_training_panel
        from portal.models import Role
        from portal.navigation import register_home_panel, register_nav
        from portal.signals import staff_changed

        staff_changed.connect(receivers.on_staff_changed, dispatch_uid="courses.enrol_on_staff_changed")
        page_published.connect(
            receivers.on_programme_published, sender=ProgrammePage, dispatch_uid="courses.enrol_on_publish"
        )
        page_published.connect(
            receivers.on_lesson_published, sender=LessonPage, dispatch_uid="courses.sop_on_publish"
        )

        hooks.register_page_context(
            TrainingRootPage,
            lambda page, request: selectors.training_root_context(root=page, user=request.user),
        )
        hooks.register_page_context(
            ProgrammePage,
            lambda page, request: {
                **selectors.programme_page_context(programme=page, user=request.user),
                "programme_panels": hooks.programme_panels(request, page),
            },
        )
        hooks.register_page_context(
            ModulePage, lambda page, request: selectors.module_page_context(module=page, user=request.user)
        )
        hooks.register_page_context(
            LessonPage, lambda page, request: selectors.lesson_page_context(lesson=page, request=request)
        )
        hooks.register_panel_context("programme_plan", selectors.programme_plan_panel_context)

        from courses import reminders
        from notifications.reminders import register_decision_finder, register_reminder_finder

        register_reminder_finder(reminders.monthly_module_reminders)
        register_reminder_finder(reminders.onboarding_behind_reminders)
        register_reminder_finder(reminders.sop_unread_reminders)
        from notifications.kinds import register_kind

        register_kind("course_unlocked", _("Learning-path course unlocked"))
        register_decision_finder(
            reminders.offline_sessions_to_sign, per_recipient=True, permissions=["courses.record_attendance"]
        )

        learners = [Role.NEW_HIRE, Role.AGENT, Role.TEAM_LEAD, Role.MANAGER]
        register_nav(_("My training"), "courses:my-training", roles=learners, order=10)
        register_nav(_("Search courses"), "courses:search", order=11)
        register_nav(
            _("Team training"),
            "courses:team-matrix",
            roles=[Role.TEAM_LEAD, Role.MANAGER, Role.HR, Role.ADMIN],
            order=20,
        )
        register_nav(_("Attendance"), "courses:attendance", permission="courses.record_attendance", order=30)
        register_nav(
            _("Training completion"),
            "courses:completion-report",
            roles=[Role.MANAGER, Role.HR, Role.ADMIN],
            order=40,
        )
        register_nav(
            _("Import training records"),
            "courses:training-import",
            permission="courses.import_training_records",
            order=45,
        )
        register_home_panel(
            "courses/panels/my_training.html",
            my_training_panel,
            roles=learners,
            order=10,
            cache_scopes=receivers.my_training_scopes,
        )
        receivers.connect_learner_invalidation()
        register_home_panel(
            "courses/panels/team_training.html", team_training_panel, roles=[Role.TEAM_LEAD], order=20
        )
