from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from wagtail.signals import page_published

        from courses import receivers
        from courses.models import LessonPage, ProgrammePage
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

        learners = [Role.NEW_HIRE, Role.AGENT, Role.TEAM_LEAD, Role.MANAGER]
        register_nav(_("My training"), "courses:my-training", roles=learners, order=10)
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
        register_home_panel("courses/panels/my_training.html", my_training_panel, roles=learners, order=10)
        register_home_panel(
            "courses/panels/team_training.html", team_training_panel, roles=[Role.TEAM_LEAD], order=20
        )
