"""Every import's file as HR's own spreadsheets give it: Chinese headers, other date forms, flags, report rows."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from assessments.scorecards.evaluations_file import evaluations_file_parse
from courses.training_file import training_file_parse
from portal.staff_file import staff_file_parse
from portal.tabular.errors import FieldError
from portal.tabular.fields import parse_date, parse_decimal, parse_flag, parse_int
from portal.tabular.reading import header_key, read_table


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-03",
        "2026/10/03",
        "2026.10.03",
        "2026年10月3日",
        "2026 年 10 月 03 日",
        "2026/10/3",
        "２０２６/１０/０３",
    ],
)
def test_dates_as_people_write_them(text):
    assert parse_date(text, column="date") == date(2026, 10, 3)


def test_an_impossible_date_in_any_form_is_still_not_a_real_date():
    for text in ["2026/02/30", "2026年2月30日"]:
        with pytest.raises(FieldError, match="not a real date"):
            parse_date(text, column="date")


def test_percent_signs_only_in_percentage_columns_and_grouped_counts_only_in_counts():
    assert parse_decimal("98.5%", column="rate", percent=True) == Decimal("98.50")
    assert parse_decimal("98.5 ％", column="rate", percent=True) == Decimal("98.50")
    with pytest.raises(FieldError, match="write 98.5, not 98.5%"):
        parse_decimal("98.5%", column="score")
    with pytest.raises(FieldError, match="not a number"):
        parse_decimal("%", column="rate", percent=True)
    assert parse_int("1,234", column="contacts", thousands=True) == 1234
    assert parse_int("１，２３４", column="contacts", thousands=True) == 1234
    for text in ["1,23", "12,3456", ",123"]:
        with pytest.raises(FieldError):
            parse_int(text, column="contacts", thousands=True)


def test_flags_read_shi_and_fou():
    assert [parse_flag(text, column="done") for text in ["是", "否", "TRUE", "no", "１"]] == [
        True,
        False,
        True,
        False,
        True,
    ]
    with pytest.raises(FieldError, match="write 是 or 否"):
        parse_flag("也许", column="done")


def test_header_keys_ignore_case_spaces_width_and_a_trailing_unit():
    assert {
        header_key(name)
        for name in ["响应及时率(%)", " 响应 及时率（％）", "响应及时率[%]", "响应及时率【%】"]
    } == {"响应及时率"}
    assert header_key("Employee_No") == "employee_no"
    assert header_key("(%)") == "(%)"


def test_a_staff_roster_with_chinese_headers_and_role_names():
    data = (
        "员工花名册\n"
        "工号,姓名,邮箱,部门,班组,角色,入职日期,入职培训完成日期\n"
        "A0001,张伟,zw@example.com,客服部,一组,班组长,2026/09/01,2026年9月4日\n"
        "A0002,李娜,,客服部,一组,在岗员工,2026.09.01,\n"
    ).encode("gb18030")
    rows, errors = staff_file_parse(data, "花名册.csv")
    assert errors == []
    assert [(row.line, row.role, row.hire_date, row.onboarded_on) for row in rows] == [
        (3, "team_lead", date(2026, 9, 1), date(2026, 9, 4)),
        (4, "agent", date(2026, 9, 1), None),
    ]
    assert rows.skipped == [(1, "员工花名册")]


def test_training_records_as_an_xlsx_report_with_date_cells_title_and_total():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2026年10月线下培训记录"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["工号", "日期", "类别", "课程", "学时", "成绩"])
    sheet.append(["A0001", datetime(2026, 10, 3), "在岗培训", "沟通技巧", 2, 95])
    sheet.append(["A0002", "2026年10月3日", "in_service", "沟通技巧", 2.5, None])
    sheet.append(["", "", "", "合计", 4.5, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows, errors = training_file_parse(buffer.getvalue(), "培训.xlsx")
    assert errors == []
    assert [(row.line, row.date, row.category, row.hours, row.score) for row in rows] == [
        (4, date(2026, 10, 3), "in_service", Decimal("2.00"), Decimal("95.00")),
        (5, date(2026, 10, 3), "in_service", Decimal("2.50"), None),
    ]
    assert [line for line, _text in rows.skipped] == [1, 6]


def test_evaluations_with_chinese_headers_and_kinds():
    data = "工号,日期,类型,得分,评估人\nA0001,2026/10/03,录音抽查,88.5,质检01\nA0001,2026/10/04,角色扮演,90,\n".encode()
    rows, errors = evaluations_file_parse(data, "质检.csv")
    assert errors == []
    assert [(row.kind, row.score) for row in rows] == [
        ("spot_check", Decimal("88.50")),
        ("role_play", Decimal("90.00")),
    ]


def test_a_score_with_a_percent_sign_is_still_refused_by_line():
    data = "工号,日期,类型,得分,评估人\nA0001,2026-10-03,spot_check,88%,x\n".encode()
    _rows, errors = evaluations_file_parse(data, "e.csv")
    assert [(error.line, error.column) for error in errors] == [(2, "score")]


def test_a_canonical_name_and_its_alias_together_are_one_error_naming_both():
    data = "employee_no,工号,date,kind,score,evaluator\nA1,A1,2026-10-03,spot_check,88,x\n".encode()
    _rows, errors = evaluations_file_parse(data, "e.csv")
    assert len(errors) == 1 and "employee_no, 工号" in errors[0].message and errors[0].line == 1


def test_only_the_last_row_may_be_a_total_and_empty_rows_are_skipped():
    data = "工号,接待量\n合计,1\n\nA2,2\n,,\n总计,3\n".encode()
    table = read_table(
        data,
        "t.csv",
        required=["employee_no", "contacts_handled"],
        aliases={"employee_no": ["工号"], "contacts_handled": ["接待量"]},
    )
    assert [(line, cells["employee_no"]) for line, cells in table.rows] == [(2, "合计"), (4, "A2")]
    assert table.skipped == [(6, "总计 3")]
