"""performance_scores on the sample month with rows created directly (independent of the import commands)."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from assessments.models import KpiRecord, MonthlyScore
from assessments.scoring.services import kpi_month_import, monthly_scores_compute
from portal.services import month_lock_set
from tests.assessments.scoring_helpers import SAMPLES
from tests.sample_month import load_sample_month

OCTOBER = date(2026, 10, 1)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present"),
]


def _scores(month="2026-10"):
    out = io.StringIO()
    call_command("performance_scores", "--month", month, "--json", stdout=out)
    return json.loads(out.getvalue())


def _expected():
    return json.loads((SAMPLES / "performance_scores.expected.json").read_text())


def test_performance_scores_json_matches_the_independent_calculation():
    load_sample_month()
    got = _scores()
    expected = _expected()
    assert got["month"] == "2026-10"
    by_no = {row["employee_no"]: row for row in got["scores"]}
    for want in expected["scores"]:
        assert by_no[want["employee_no"]] == want


def test_an_open_month_reflects_current_data_and_a_published_month_its_frozen_scores():
    load_sample_month()
    monthly_scores_compute(month=OCTOBER)
    record = KpiRecord.objects.select_related("staff").get(staff__employee_no="E00004", month=OCTOBER)
    before = {r["employee_no"]: r for r in _scores()["scores"]}["E00004"]
    # A corrected KPI file: the import stores the month's scores again, so the command prints current data.
    text = (SAMPLES / "kpis.csv").read_bytes().decode("gb18030")
    corrected = text.replace("E00004,657,98.57,95.99,92.58,", "E00004,657,98.57,95.99,98.00,")
    assert corrected != text
    result = kpi_month_import(data=corrected.encode(), file_name="kpis.csv", month=OCTOBER, replace=True)
    assert result.ok
    changed = {r["employee_no"]: r for r in _scores()["scores"]}["E00004"]
    assert changed["kpi"] != before["kpi"]
    before = changed

    month_lock_set(month=OCTOBER, acting_user=None)
    frozen = {r["employee_no"]: r for r in _scores()["scores"]}["E00004"]
    stored = MonthlyScore.objects.get(staff=record.staff, month=OCTOBER)
    assert frozen["score"] == f"{stored.composite:.2f}" == before["score"]


def test_the_human_table_lists_every_scored_person():
    load_sample_month()
    out = io.StringIO()
    call_command("performance_scores", "--month", "2026-10", stdout=out)
    text = out.getvalue()
    assert "E00001" in text and "46.41" in text and f"{len(_expected()['scores'])} scored" in text
