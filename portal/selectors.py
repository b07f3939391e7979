"""Reads of the people app that other apps make: who has which employee number."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.models import ImportMapping, ImportMappingVersion, User
from portal.tabular.mapping import ColumnMapping


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


def import_mapping_get(*, name: str, kind: str) -> ColumnMapping:
    """The newest version of the mapping `name` for the import `kind`; ValidationError naming the saved
    mappings when there is no such mapping."""
    version = (
        ImportMappingVersion.objects.filter(mapping__name=name.strip(), mapping__kind=kind)
        .select_related("mapping")
        .order_by("-number")
        .first()
    )
    if version is None:
        names = list(ImportMapping.objects.filter(kind=kind).values_list("name", flat=True))
        raise ValidationError(
            _("There is no column mapping %(name)s for this import (saved: %(names)s).")
            % {"name": name, "names": ", ".join(names) or "-"}
        )
    return ColumnMapping(
        name=version.mapping.name,
        columns=dict(version.columns),
        rates={target: tuple(pair) for target, pair in version.rates.items()},
        version_id=version.pk,
    )


def import_mapping_names(kind: str) -> list[str]:
    """The names of the saved mappings for the import `kind`, for the upload page's choice."""
    return list(ImportMapping.objects.filter(kind=kind).order_by("name").values_list("name", flat=True))
