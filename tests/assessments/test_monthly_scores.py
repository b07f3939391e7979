"""Stored monthly scores from the sample month's records (rows created directly; the imports have their own tests)."""

import json
from datetime import date
from decimal import Decimal

import pytest

from assessments.models import MonthlyScore
from assessments.scoring.selectors import scoring_policy_for_month
from assessments.scoring.services import monthly_scores_compute
from portal.services import MonthLockedError, month_lock_set
from tests.sample_month import OCTOBER, SAMPLES, load_sample_month

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present"),
]


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
