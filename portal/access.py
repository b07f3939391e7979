"""Who may see whom: self / own team (team lead) / own department (manager) / everyone (HR, admin).

Every page and API that shows a person's data narrows its queryset through `staff_visible_to` and fetches a
single person through `staff_get_for_user`, which answers 404 (not 403) for someone out of reach.
"""

from django.db.models import QuerySet
from django.http import Http404

from portal.models import Role, User


class Scope:
    SELF = "self"
    TEAM = "team"
    DEPARTMENT = "department"
    ALL = "all"


def visibility_scope(user: User) -> str:
    if not user.is_authenticated:
        return Scope.SELF
    if user.is_superuser or user.role in (Role.HR, Role.ADMIN):
        return Scope.ALL
    if user.role == Role.MANAGER and user.department_id:
        return Scope.DEPARTMENT
    if user.role == Role.TEAM_LEAD and user.team_id:
        return Scope.TEAM
    return Scope.SELF


def staff_visible_to(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """The people `user` may see, as a filter on `queryset` (default: every staff member)."""
    qs = User.objects.all() if queryset is None else queryset
    scope = visibility_scope(user)
    if scope == Scope.ALL:
        return qs
    if scope == Scope.DEPARTMENT:
        return qs.filter(department_id=user.department_id)
    if scope == Scope.TEAM:
        return qs.filter(team_id=user.team_id)
    return qs.filter(pk=user.pk)


def filter_by_staff_visibility(user: User, queryset: QuerySet, staff_field: str = "staff") -> QuerySet:
    """Narrow a queryset of rows that belong to a staff member (`staff_field`) to what `user` may see."""
    scope = visibility_scope(user)
    if scope == Scope.ALL:
        return queryset
    if scope == Scope.DEPARTMENT:
        return queryset.filter(**{f"{staff_field}__department_id": user.department_id})
    if scope == Scope.TEAM:
        return queryset.filter(**{f"{staff_field}__team_id": user.team_id})
    return queryset.filter(**{staff_field: user})


def staff_get_for_user(user: User, *, employee_no: str) -> User:
    """The staff member `employee_no` if `user` may see them; otherwise 404 so ids cannot be probed."""
    try:
        return staff_visible_to(user).select_related("department", "team").get(employee_no=employee_no)
    except User.DoesNotExist:
        raise Http404 from None


def can_manage_people(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in (Role.HR, Role.ADMIN))
