"""Admin wiring only: HR manages departments, teams and staff, and reads the audit trail, in the Wagtail admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from portal.models import AuditEvent, Department, ImportRun, Team, User


class DepartmentViewSet(ModelViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name"]
    search_fields = ["name"]
    form_fields = ["name"]


class TeamViewSet(ModelViewSet):
    model = Team
    icon = "group"
    menu_label = _("Teams")
    list_display = ["name", "department"]
    list_filter = ["department"]
    search_fields = ["name"]
    form_fields = ["department", "name"]


class StaffViewSet(ModelViewSet):
    model = User
    icon = "user"
    menu_label = _("Staff")
    url_prefix = "staff"
    list_display = ["employee_no", "name", "role", "department", "team", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["employee_no", "name", "email"]
    list_per_page = 50
    panels = [
        FieldPanel("employee_no"),
        FieldPanel("name"),
        FieldPanel("email"),
        FieldPanel("department"),
        FieldPanel("team"),
        FieldPanel("role"),
        FieldPanel("hire_date"),
        FieldPanel("onboarded_on"),
        FieldPanel("is_active"),
    ]


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = _("Audit trail")
    list_display = ["created_at", "actor", "action", "target_type", "target_id", "reason"]
    list_filter = ["action"]
    search_fields = ["action", "reason", "target_id"]
    inspect_view_enabled = True
    form_fields = []


class ImportRunViewSet(ModelViewSet):
    model = ImportRun
    icon = "upload"
    menu_label = _("Imports")
    list_display = ["created_at", "kind", "file_name", "month", "created", "updated", "replaced", "actor"]
    list_filter = ["kind"]
    inspect_view_enabled = True
    form_fields = []


class PeopleViewSetGroup(ViewSetGroup):
    menu_label = _("People")
    menu_icon = "group"
    menu_order = 200
    items = (StaffViewSet, DepartmentViewSet, TeamViewSet, AuditEventViewSet, ImportRunViewSet)


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()
