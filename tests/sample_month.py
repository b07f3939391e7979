"""The shared sample month (shared/samples) written directly into the database: roster, training records,
evaluations and October's KPIs. The imports have their own tests; this is for tests that need the month's data."""

from datetime import date
from decimal import Decimal

from assessments.models import Evaluation, KpiRecord
from assessments.scoring.kpi_file import KPI_COLUMNS
from courses.models import TrainingRecord
from portal.models import User
from portal.services import staff_import
from portal.tabular.reading import read_table
from tests.assessments.scoring_helpers import SAMPLES

OCTOBER = date(2026, 10, 1)


def _rows(name, columns):
    return read_table((SAMPLES / name).read_bytes(), name, required=columns).rows


def load_sample_month():
    """The sample month's roster (through the staff import), training records, evaluations and KPIs."""
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
