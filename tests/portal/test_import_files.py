"""The pure file parser of each import and their one duplicate-key check: rows and errors by line, no database."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from assessments.scorecards.evaluations_file import evaluations_file_parse
from assessments.scoring.kpi_file import KPI_COLUMNS, kpi_file_parse
from courses.attendance_file import attendance_file_parse
from courses.training_file import training_file_parse
from portal.importing import DuplicateKeys
from portal.staff_file import STAFF_COLUMNS, staff_file_parse


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def as_dicts(errors):
    return [error.as_dict() for error in errors]


def test_a_key_seen_before_is_refused_naming_its_first_line():
    keys = DuplicateKeys("%(no)s again, first on line %(first)s", column="employee_no", key_name="no")
    assert keys.check("A1", 2) is None and keys.check("A2", 3) is None
    repeat = keys.check("A1", 7)
    assert repeat.as_dict() == {"line": 7, "message": "A1 again, first on line 2", "column": "employee_no"}
    assert keys.check("A1", 9).line == 9 and keys.first_line == {"A1": 2, "A2": 3}
    assert DuplicateKeys("again, see %(first)s").check(("a", 1), 2) is None
    assert keys.check(None, 10) is None and keys.check(None, 11) is None  # a blank optional key


def test_every_import_words_a_repeated_key_as_before():
    staff = staff_file_parse(
        csv(",".join(STAFF_COLUMNS), "E1,甲,a@x.cn,,,agent,,", "E1,乙,,,,agent,,", "E2,丙,A@X.CN,,,agent,,"),
        "s.csv",
    )
    kpis = kpi_file_parse(csv(",".join(KPI_COLUMNS), "E1,1,99,99,99,0.1,0", "E1,1,99,99,99,0.1,0"), "k.csv")
    training = training_file_parse(
        csv(
            "employee_no,date,category,title,hours,score",
            "E1,2026-10-05,in_service,沟通技巧,2,",
            "E1,2026-10-05,in_service,沟通技巧,3,80",
        ),
        "t.csv",
    )
    evaluations = evaluations_file_parse(
        csv(
            "employee_no,date,kind,score,evaluator",
            "E1,2026-10-05,role_play,88,张三",
            "E1,2026-10-05,role_play,70,张三",
        ),
        "e.csv",
    )
    attendance = attendance_file_parse(csv("employee_no", "E1", "E2", "E1"), "a.csv")
    assert as_dicts(staff[1]) == [
        {"line": 3, "column": "employee_no", "message": "employee_no: E1 appears again (first on line 2)."},
        {"line": 4, "column": "email", "message": "email: a@x.cn is also given on line 2."},
    ]
    assert as_dicts(kpis[1]) == [
        {"line": 3, "column": "employee_no", "message": "employee_no: E1 appears again (first on line 2)."}
    ]
    assert as_dicts(training[1]) == [
        {"line": 3, "message": "This record (employee, date, category, title) is also on line 2."}
    ]
    assert as_dicts(evaluations[1]) == [
        {
            "line": 3,
            "message": "This evaluation (employee, date, kind, evaluator) appears again (first on line 2).",
        }
    ]
    assert as_dicts(attendance[1]) == [
        {"line": 4, "column": "employee_no", "message": "employee_no: E1 appears again (first on line 2)."}
    ]
    # Only the first of each repeated record is kept as a row.
    assert [r.line for r in staff[0]] == [2] and [r.line for r in kpis[0]] == [2]
    assert [r.line for r in training[0]] == [2] and [r.line for r in evaluations[0]] == [2]
    assert attendance[0] == {"E1": 2, "E2": 3}


def test_the_parsers_return_typed_rows_and_every_bad_cell():
    staff, errors = staff_file_parse(
        csv(
            ",".join(STAFF_COLUMNS),
            "００１２,王 五, W@X.CN ,客服部,1组,Agent,2026-01-05,",
            "E2,,bad,,1组,boss,,",
        ),
        "s.csv",
    )
    assert (staff[0].employee_no, staff[0].email, staff[0].role, staff[0].onboarded_on) == (
        "0012",
        "w@x.cn",
        "agent",
        None,
    )
    assert [(e.line, e.column) for e in errors] == [(3, "name"), (3, "email"), (3, "team"), (3, "role")]
    records, errors = training_file_parse(
        csv(
            "employee_no,date,category,title,hours,score",
            "E1,2026-10-05,in_service,情景演练,2.5,",
            "E1,x,y,,-1,101",
        ),
        "t.csv",
    )
    assert (records[0].hours, records[0].score, records[0].date) == (Decimal("2.50"), None, date(2026, 10, 5))
    assert [e.column for e in errors] == ["date", "category", "title", "hours", "score"]
    evaluations, errors = evaluations_file_parse(
        csv(
            "employee_no,date,kind,score,evaluator",
            "E1,2026-10-05,spot_check,74.9,",
            "E1,2026-10-06,audit,1.234,x",
        ),
        "e.csv",
    )
    assert (evaluations[0].score, evaluations[0].evaluator) == (Decimal("74.90"), "")
    assert [e.column for e in errors] == ["kind", "score"]


def test_a_file_without_its_key_column_is_refused_by_every_parser():
    for parse in (
        staff_file_parse,
        kpi_file_parse,
        training_file_parse,
        evaluations_file_parse,
        attendance_file_parse,
    ):
        rows, errors = parse(csv("name", "甲"), "x.csv")
        assert not rows and errors and errors[0].line == 1
