"""The monthly KPI file: bytes in, validated rows and line-numbered errors out. Touches no database.

Columns (`KPI_COLUMNS`): employee_no, contacts_handled, response_timeliness_rate, resolution_rate,
satisfaction_rate, complaint_rate, major_complaints. Rates are percent 0–100 with at most 2 decimals (a "%" sign
allowed); counts are whole numbers ≥ 0 (thousands may be grouped, "1,234").
The key is the employee number: the same person twice in one file is an error. Whether the employee numbers
exist is checked by the import service, which has the database.
"""

from decimal import Decimal
from typing import NamedTuple

from portal.importing import DuplicateKeys, ParsedRows, RowParser, no_data_rows
from portal.tabular.errors import FieldError, RowError
from portal.tabular.fields import parse_decimal, parse_employee_no, parse_int
from portal.tabular.mapping import ColumnMapping, read_mapped_table

# The KPI values of a row in file order, each also the name of the KpiRecord field that stores it: the one list
# that the parser, the upload page, the import service, the selectors and the bench use.
KPI_VALUE_COLUMNS = (
    "contacts_handled",
    "response_timeliness_rate",
    "resolution_rate",
    "satisfaction_rate",
    "complaint_rate",
    "major_complaints",
)
KPI_COLUMNS = ["employee_no", *KPI_VALUE_COLUMNS]
RATE_COLUMNS = tuple(column for column in KPI_VALUE_COLUMNS if column.endswith("_rate"))
COUNT_COLUMNS = tuple(column for column in KPI_VALUE_COLUMNS if column not in RATE_COLUMNS)
# The names call-centre systems and HR's spreadsheets give the columns (../shared/domain.md).
KPI_HEADER_ALIASES = {
    "employee_no": ("工号", "员工编号", "坐席工号"),
    "contacts_handled": ("接待量",),
    "response_timeliness_rate": ("响应及时率",),
    "resolution_rate": ("问题解决率", "解决率"),
    "satisfaction_rate": ("客户满意度", "满意度"),
    "complaint_rate": ("投诉率",),
    "major_complaints": ("一级重大投诉", "重大投诉"),
}
# PositiveIntegerField's ceiling on every database Django supports.
MAX_COUNT = 2_147_483_647
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


class KpiRow(NamedTuple):
    line: int
    employee_no: str
    contacts_handled: int
    response_timeliness_rate: Decimal
    resolution_rate: Decimal
    satisfaction_rate: Decimal
    complaint_rate: Decimal
    major_complaints: int

    def kpi_values(self) -> tuple:
        """The row's values in `KPI_VALUE_COLUMNS` order."""
        return self[2:]


def _employee_no(text: str, column: str = "employee_no") -> str:
    if text.isascii() and text.isalnum() and len(text) <= 32:  # the common case, straight through
        return text
    return parse_employee_no(text, column=column)


def _count(text: str, column: str) -> int:
    if text.isdigit() and text.isascii() and len(text) < 10:
        return int(text)
    return parse_int(text, column=column, min_value=0, max_value=MAX_COUNT, thousands=True)


def _rate(text: str, column: str) -> Decimal:
    whole, dot, fraction = text.partition(".")
    if (
        whole.isdigit()
        and len(whole) <= 3
        and text.isascii()
        and (not dot or (fraction.isdigit() and len(fraction) <= 2))
    ):
        value = Decimal(text if len(fraction) == 2 else f"{whole}.{fraction.ljust(2, '0')}")
        if value <= _HUNDRED:
            return value
    # Anything unusual (full-width digits, signs, "98.5%", too many decimals, out of range) takes the full
    # parser, which also words the error.
    return parse_decimal(text, column=column, places=2, min_value=_ZERO, max_value=_HUNDRED, percent=True)


def kpi_file_parse(
    data: bytes, file_name: str, *, mapping: ColumnMapping | None = None
) -> tuple[ParsedRows[KpiRow], list[RowError]]:
    """Every valid row of a KPI file and every error found (sorted by line). Any error refuses the whole file.

    Columns go by their names or `KPI_HEADER_ALIASES`, or by a saved `mapping` (which may derive rates).
    """
    table, errors = read_mapped_table(
        data, file_name, required=KPI_COLUMNS, aliases=KPI_HEADER_ALIASES, mapping=mapping
    )
    if table.errors:
        return ParsedRows(), table.errors
    if not table.rows and not errors:
        return ParsedRows(), [no_data_rows()]
    rows: ParsedRows[KpiRow] = ParsedRows(skipped=table.skipped)
    repeated = DuplicateKeys.of_employee_numbers()
    first_lines = repeated.first_line
    # A month's rates and counts repeat a lot (a rate has at most 10,001 values): each distinct text is parsed
    # once, which is most of the parse on a large file. Decimals and ints are immutable, so rows share them.
    rates: dict[str, Decimal] = {}
    counts: dict[str, int] = {}

    def rate(text: str, column: str) -> Decimal:
        parsed = rates.get(text)
        if parsed is None:
            parsed = rates[text] = _rate(text, column)
        return parsed

    def count(text: str, column: str) -> int:
        parsed = counts.get(text)
        if parsed is None:
            parsed = counts[text] = _count(text, column)
        return parsed

    append = rows.append
    for line, cells in table.rows:
        try:
            # The common case: one pass, no per-cell exception handling.
            row = KpiRow(
                line,
                _employee_no(cells["employee_no"]),
                count(cells["contacts_handled"], "contacts_handled"),
                rate(cells["response_timeliness_rate"], "response_timeliness_rate"),
                rate(cells["resolution_rate"], "resolution_rate"),
                rate(cells["satisfaction_rate"], "satisfaction_rate"),
                rate(cells["complaint_rate"], "complaint_rate"),
                count(cells["major_complaints"], "major_complaints"),
            )
        except FieldError:
            errors.extend(_row_errors(line, cells))
            row = None
            employee_no = _employee_no_or_none(cells["employee_no"])
        else:
            employee_no = row.employee_no
        if employee_no is not None and first_lines.setdefault(employee_no, line) != line:
            errors.append(repeated.check(employee_no, line))
            continue
        if row is not None:
            append(row)
    errors.sort(key=lambda error: error.line)
    return rows, errors


def _employee_no_or_none(text: str) -> str | None:
    try:
        return _employee_no(text)
    except FieldError:
        return None


def _row_errors(line: int, cells: dict[str, str]) -> list[RowError]:
    """Every error of a bad row, column by column in file order."""
    row = RowParser(line, cells)
    row.take(_employee_no, "employee_no")
    for column in KPI_VALUE_COLUMNS:
        row.take(_rate if column in RATE_COLUMNS else _count, column)
    return row.errors
