"""The training records file (offline sessions, external training, paper exams): bytes in, validated rows and
line-numbered errors out. Touches no database.

Columns (`TRAINING_COLUMNS`): employee_no, date, category, title, hours, score; score may be blank. The key is
(employee, date, category, title): the same record twice in one file is an error. Whether the people exist and
the months are open is checked by the import service, which has the database.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from courses.models import Category
from portal.importing import DuplicateKeys, RowParser, file_rows_parse
from portal.tabular.errors import RowError
from portal.tabular.fields import parse_choice, parse_date, parse_decimal, parse_employee_no, parse_text
from portal.tabular.mapping import ColumnMapping

TRAINING_COLUMNS = ["employee_no", "date", "category", "title", "hours", "score"]
TRAINING_HEADER_ALIASES = {
    "employee_no": ("工号", "员工编号"),
    "date": ("日期", "培训日期"),
    "category": ("类别", "培训类别"),
    "title": ("课程", "标题", "课程名称"),
    "hours": ("学时",),
    "score": ("成绩", "得分"),
}
CATEGORY_SYNONYMS = {
    "入职培训": Category.ONBOARDING,
    "封闭培训": Category.ONBOARDING,
    "在岗培训": Category.IN_SERVICE,
    "专题培训": Category.IN_SERVICE,
    "领导力": Category.LEADERSHIP,
    "领导力培训": Category.LEADERSHIP,
}


@dataclass
class TrainingRecordRow:
    line: int
    employee_no: str
    date: date
    category: str
    title: str
    hours: Decimal
    score: Decimal | None


def training_file_parse(
    data: bytes, file_name: str, *, mapping: ColumnMapping | None = None
) -> tuple[list[TrainingRecordRow], list[RowError]]:
    """Every valid row of a training records file and every error found (by line). Any error refuses the file."""
    repeated = DuplicateKeys(_("This record (employee, date, category, title) is also on line %(first)s."))
    key = lambda row: (row.employee_no, row.date, row.category, row.title)  # noqa: E731
    return file_rows_parse(
        data,
        file_name,
        columns=TRAINING_COLUMNS,
        aliases=TRAINING_HEADER_ALIASES,
        mapping=mapping,
        parse_row=_parse_row,
        unique=[(repeated, key)],
    )


def _parse_row(row: RowParser) -> TrainingRecordRow:
    return TrainingRecordRow(
        line=row.line,
        employee_no=row.take(parse_employee_no, "employee_no"),
        date=row.take(parse_date, "date"),
        category=row.take(parse_choice, "category", choices=Category.values, synonyms=CATEGORY_SYNONYMS),
        title=row.take(parse_text, "title", max_length=200),
        hours=row.take(parse_decimal, "hours", min_value=Decimal(0), max_value=Decimal("9999.99")),
        score=row.take(
            parse_decimal, "score", min_value=Decimal(0), max_value=Decimal(100), allow_blank=True
        ),
    )
