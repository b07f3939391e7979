"""Admin wiring only: HR manages departments, teams and staff, and reads the audit trail, in the Wagtail admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from portal.admin import AuditEventViewSet, DepartmentViewSet, ImportRunViewSet, StaffViewSet, TeamViewSet


class PeopleViewSetGroup(ViewSetGroup):
    menu_label = _("People")
    menu_icon = "group"
    menu_order = 200
    items = (StaffViewSet, DepartmentViewSet, TeamViewSet, AuditEventViewSet, ImportRunViewSet)


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()


# Wagtail's help links lead to wagtail.org in English, which the portal's closed network does not reach; the
# keyboard shortcuts stay.
EXTERNAL_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("construct_help_menu")
def hide_external_help_items(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(EXTERNAL_HELP_ITEMS)]
