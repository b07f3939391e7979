"""Admin wiring of the scores: links from the Wagtail admin menu to HR's score pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem


class _PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


def scores_menu_item():
    return _PermissionMenuItem(
        _("Scores and KPIs"),
        reverse("assessments:scores-overview"),
        icon_name="table",
        order=310,
        permission="assessments.import_kpis",
    )


def policy_menu_item():
    return _PermissionMenuItem(
        _("Scoring policy"),
        reverse("assessments:policy-list"),
        icon_name="cogs",
        order=311,
        permission="assessments.manage_policy",
    )
