"""Stored monthly scores from the sample month's records (rows created directly; the imports have their own tests)."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from assessments.models import Evaluation, KpiRecord, MonthlyScore
from assessments.selectors import scoring_policy_for_month
from assessments.services import monthly_scores_compute
from courses.models import TrainingRecord
from portal.models import User
from portal.services import MonthLockedError, month_lock_set, staff_import
from portal.tabular import read_table

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
OCTOBER = date(2026, 10, 1)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present"),
]


def _rows(name, columns):
    return read_table((SAMPLES / name).read_bytes(), name, required=columns).rows


def load_sample_month():
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
    columns = [
        "employee_no",
        "contacts_handled",
        "response_timeliness_rate",
        "resolution_rate",
        "satisfaction_rate",
        "complaint_rate",
        "major_complaints",
    ]
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
            for _, r in _rows("kpis.csv", columns)
        ]
    )


def fmt(value):
    return None if value is None else f"{value:.2f}"


def test_the_default_policy_applies_to_every_month_until_a_later_version():
    policy = scoring_policy_for_month(date(2001, 1, 1))
    assert policy.effective_month is None
    assert policy.as_rules().complaint.target == Decimal("0.5") and policy.winners == 10


def test_stored_scores_of_the_sample_month_match_the_independent_calculation():
    load_sample_month()
    monthly_scores_compute(month=OCTOBER)
    expected = json.loads((SAMPLES / "performance_scores.expected.json").read_text())["scores"]
    stored = {
        s.staff.employee_no: s for s in MonthlyScore.objects.select_related("staff").filter(month=OCTOBER)
    }
    for want in expected:
        got = stored[want["employee_no"]]
        assert (fmt(got.composite), fmt(got.kpi), fmt(got.quality), fmt(got.learning), got.partial) == (
            want["score"],
            want["kpi"],
            want["quality"],
            want["learning"],
            want["partial"],
        ), want["employee_no"]


def test_a_published_month_refuses_recomputation():
    month_lock_set(month=OCTOBER, acting_user=None)
    with pytest.raises(MonthLockedError):
        monthly_scores_compute(month=OCTOBER)
