"""KPI files as call-centre systems and HR's Excel give them: Chinese names, "98.5%", titles, totals, mappings."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from assessments.models import KpiRecord, MonthlyScore
from assessments.scoring.kpi_file import KPI_COLUMNS, kpi_file_parse
from assessments.scoring.services import kpi_month_import
from portal.models import AuditEvent, ImportRun
from portal.selectors import import_mapping_get
from portal.services import import_mapping_save
from portal.tabular.mapping import ColumnMapping
from tests.assessments.call_centre_exports import (
    AGENTS,
    CMS_MAPPING,
    canonical_csv,
    cms_report,
    vendor_report,
)
from tests.assessments.scoring_helpers import kpi_csv
from tests.factories import StaffFactory

OCT = date(2026, 10, 1)


def _stored() -> tuple[list, list]:
    records = sorted(
        KpiRecord.objects.filter(month=OCT).values_list(
            "staff__employee_no",
            "contacts_handled",
            "response_timeliness_rate",
            "resolution_rate",
            "satisfaction_rate",
            "complaint_rate",
            "major_complaints",
        )
    )
    scores = sorted(
        MonthlyScore.objects.filter(month=OCT).values_list(
            "staff__employee_no", "kpi", "composite", "partial"
        )
    )
    return records, scores


@pytest.fixture
def canonical(db):
    for agent in AGENTS:
        StaffFactory(employee_no=agent.employee_no)
    result = kpi_month_import(data=canonical_csv(), file_name="kpi.csv", month=OCT)
    assert result.ok, result.errors
    return _stored()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_chinese_vendor_report_imports_the_canonical_values_and_scores(canonical, kind):
    result = kpi_month_import(data=vendor_report(kind), file_name=f"坐席绩效.{kind}", month=OCT, replace=True)
    assert result.ok, result.errors
    assert result.counts["imported"] == len(AGENTS)
    assert _stored() == canonical
    # The title and period lines above the header and the 合计 row are reported, with their lines.
    assert result.skipped[0].endswith("2026年10月坐席绩效报表") and "line 1" in result.skipped[0]
    assert "line 2" in result.skipped[1]
    assert "line 7" in result.skipped[2] and "合计" in result.skipped[2]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cms_counts_report_through_a_mapping_imports_the_canonical_values_and_scores(canonical, kind):
    result = kpi_month_import(
        data=cms_report(kind), file_name=f"cms.{kind}", month=OCT, replace=True, mapping=CMS_MAPPING
    )
    assert result.ok, result.errors
    assert _stored() == canonical
    assert any("Total" in note for note in result.skipped)


def test_the_vendor_file_parses_to_the_canonical_rows_with_the_files_own_lines():
    canonical, _errors = kpi_file_parse(canonical_csv(), "k.csv")
    for kind in ("csv", "xlsx"):
        rows, errors = kpi_file_parse(vendor_report(kind), f"v.{kind}")
        assert errors == []
        assert [row[1:] for row in rows] == [row[1:] for row in canonical]
        assert [row.line for row in rows] == [4, 5, 6]  # title, period, header above


def test_a_zero_denominator_is_refused_on_its_line():
    data = (
        "Agent Name,Login ID,ACD Calls,Answered In Service Level,Resolved Calls,Surveys,Satisfied Surveys,"
        "Complaints,Major Complaints\n"
        "张伟,A0001,100,99,96,40,37,0,0\n"
        "李娜,A0002,0,0,0,0,0,0,0\n"
    ).encode()
    rows, errors = kpi_file_parse(data, "cms.csv", mapping=CMS_MAPPING)
    assert rows[0].complaint_rate == Decimal("0.00") and rows[0].satisfaction_rate == Decimal("92.50")
    assert {error.line for error in errors} == {3}
    assert {error.column for error in errors} == {
        "response_timeliness_rate",
        "resolution_rate",
        "satisfaction_rate",
        "complaint_rate",
    }
    assert "acd calls is 0" in errors[0].message


def test_a_derived_rate_rounds_half_up_exactly():
    mapping = ColumnMapping(
        name="m", columns={"工号": "employee_no"}, rates={"complaint_rate": ("投诉量", "呼入量")}
    )
    data = (
        "工号,接待量,响应及时率,问题解决率,客户满意度,投诉量,呼入量,一级重大投诉\n"
        "A0001,200,98,95,90,1,800,0\n"  # 0.125 → 0.13
        "A0002,200,98,95,90,1,3,0\n"  # 33.333… → 33.33
    ).encode()
    rows, errors = kpi_file_parse(data, "k.csv", mapping=mapping)
    assert errors == []
    assert [row.complaint_rate for row in rows] == [Decimal("0.13"), Decimal("33.33")]


@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("工号,接待量,响应及时率,问题解决率,客户满意度,投诉率,一级重大投诉", "A0001,120,98.50%,95%,90,0.5,0"),
        (
            " 工 号 ,接待量(次),响应及时率（%）,问题解决率[%],客户满意度,投诉率,重大投诉",
            "Ａ0001,１２0,98.5％,95,90,0.50,0",
        ),
        (
            "EMPLOYEE_NO,Contacts_Handled,response_timeliness_rate,resolution_rate,satisfaction_rate,complaint_rate,major_complaints",
            "A0001,120,98.5,95,90,0.5,0",
        ),
    ],
)
def test_headers_match_by_any_of_their_names_ignoring_case_spaces_width_and_units(header, values):
    rows, errors = kpi_file_parse(f"{header}\n{values}\n".encode(), "k.csv")
    assert errors == []
    assert rows[0].response_timeliness_rate == Decimal("98.50") and rows[0].contacts_handled == 120


def test_a_column_given_by_two_names_is_an_error_naming_both():
    header = ",".join(KPI_COLUMNS) + ",工号"
    _rows, errors = kpi_file_parse(kpi_csv("A0001,120,98,95,90,0.5,0,A0001", header=header), "k.csv")
    assert len(errors) == 1 and errors[0].line == 1
    assert "employee_no, 工号" in errors[0].message


def test_a_percent_sign_outside_a_rate_column_is_still_an_error():
    _rows, errors = kpi_file_parse(kpi_csv("A0001,120%,98,95,90,0.5,0"), "k.csv")
    assert [(error.line, error.column) for error in errors] == [(2, "contacts_handled")]
    assert "write 120, not 120%" in errors[0].message


def test_a_header_not_in_the_first_ten_rows_is_reported_as_missing_columns():
    data = ("标题\n" * 10 + ",".join(KPI_COLUMNS) + "\nA0001,120,98,95,90,0.5,0\n").encode()
    _rows, errors = kpi_file_parse(data, "k.csv")
    assert errors and all(error.line == 1 and "The header has no" in error.message for error in errors)


def test_a_saved_mapping_is_versioned_audited_and_recorded_on_the_import_run(
    canonical, hr_user, tmp_path, capsys
):
    first = import_mapping_save(
        name="Avaya CMS", kind="kpis", columns={"Login ID": "contacts_handled"}, rates={}, acting_user=hr_user
    )
    second = import_mapping_save(
        name="Avaya CMS",
        kind="kpis",
        columns=CMS_MAPPING.columns,
        rates={target: list(pair) for target, pair in CMS_MAPPING.rates.items()},
        acting_user=hr_user,
    )
    assert (first.number, second.number) == (1, 2)
    assert AuditEvent.objects.filter(action="import_mapping.save").count() == 2
    assert import_mapping_get(name="Avaya CMS", kind="kpis").version_id == second.pk
    with pytest.raises(ValidationError):
        import_mapping_save(name="x", kind="kpis", columns={"a": "nope"}, rates={}, acting_user=hr_user)
    with pytest.raises(ValidationError):
        import_mapping_get(name="Avaya CMS", kind="staff")

    path = tmp_path / "cms.xlsx"
    path.write_bytes(cms_report("xlsx"))
    call_command(
        "import_kpis", str(path), "--month", "2026-10", "--replace", "--mapping", "Avaya CMS", "--json"
    )
    assert _stored() == canonical
    assert ImportRun.objects.filter(kind="kpis").first().mapping_version == second


def test_an_unknown_mapping_refuses_the_command(db, tmp_path, capsys):
    path = tmp_path / "k.csv"
    path.write_bytes(canonical_csv())
    with pytest.raises(SystemExit) as exited:
        call_command("import_kpis", str(path), "--month", "2026-10", "--mapping", "nope", "--json")
    assert exited.value.code == 1
    assert "There is no column mapping nope" in capsys.readouterr().out
