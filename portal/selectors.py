"""Reads of the people app that other apps make: who has which employee number."""

from collections.abc import Iterable

from portal.models import User


def staff_ids_by_employee_no(
    employee_nos: Iterable[str] | None = None, *, active_only: bool = False
) -> dict[str, int]:
    """{employee number: account id} of `employee_nos` (of every account when None), in one query.

    Numbers nobody has are left out; with `active_only`, so are deactivated accounts.
    """
    accounts = User.objects.all()
    if employee_nos is not None:
        accounts = accounts.filter(employee_no__in=list(employee_nos))
    if active_only:
        accounts = accounts.filter(is_active=True)
    return dict(accounts.values_list("employee_no", "pk"))
