"""Export files out: rows to CSV or XLSX bytes for HR to open in Excel.

Every text cell that Excel could take for a formula is neutralised; numbers are written as Excel shows them.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from portal.tabular.reading import decimal_text, float_text

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot carry


def neutralise_cell(value):
    """Text that Excel would take for a formula (starting = + - @ tab CR, or full-width ＝ ＋ － ＠) gets a
    leading "'"; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _local_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None)


def _export_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_cell(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, datetime):
        return _local_naive(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise_cell(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A CSV export: UTF-8 with BOM (so Excel shows Chinese), CRLF, formulas neutralised.

    Decimals are plain strings ("87.25"), None is "", dates YYYY-MM-DD, date-times local YYYY-MM-DD HH:MM:SS.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_export_text(name) for name in header])
    writer.writerows([_export_text(value) for value in row] for row in rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8", errors="replace")


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'")[:31]
    return cleaned or "Sheet1"


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], *, sheet_title: str = "Sheet1") -> bytes:
    """An XLSX export (one sheet, written streaming) for Excel.

    Text stays text (employee numbers like "00123" keep their zeros) and is formula-neutralised; characters XML
    cannot carry are dropped. Decimals are numbers shown with 2 decimals ("0.00"), so Excel can sum them; ints and
    floats are numbers; dates and date-times are Excel dates (aware date-times in local time).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))

    def cell(value):
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, Decimal):
            decimal_cell = WriteOnlyCell(sheet, value=value)
            decimal_cell.number_format = "0.00"
            return decimal_cell
        if isinstance(value, datetime):
            datetime_cell = WriteOnlyCell(sheet, value=_local_naive(value))
            datetime_cell.number_format = "yyyy-mm-dd hh:mm:ss"
            return datetime_cell
        if isinstance(value, date):
            date_cell = WriteOnlyCell(sheet, value=value)
            date_cell.number_format = "yyyy-mm-dd"
            return date_cell
        text = neutralise_cell(value if isinstance(value, str) else str(value))
        return text if text.isprintable() else _XLSX_ILLEGAL.sub("", text)

    sheet.append([cell(name) for name in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
