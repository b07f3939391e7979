"""The QA evaluations file: bytes in, validated rows and line-numbered errors out. Touches no database.

Columns (`EVALUATION_COLUMNS`): employee_no, date, kind, score, evaluator. `evaluator` is free text stored as
given, even blank. The key is (employee, date, kind, evaluator): the same evaluation twice in one file is an
error. Whether the people exist and the months are open is checked by the import service, which has the
database.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.models import EvaluationKind
from portal.importing import DuplicateKeys, RowParser, file_rows_parse
from portal.tabular.errors import RowError
from portal.tabular.fields import parse_choice, parse_date, parse_decimal, parse_employee_no, parse_text
from portal.tabular.mapping import ColumnMapping

EVALUATION_COLUMNS = ["employee_no", "date", "kind", "score", "evaluator"]
EVALUATION_HEADER_ALIASES = {
    "employee_no": ("工号", "员工编号"),
    "date": ("日期", "评估日期"),
    "kind": ("类型", "评估类型"),
    "score": ("得分", "成绩"),
    "evaluator": ("评估人", "质检员"),
}
KIND_SYNONYMS = {"录音抽查": EvaluationKind.SPOT_CHECK, "角色扮演": EvaluationKind.ROLE_PLAY}


@dataclass
class EvaluationRow:
    line: int
    employee_no: str
    date: date
    kind: str
    score: Decimal
    evaluator: str


def evaluations_file_parse(
    data: bytes, file_name: str, *, mapping: ColumnMapping | None = None
) -> tuple[list[EvaluationRow], list[RowError]]:
    """Every valid row of an evaluations file and every error found (by line). Any error refuses the file."""
    repeated = DuplicateKeys(
        _("This evaluation (employee, date, kind, evaluator) appears again (first on line %(first)s).")
    )
    key = lambda row: (row.employee_no, row.date, row.kind, row.evaluator)  # noqa: E731
    return file_rows_parse(
        data,
        file_name,
        columns=EVALUATION_COLUMNS,
        aliases=EVALUATION_HEADER_ALIASES,
        mapping=mapping,
        parse_row=_parse_row,
        unique=[(repeated, key)],
    )


def _parse_row(row: RowParser) -> EvaluationRow:
    return EvaluationRow(
        line=row.line,
        employee_no=row.take(parse_employee_no, "employee_no"),
        date=row.take(parse_date, "date"),
        kind=row.take(parse_choice, "kind", choices=EvaluationKind.values, synonyms=KIND_SYNONYMS),
        score=row.take(parse_decimal, "score", places=2, min_value=Decimal(0), max_value=Decimal(100)),
        # Free text stored as given; even a blank evaluator is no reason to refuse the row.
        evaluator=row.take(parse_text, "evaluator", max_length=100, allow_blank=True) or "",
    )
