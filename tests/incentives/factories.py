"""Incentives test data: the shared sample month built directly from /work/shared/samples, and one-person months."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from assessments.models import Evaluation, KpiRecord
from courses.models import TrainingRecord
from portal.models import User
from portal.services import staff_import
from portal.tabular import read_table
from tests.conftest import give_totp
from tests.factories import StaffFactory


def _find_samples() -> Path:
    """shared/samples next to the checkout (main) or next to the worktrees' parent (helpers' worktrees)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "samples"
        if candidate.is_dir():
            return candidate
    return Path(__file__).resolve().parents[3] / "shared" / "samples"


SAMPLES = _find_samples()
OCTOBER = date(2026, 10, 1)
KPI_COLUMNS = [
    "employee_no",
    "contacts_handled",
    "response_timeliness_rate",
    "resolution_rate",
    "satisfaction_rate",
    "complaint_rate",
    "major_complaints",
]


def _rows(name, columns):
    return read_table((SAMPLES / name).read_bytes(), name, required=columns).rows


def load_sample_month():
    """The sample month's roster, training records, evaluations and KPIs, written directly (as in
    tests/assessments/test_monthly_scores.py; the imports have their own tests)."""
    staff_import(data=(SAMPLES / "staff.csv").read_bytes(), file_name="staff.csv")
    people = dict(User.objects.values_list("employee_no", "pk"))
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                staff_id=people[r["employee_no"]],
                date=date.fromisoformat(r["date"]),
                category=r["category"],
                title=r["title"],
                hours=Decimal(r["hours"]),
                score=Decimal(r["score"]) if r["score"] else None,
            )
            for _, r in _rows("training.csv", ["employee_no", "date", "category", "title", "hours", "score"])
        ]
    )
    Evaluation.objects.bulk_create(
        [
            Evaluation(
                staff_id=people[r["employee_no"]],
                date=date.fromisoformat(r["date"]),
                kind=r["kind"],
                score=Decimal(r["score"]),
                evaluator=r["evaluator"],
            )
            for _, r in _rows("evaluations.csv", ["employee_no", "date", "kind", "score", "evaluator"])
        ]
    )
    KpiRecord.objects.bulk_create(
        [
            KpiRecord(
                staff_id=people[r["employee_no"]],
                month=OCTOBER,
                contacts_handled=int(r["contacts_handled"]),
                response_timeliness_rate=Decimal(r["response_timeliness_rate"]),
                resolution_rate=Decimal(r["resolution_rate"]),
                satisfaction_rate=Decimal(r["satisfaction_rate"]),
                complaint_rate=Decimal(r["complaint_rate"]),
                major_complaints=int(r["major_complaints"]),
            )
            for _, r in _rows("kpis.csv", KPI_COLUMNS)
        ]
    )


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
    and a QA evaluation. Defaults make an eligible candidate."""
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
    return staff


def hr(employee_no, **kwargs):
    return give_totp(StaffFactory(role="hr", employee_no=employee_no, **kwargs))


def ensure_default_policies():
    """Recreate the default scoring and award policies, which data migrations create and a transactional test's
    flush removes (call at the start of `transaction=True` tests)."""
    from importlib import import_module

    from django.apps import apps

    for module in (
        "assessments.migrations.0003_scores_default_policy",
        "incentives.migrations.0002_default_award_policy",
    ):
        import_module(module).create_default(apps, None)
