"""Importing a month's KPI file: all or nothing, every error by line, replacement recorded, locked months refused."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from assessments.models import KpiRecord, MonthlyScore
from assessments.scoring.kpi_file import KPI_VALUE_COLUMNS, kpi_file_parse
from assessments.scoring.services import kpi_month_import
from portal.models import AuditEvent, ImportRun
from portal.services import month_lock_set
from tests.assessments.scoring_helpers import KPI_HEADER, kpi_csv
from tests.factories import StaffFactory

OCT = date(2026, 10, 1)
GOOD = ("A0001,120,98.00,95.00,90.00,0.50,0", "A0002,80,99.5,99,98,0.1,1")


@pytest.fixture
def two_agents(db):
    return StaffFactory(employee_no="A0001"), StaffFactory(employee_no="A0002")


def test_the_parser_reports_every_bad_cell_with_its_line():
    rows, errors = kpi_file_parse(
        kpi_csv(
            "A0001,120,98.00,95.00,90.00,0.50,0",
            "A0002,12.5,101,95.123,abc,-1,0",
            "A0001,1,1,1,1,1,1",
            ",1,1,1,1,1,1",
        ),
        "k.csv",
    )
    assert [r.employee_no for r in rows] == ["A0001"]
    by_line = {}
    for error in errors:
        by_line.setdefault(error.line, []).append(error.column)
    assert by_line[3] == [
        "contacts_handled",
        "response_timeliness_rate",
        "resolution_rate",
        "satisfaction_rate",
        "complaint_rate",
    ]
    assert by_line[4] == ["employee_no"] and "first on line 2" in errors[-2].message
    assert by_line[5] == ["employee_no"]


def test_a_missing_column_refuses_the_file():
    header = KPI_HEADER.replace(",major_complaints", "")
    rows, errors = kpi_file_parse(kpi_csv("A0001,1,1,1,1,1", header=header), "k.csv")
    assert rows == [] and [(e.line, e.column) for e in errors] == [(1, "major_complaints")]


def test_an_import_stores_exact_rows_and_scores_the_month(two_agents):
    result = kpi_month_import(data=kpi_csv(*GOOD), file_name="k.csv", month=date(2026, 10, 17))
    assert result.ok and result.counts == {"imported": 2, "replaced": 0, "scored": 2}
    record = KpiRecord.objects.get(staff=two_agents[1], month=OCT)
    assert record.response_timeliness_rate == Decimal("99.50") and record.major_complaints == 1
    scores = {s.staff.employee_no: s for s in MonthlyScore.objects.filter(month=OCT).select_related("staff")}
    # Every KPI exactly at target gives 80, at excellence 100. No training hours: learning counts 0 (present);
    # no evaluation: quality absent, partial. (80×50 + 0×20) / 70 = 57.142… → 57.14.
    first, second = scores["A0001"], scores["A0002"]
    assert (first.kpi, first.learning, first.quality, first.partial) == (Decimal("80.00"), 0, None, True)
    assert first.composite == Decimal("57.14")
    assert second.kpi == Decimal("100.00") and second.composite == Decimal("71.43")


def test_one_bad_row_changes_nothing_and_names_its_line(two_agents):
    result = kpi_month_import(
        data=kpi_csv(GOOD[0], "A0002,80,99.5,99,98,100.01,0"), file_name="k.csv", month=OCT
    )
    assert not result.ok and result.as_json()["imported"] == 0
    assert [(e.line, e.column) for e in result.errors] == [(3, "complaint_rate")]
    assert not KpiRecord.objects.exists() and not ImportRun.objects.exists()


def test_an_unknown_employee_number_is_refused_by_line(two_agents):
    result = kpi_month_import(data=kpi_csv(GOOD[0], "Z9999,1,1,1,1,1,0"), file_name="k.csv", month=OCT)
    assert [(e.line, e.column) for e in result.errors] == [(3, "employee_no")]
    assert "Z9999" in result.errors[0].message and not KpiRecord.objects.exists()


def test_a_month_with_data_needs_replace_and_the_replacement_is_recorded(two_agents, hr_user):
    kpi_month_import(data=kpi_csv(*GOOD), file_name="k.csv", month=OCT)
    again = kpi_month_import(data=kpi_csv(GOOD[0]), file_name="k.csv", month=OCT)
    assert not again.ok and "replace" in again.errors[0].message
    assert KpiRecord.objects.filter(month=OCT).count() == 2

    replaced = kpi_month_import(
        data=kpi_csv(GOOD[0]), file_name="k2.csv", month=OCT, replace=True, acting_user=hr_user
    )
    assert replaced.counts["imported"] == 1 and replaced.counts["replaced"] == 2
    assert list(KpiRecord.objects.filter(month=OCT).values_list("staff__employee_no", flat=True)) == ["A0001"]
    run = ImportRun.objects.filter(kind="kpis").first()
    assert (run.actor, run.replaced, run.created, run.month) == (hr_user, 2, 1, OCT)
    audit = AuditEvent.objects.get(action="kpis.replace")
    assert audit.actor == hr_user and audit.data["old_rows"] == 2 and audit.data["new_rows"] == 1
    # The person no longer in the file has no KPI component any more (learning 0 still scores them).
    assert MonthlyScore.objects.get(month=OCT, staff=two_agents[1]).kpi is None


def test_reimporting_the_same_file_with_replace_leaves_the_same_rows(two_agents):
    kpi_month_import(data=kpi_csv(*GOOD), file_name="k.csv", month=OCT)
    before = list(KpiRecord.objects.order_by("staff_id").values(*_VALUES))
    scores = list(MonthlyScore.objects.order_by("staff_id").values("staff_id", "composite", "kpi", "partial"))
    kpi_month_import(data=kpi_csv(*GOOD), file_name="k.csv", month=OCT, replace=True)
    assert list(KpiRecord.objects.order_by("staff_id").values(*_VALUES)) == before
    assert (
        list(MonthlyScore.objects.order_by("staff_id").values("staff_id", "composite", "kpi", "partial"))
        == scores
    )


_VALUES = ("staff_id", "month", *KPI_VALUE_COLUMNS)


def test_a_locked_month_refuses_new_data(two_agents):
    month_lock_set(month=OCT, acting_user=None)
    result = kpi_month_import(data=kpi_csv(*GOOD), file_name="k.csv", month=OCT, replace=True)
    assert not result.ok and "locked" in result.errors[0].message
    assert not KpiRecord.objects.exists()


def test_a_dry_run_writes_nothing(two_agents):
    result = kpi_month_import(data=kpi_csv(*GOOD), file_name="k.csv", month=OCT, dry_run=True)
    assert result.ok and result.counts["imported"] == 2 and len(result.preview) == 2
    assert not KpiRecord.objects.exists() and not MonthlyScore.objects.exists()


def test_gb18030_and_xlsx_give_the_same_rows(two_agents):
    kpi_month_import(data=kpi_csv(*GOOD, encoding="gb18030"), file_name="k.csv", month=OCT)
    from_csv = list(KpiRecord.objects.order_by("staff_id").values(*_VALUES[2:]))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(KPI_HEADER.split(","))
    sheet.append(["A0001", 120, 98, 95, 90, 0.5, 0])
    sheet.append(["A0002", 80, 99.5, 99, 98, 0.1, 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = kpi_month_import(data=buffer.getvalue(), file_name="k.xlsx", month=OCT, replace=True)
    assert result.ok, result.errors
    assert list(KpiRecord.objects.order_by("staff_id").values(*_VALUES[2:])) == from_csv


def test_the_command_prints_one_json_object_and_exits_1_on_refusal(two_agents, tmp_path, capsys):
    path = tmp_path / "k.csv"
    path.write_bytes(kpi_csv(*GOOD))
    call_command("import_kpis", str(path), "--month", "2026-10", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["imported"] == 2 and out["replaced"] == 0 and out["errors"] == []

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_kpis", str(path), "--month", "2026-10", "--json")
    assert exit_info.value.code == 1
    refused = json.loads(capsys.readouterr().out)
    assert refused["imported"] == 0 and refused["errors"][0]["line"] == 0

    call_command("import_kpis", str(path), "--month", "2026-10", "--replace", "--json")
    assert json.loads(capsys.readouterr().out)["replaced"] == 2


def test_the_command_refuses_a_bad_month(two_agents, tmp_path, capsys):
    path = tmp_path / "k.csv"
    path.write_bytes(kpi_csv(*GOOD))
    with pytest.raises(SystemExit):
        call_command("import_kpis", str(path), "--month", "2026-13", "--json")
    assert json.loads(capsys.readouterr().out)["imported"] == 0
