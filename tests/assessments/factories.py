"""Factories of the scoring tests (kept here, not in tests/factories.py, to avoid merge conflicts)."""

from datetime import date
from decimal import Decimal

from assessments.models import KpiRecord


def kpi_record(
    staff, month: date, *, timeliness="98", resolution="95", satisfaction="90", complaint="0.5", **extra
):
    """A KPI row; by default every KPI exactly at the default policy's target (80 points each)."""
    return KpiRecord.objects.create(
        staff=staff,
        month=month,
        contacts_handled=extra.pop("contacts_handled", 150),
        response_timeliness_rate=Decimal(timeliness),
        resolution_rate=Decimal(resolution),
        satisfaction_rate=Decimal(satisfaction),
        complaint_rate=Decimal(complaint),
        major_complaints=extra.pop("major_complaints", 0),
    )
