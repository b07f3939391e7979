"""Home-page panels of the people app: HR's tasks and a team lead's team."""

from django.utils.translation import gettext_lazy as _

from portal.models import IN_SERVICE_ROLES, Role, User
from portal.navigation import register_home_panel, register_nav


def hr_tasks_panel(request):
    people = User.objects.filter(is_active=True)
    return {
        "staff": people.count(),
        # Django marks an unusable password with a leading "!".
        "without_password": people.filter(password__startswith="!").count(),  # noqa: S106
    }


def team_panel(request):
    user = request.user
    if not user.team_id:
        return None
    # Counted like the team's training panel (in-service members), with the new hires said apart, so that the
    # two panels of the same home page give the same number.
    active = User.objects.filter(team_id=user.team_id, is_active=True)
    return {
        "team": user.team,
        "members": active.filter(role__in=IN_SERVICE_ROLES).count(),
        "new_hires": active.filter(role=Role.NEW_HIRE).count(),
    }


def register():
    register_nav(
        _("Staff"),
        "portal:staff-directory",
        roles=[Role.TEAM_LEAD, Role.MANAGER, Role.HR, Role.ADMIN],
        order=80,
    )
    register_home_panel("portal/panels/hr_tasks.html", hr_tasks_panel, roles=[Role.HR, Role.ADMIN], order=5)
    register_home_panel("portal/panels/team.html", team_panel, roles=[Role.TEAM_LEAD], order=40)
