"""A paper attendance sheet of one offline lesson: bytes in, employee numbers with their lines and line-numbered
errors out. Touches no database.

One column, `employee_no`; the same person twice in one sheet is an error. Whether the people exist is checked
by the import service, which has the database.
"""

from portal.importing import DuplicateKeys, file_rows_parse
from portal.tabular.errors import RowError
from portal.tabular.fields import parse_employee_no

ATTENDANCE_COLUMNS = ["employee_no"]


def attendance_file_parse(data: bytes, file_name: str) -> tuple[dict[str, int], list[RowError]]:
    """{employee number: its line} of every valid row, in file order, and every error found (by line)."""
    rows, errors = file_rows_parse(
        data,
        file_name,
        columns=ATTENDANCE_COLUMNS,
        parse_row=lambda row: (row.take(parse_employee_no, "employee_no"), row.line),
        unique=[(DuplicateKeys.of_employee_numbers(), lambda row: row[0])],
    )
    return dict(rows), errors
