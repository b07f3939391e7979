"""Incentives test data: one-person months and an HR user (the shared sample month is tests/sample_month.py)."""

from decimal import Decimal

from assessments.models import Evaluation, KpiRecord
from assessments.scoring.services import monthly_scores_update
from courses.models import TrainingRecord
from tests.conftest import give_totp
from tests.factories import StaffFactory
from tests.sample_month import OCTOBER


def month_data(
    staff,
    *,
    month=OCTOBER,
    contacts=150,
    timeliness="99",
    resolution="97",
    satisfaction="95",
    complaint="0.3",
    major=0,
    hours="4",
    quiz="90",
    quality="90",
):
    """Give `staff` a month of data: a KPI row (unless `contacts` is None), in-service hours with a quiz result,
    and a QA evaluation, then store the month's scores as the importing services do. Defaults make an eligible
    candidate."""
    if contacts is not None:
        KpiRecord.objects.create(
            staff=staff,
            month=month,
            contacts_handled=contacts,
            response_timeliness_rate=Decimal(timeliness),
            resolution_rate=Decimal(resolution),
            satisfaction_rate=Decimal(satisfaction),
            complaint_rate=Decimal(complaint),
            major_complaints=major,
        )
    if hours:
        TrainingRecord.objects.create(
            staff=staff,
            date=month.replace(day=10),
            category="in_service",
            title="客户心理学",
            hours=Decimal(hours),
            score=Decimal(quiz) if quiz else None,
        )
    if quality:
        Evaluation.objects.create(
            staff=staff, date=month.replace(day=12), kind="spot_check", score=Decimal(quality), evaluator="QA"
        )
    monthly_scores_update(months=[month], staff_ids=[staff.pk])
    return staff


def hr(employee_no, **kwargs):
    return give_totp(StaffFactory(role="hr", employee_no=employee_no, **kwargs))
