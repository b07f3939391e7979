"""Import files in, export files out: bytes to rows and rows to bytes, with no database and no disk.

Reading (`read_table`): CSV (UTF-8 with BOM, UTF-8, then GB18030) or XLSX (first sheet), header row first.
Every problem carries the file's own 1-based line number, the header being line 1 (XLSX: the sheet's row
number); problems with the file as a whole use line `WHOLE_FILE` (0).

Field parsers (`parse_*`) turn one cell's text into a value or raise `FieldError` with a short message that
names the column; the caller adds the line.

Writing (`csv_bytes`, `xlsx_bytes`): exports for HR to open in Excel, with every text cell that Excel could take
for a formula neutralised.
"""

import csv
import io
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _

WHOLE_FILE = 0  # the line of errors about the file as a whole (too big, not XLSX, undecodable without a line)

XLSX_MAX_MEMBERS = 1000
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 200
# Below this size a member cannot be a bomb (the total is capped anyway), and tiny members of repetitive XML
# compress far better than real sheet data does.
XLSX_RATIO_FLOOR = 1024 * 1024
XLSX_HEAD_BYTES = 4096
EXCEL_MAX_ROWS = 1_048_576

_ZIP_MAGIC = b"PK\x03\x04"
_UTF8_BOM = b"\xef\xbb\xbf"

# Full-width ASCII (U+FF01..U+FF5E) to ASCII, and the ideographic space to a space: what Chinese IMEs type.
# Not NFKC, which would also turn superscripts and circled digits ("²", "①") into digits.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Invisible characters that survive str.strip() and turn up at the start of a header cell.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot carry
_MOBILE_NOISE = re.compile(r"[\s\-()（）]")
_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
_XML_SAFE_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii"}


@dataclass(frozen=True)
class RowError:
    """One problem found in an import file, at the file's own line (header = 1; `WHOLE_FILE` = the file)."""

    line: int
    message: str
    column: str | None = None

    def as_dict(self) -> dict:
        data = {"line": self.line, "message": self.message}
        if self.column is not None:
            data["column"] = self.column
        return data


@dataclass
class Table:
    """The requested columns of an import file.

    `columns` are the file's header names, normalised, in file order. Each row is `(line, cells)` where `cells`
    maps every requested column (required and optional, under the name the caller asked for) to its text,
    stripped; an optional column that the file lacks maps to "" (check `columns` to tell the two apart).
    Rows whose cells are all empty are left out. When `errors` is not empty the file is refused and `rows` is
    empty.
    """

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class ImportFileError(Exception):
    """A problem that stops reading the file at all; `errors` says what and, when known, on which line."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


class FieldError(ValueError):
    """A cell that does not hold what its column needs; `str(exc)` is the message for the user."""

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column

    def row_error(self, line: int) -> RowError:
        return RowError(line=line, message=self.message, column=self.column)


def _file_error(message: str, line: int = WHOLE_FILE, column: str | None = None) -> ImportFileError:
    return ImportFileError([RowError(line=line, message=message, column=column)])


# --- Reading ---------------------------------------------------------------------------------------------------


def read_table(
    data: bytes,
    filename: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_rows: int = 200_000,
    max_bytes: int = 20 * 1024 * 1024,
) -> Table:
    """Read an uploaded CSV or XLSX file into the requested columns.

    The format comes from the extension (.csv or .xlsx, any case) and must match the content. Header names are
    normalised (full-width ASCII to half-width, surrounding whitespace and BOM remnants removed, lower case);
    extra columns are ignored. A missing required column (each one is reported), a requested column that
    appears twice, more than `max_rows` data rows, or a file that cannot be read refuses the file.

    Never raises for a bad file: every problem is in `Table.errors` (and `rows` is then empty).
    """
    try:
        if len(data) > max_bytes:
            raise _file_error(_("The file is larger than %(mb)s MB.") % {"mb": _megabytes(max_bytes)})
        extension = os.path.splitext(filename)[1].lower()
        if extension == ".csv":
            return _read_csv(data, required, optional, max_rows)
        if extension == ".xlsx":
            return _read_xlsx(data, required, optional, max_rows)
        raise _file_error(_("Upload a .csv or .xlsx file."))
    except ImportFileError as exc:
        return Table(columns=[], errors=list(exc.errors))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def normalise_header(name: str) -> str:
    """A header cell as a column name: full-width ASCII to half-width, trimmed, lower case."""
    return unicodedata.normalize("NFKC", name).strip().strip(_INVISIBLE).strip().lower()


@dataclass
class _Layout:
    """Where each requested column sits in a row, worked out once from the header."""

    columns: list[str]
    picks: tuple[tuple[str, int], ...]  # (requested column, its index) for those the header has
    absent: dict[str, str]  # optional columns the file lacks, all ""
    width: int  # a row shorter than this is padded with ""


def _layout(header: list[str], required: Sequence[str], optional: Sequence[str]) -> _Layout:
    columns = [normalise_header(cell) for cell in header]
    first: dict[str, int] = {}
    repeated: set[str] = set()
    for index, name in enumerate(columns):
        if name in first:
            repeated.add(name)
        else:
            first[name] = index
    errors = []
    wanted = list(dict.fromkeys(normalise_header(name) for name in (*required, *optional)))
    required_set = {normalise_header(name) for name in required}
    for name in wanted:
        if name in repeated:
            errors.append(
                RowError(
                    line=1,
                    column=name,
                    message=_("The column %(column)s appears more than once in the header.")
                    % {"column": name},
                )
            )
        elif name in required_set and name not in first:
            errors.append(
                RowError(
                    line=1, column=name, message=_("The header has no %(column)s column.") % {"column": name}
                )
            )
    if errors:
        raise ImportFileError(errors)
    picks = tuple((name, first[name]) for name in wanted if name in first)
    return _Layout(
        columns=columns,
        picks=picks,
        absent={name: "" for name in wanted if name not in first},
        width=max((index for _name, index in picks), default=-1) + 1,
    )


def _row_cells(layout: _Layout, record: list[str]) -> dict[str, str] | None:
    """The requested cells of one row as stripped text, or None when the whole row is blank."""
    if len(record) < layout.width:
        record = record + [""] * (layout.width - len(record))
    cells = {name: record[index].strip() for name, index in layout.picks}
    if not any(cells.values()) and not "".join(record).strip():
        return None
    if layout.absent:
        cells.update(layout.absent)
    return cells


def _too_many_rows(max_rows: int) -> ImportFileError:
    return _file_error(_("The file has more than %(max)s rows.") % {"max": max_rows})


def decode_csv_bytes(data: bytes) -> str:
    """CSV bytes as text: UTF-8 with BOM, else UTF-8, else GB18030 (what Chinese Excel saves as plain "CSV").

    A file with a UTF-8 BOM must be UTF-8 throughout. Raises `ImportFileError` naming the line of the first byte
    that cannot be decoded (by whichever encoding got further) when neither encoding reads the file.
    """
    if data.startswith(_UTF8_BOM):
        try:
            return data[len(_UTF8_BOM) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _undecodable(data, exc.start + len(_UTF8_BOM)) from None
    _refuse_utf16(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_failure = exc.start
    try:
        return data.decode("gb18030").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise _undecodable(data, max(utf8_failure, exc.start)) from None


def _refuse_utf16(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(_('The file is UTF-16 text; save it as "CSV UTF-8" instead.'))


def _undecodable(data: bytes, position: int) -> ImportFileError:
    return _file_error(
        _('This line has characters that are neither UTF-8 nor GB18030; save the file as "CSV UTF-8".'),
        line=_line_at(data[:position]),
    )


def _line_at(prefix: bytes) -> int:
    """The 1-based line on which the byte after `prefix` sits (CRLF, LF and a lone CR each end a line)."""
    return prefix.count(b"\n") + prefix.count(b"\r") - prefix.count(b"\r\n") + 1


def _read_csv(data: bytes, required: Sequence[str], optional: Sequence[str], max_rows: int) -> Table:
    if data.startswith(_ZIP_MAGIC):
        raise _file_error(_("This is an XLSX (zip) file, not CSV; upload it with the .xlsx extension."))
    _refuse_utf16(data)  # before the NUL check, which UTF-16 text would fail less helpfully
    if b"\x00" in data:
        raise _file_error(_("This is not a text file (it contains NUL bytes); save it as CSV."))
    text = decode_csv_bytes(data)
    if not text.strip():
        raise _file_error(_("The file is empty."))
    # newline="" splits lines only at CRLF, LF and CR, as csv expects, so line_num counts physical lines.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    append = rows.append
    line = 1  # where the record being read starts
    try:
        layout = _layout(next(reader, []), required, optional)
        line = reader.line_num + 1
        for record in reader:
            start, line = line, reader.line_num + 1
            cells = _row_cells(layout, record)
            if cells is not None:
                if len(rows) == max_rows:
                    raise _too_many_rows(max_rows)
                append((start, cells))
    except csv.Error as exc:
        raise _csv_error(exc, line) from None
    return Table(columns=layout.columns, rows=rows)


def _csv_error(exc: csv.Error, line: int) -> ImportFileError:
    reason = str(exc)
    if "field larger than field limit" in reason:
        message = _("A value on this line is too long.")
    elif "unexpected end of data" in reason:
        message = _("A quoted value that starts on this line is never closed.")
    else:
        message = _("A closing quote on this line must be followed by a comma or the end of the line.")
    return _file_error(message, line=line)


def _read_xlsx(data: bytes, required: Sequence[str], optional: Sequence[str], max_rows: int) -> Table:
    _check_xlsx_container(data)
    from openpyxl import load_workbook  # openpyxl takes ~0.1 s to import; only XLSX uploads pay for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:
        raise _file_error(_("This file is not a readable XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            raise _file_error(_("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        # The stored dimension can understate the sheet (files written by other tools); read to the real end.
        sheet.reset_dimensions()
        try:
            return _read_sheet(sheet.iter_rows(values_only=True), required, optional, max_rows)
        except ImportFileError:
            raise
        except Exception:
            raise _file_error(_("This file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()


def _read_sheet(values, required: Sequence[str], optional: Sequence[str], max_rows: int) -> Table:
    header = next(values, None)
    if header is None or all(value is None for value in header):
        raise _file_error(_("The first row of the first sheet must be the header."), line=1)
    layout = _layout([cell_text(value) for value in header], required, optional)
    rows: list[tuple[int, dict[str, str]]] = []
    for line, row in enumerate(values, start=2):
        if line > EXCEL_MAX_ROWS:
            raise _too_many_rows(max_rows)
        if not row:
            continue
        cells = _sheet_row_cells(layout, row)
        if cells is not None:
            if len(rows) == max_rows:
                raise _too_many_rows(max_rows)
            rows.append((line, cells))
    return Table(columns=layout.columns, rows=rows)


def _sheet_row_cells(layout: _Layout, row: tuple) -> dict[str, str] | None:
    """Like `_row_cells` for a sheet row of values, converting only the requested cells to text."""
    width = len(row)
    cells = {name: cell_text(row[index]).strip() if index < width else "" for name, index in layout.picks}
    if not any(cells.values()) and all(value is None or not cell_text(value).strip() for value in row):
        return None
    if layout.absent:
        cells.update(layout.absent)
    return cells


def _check_xlsx_container(data: bytes) -> None:
    """Refuse anything but a modest zip before openpyxl sees it: a bomb, path tricks or XML with a DOCTYPE."""
    not_xlsx = _("This file is not an XLSX workbook.")
    if not data.startswith(_ZIP_MAGIC):
        raise _file_error(not_xlsx)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (
        Exception
    ):  # a damaged directory raises many kinds: BadZipFile, NotImplementedError, struct.error...
        raise _file_error(not_xlsx) from None
    with archive:
        members = archive.infolist()
        if len(members) > XLSX_MAX_MEMBERS:
            raise _file_error(_("The workbook has too many parts."))
        total = 0
        for member in members:
            name = member.filename.replace("\\", "/")
            if name.startswith("/") or ".." in name.split("/") or (len(name) > 1 and name[1] == ":"):
                raise _file_error(not_xlsx)
            total += member.file_size
            if member.file_size > XLSX_RATIO_FLOOR and member.file_size > XLSX_MAX_RATIO * max(
                member.compress_size, 1
            ):
                raise _file_error(_("The workbook expands to an implausible size."))
        if total > XLSX_MAX_UNCOMPRESSED:
            raise _file_error(
                _("The workbook expands to more than %(mb)s MB.") % {"mb": _megabytes(XLSX_MAX_UNCOMPRESSED)}
            )
        for member in members:
            if member.is_dir():
                continue
            try:
                with archive.open(member) as stream:
                    head = stream.read(XLSX_HEAD_BYTES)
            except Exception:
                raise _file_error(not_xlsx) from None
            if not _xml_head_is_safe(head):
                raise _file_error(_("The workbook contains XML declarations that are not allowed."))


def _xml_head_is_safe(head: bytes) -> bool:
    """Whether a zip member's first bytes show it cannot declare entities when parsed as XML.

    A DOCTYPE (the only place entities are declared) can only come before the root element, so the prolog must
    end, in an encoding we can read, within these bytes. NULs are dropped so UTF-16 and UTF-32 are seen as ASCII.
    """
    text = head.replace(b"\x00", b"")
    for bom in (_UTF8_BOM, b"\xff\xfe", b"\xfe\xff"):
        if text.startswith(bom):
            text = text[len(bom) :]
            break
    upper = text.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        return False
    stripped = text.lstrip()
    if not stripped:
        return len(head) < XLSX_HEAD_BYTES  # an empty part, or whitespace hiding what follows
    if not stripped.startswith(b"<"):
        return True  # not XML (an image, a binary part): an XML parser stops at the first byte
    position = len(text) - len(stripped)
    while True:
        while position < len(text) and text[position : position + 1].isspace():
            position += 1
        if text.startswith(b"<?", position):
            end = text.find(b"?>", position)
            if end < 0:
                return False
            if position == 0 and not _declared_encoding_is_safe(text[: end + 2]):
                return False
            position = end + 2
        elif text.startswith(b"<!--", position):
            end = text.find(b"-->", position + 4)
            if end < 0:
                return False
            position = end + 3
        else:
            following = text[position + 1 : position + 2]
            return text.startswith(b"<", position) and (following.isalpha() or following in (b"_", b":"))


def _declared_encoding_is_safe(declaration: bytes) -> bool:
    """An XML declaration may only name encodings whose markup we can see as ASCII."""
    match = re.search(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""", declaration)
    return match is None or match.group(1).decode("ascii").lower() in _XML_SAFE_ENCODINGS


def cell_text(value) -> str:
    """An XLSX cell value as the text the user sees in Excel.

    Numbers without float noise or exponent (Excel shows 15 significant digits: 95.5 → "95.5", 100.0 → "100",
    1.23E+17 → "123000000000000000"); dates "YYYY-MM-DD", date-times "YYYY-MM-DD HH:MM:SS" unless at midnight;
    booleans "TRUE"/"FALSE"; empty ""; text exactly as stored ("00123" stays "00123").
    """
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is float:
        text = repr(value)
        # Up to 14 digits the shortest repr is what Excel shows; "e", "nan" and "inf" take the careful path.
        if len(text) <= 15 and "e" not in text and "n" not in text:
            if text.endswith(".0"):
                text = text[:-2]
            return "0" if text == "-0" else text
        return _float_text(value)
    if kind is int:
        return str(value)
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, Decimal):
        return _decimal_text(value)
    return str(value)


def _float_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return repr(value)
    return _decimal_text(Decimal(format(value, ".15g")))


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text[1:] if text.startswith("-") and value == 0 else text


# --- Field parsers ---------------------------------------------------------------------------------------------


def _half_width(text: str) -> str:
    text = text.strip()
    return text if text.isascii() else text.translate(_HALF_WIDTH).strip()


def _blank(column: str, allow_blank: bool) -> None:
    if not allow_blank:
        raise FieldError(_("%(column)s is required.") % {"column": column}, column)


def _split_number(text: str) -> tuple[str, str, str] | None:
    """(sign, whole digits, fraction digits) of a plain ASCII decimal like "-12.50", else None."""
    if not text.isascii():
        return None
    sign = text[0] if text.startswith(("+", "-")) else ""
    whole, dot, fraction = (text[1:] if sign else text).partition(".")
    if whole.isdigit() or (not whole and fraction):
        if not dot or fraction.isdigit():
            return sign, whole, fraction
    return None


def _not_a_number(text: str, column: str) -> FieldError:
    """The most helpful message for text that is not a plain decimal number."""
    values = {"column": column, "value": text}
    if text.endswith("%"):
        number = text[:-1].strip()
        if _split_number(number):
            return FieldError(
                _(
                    "%(column)s: write %(number)s, not %(value)s (percentages are plain numbers from 0 to 100)."
                )
                % {**values, "number": number},
                column,
            )
    if "," in text and _split_number(text.replace(",", "")):
        return FieldError(
            _("%(column)s: %(value)r has a thousands separator; write the number without commas.") % values,
            column,
        )
    if text.isascii() and "e" in text.lower() and "_" not in text:
        try:
            finite = Decimal(text).is_finite()
        except ArithmeticError:
            finite = False
        if finite:
            return FieldError(
                _(
                    "%(column)s: %(value)r is in scientific notation; format the column as a number and export again."
                )
                % values,
                column,
            )
    return FieldError(_("%(column)s: %(value)r is not a number.") % values, column)


def _number_parts(text: str, column: str) -> tuple[str, str, str]:
    parts = _split_number(text)
    if parts is None:
        raise _not_a_number(text, column)
    return parts


def _check_range(value: Decimal | int, text: str, column: str, min_value, max_value) -> None:
    if min_value is not None and value < min_value:
        raise FieldError(
            _("%(column)s: %(value)s is below the minimum %(limit)s.")
            % {"column": column, "value": text, "limit": min_value},
            column,
        )
    if max_value is not None and value > max_value:
        raise FieldError(
            _("%(column)s: %(value)s is above the maximum %(limit)s.")
            % {"column": column, "value": text, "limit": max_value},
            column,
        )


def parse_decimal(
    text: str,
    *,
    column: str,
    places: int = 2,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    allow_blank: bool = False,
) -> Decimal | None:
    """A plain decimal number with at most `places` decimals, quantized to `places` ("95.5" → 95.50).

    Full-width digits, point and signs (from Chinese IMEs) count as their ASCII forms. Trailing zeros beyond
    `places` are fine ("95.500"); a "%" sign, thousands separators, exponents, NaN and Infinity are errors, with
    a hint when the intent is clear. Blank → None when `allow_blank`, else an error.
    """
    text = text.strip()
    if text.isascii():  # the common case, "95" or "95.5": straight to a Decimal written at `places` decimals
        whole, dot, fraction = text.partition(".")
        if whole.isdigit() and len(fraction) <= places and (fraction.isdigit() or not dot):
            value = Decimal(text if len(fraction) == places else f"{whole}.{fraction.ljust(places, '0')}")
            if (min_value is None or value >= min_value) and (max_value is None or value <= max_value):
                return value
    text = _half_width(text)
    if not text:
        return _blank(column, allow_blank)
    sign, whole, fraction = _number_parts(text, column)
    if len(fraction) > places:
        if fraction[places:].strip("0"):
            raise FieldError(
                _("%(column)s: %(value)s has more than %(places)s decimal places.")
                % {"column": column, "value": text, "places": places},
                column,
            )
        fraction = fraction[:places]
    if sign == "-" and not (whole.strip("0") or fraction.strip("0")):
        sign = ""  # no negative zero
    # Written out at exactly `places` decimals, so the Decimal needs no rounding and no context.
    fraction = f".{fraction.ljust(places, '0')}" if places else ""
    value = Decimal(f"{sign}{whole or '0'}{fraction}")
    _check_range(value, text, column, min_value, max_value)
    return value


def parse_int(
    text: str,
    *,
    column: str,
    min_value: int | None = None,
    max_value: int | None = None,
    allow_blank: bool = False,
) -> int | None:
    """A whole number; "12.0" and "12.00" (as Excel users type them) are 12, "12.5" is an error.

    Full-width digits count as ASCII. Blank → None when `allow_blank`, else an error.
    """
    text = text.strip()
    if text.isdigit() and text.isascii():  # the common case
        number = int(text)
        if (min_value is None or number >= min_value) and (max_value is None or number <= max_value):
            return number
    text = _half_width(text)
    if not text:
        return _blank(column, allow_blank)
    sign, whole, fraction = _number_parts(text, column)
    if fraction.strip("0"):
        raise FieldError(
            _("%(column)s: %(value)s is not a whole number.") % {"column": column, "value": text}, column
        )
    number = int(f"{sign}{whole or '0'}")
    _check_range(number, text, column, min_value, max_value)
    return number


def _iso_date(text: str) -> date | None:
    """YYYY-MM-DD as a date, or None when the text has another shape; ValueError for an impossible date."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        return None
    year, month, day = text[:4], text[5:7], text[8:]
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return None
    return date(int(year), int(month), int(day))


def parse_date(text: str, *, column: str, allow_blank: bool = False) -> date | None:
    """A date written YYYY-MM-DD (XLSX date cells arrive in that form); impossible dates are errors."""
    text = _half_width(text)
    if not text:
        return _blank(column, allow_blank)
    values = {"column": column, "value": text}
    try:
        value = _iso_date(text)
    except ValueError:
        raise FieldError(_("%(column)s: %(value)s is not a real date.") % values, column) from None
    if value is None:
        raise FieldError(
            _("%(column)s: %(value)r is not a date; write YYYY-MM-DD, e.g. 2026-10-01.") % values, column
        )
    return value


def parse_month(text: str) -> date:
    """A month written YYYY-MM, as its first day."""
    text = _half_width(text)
    try:
        value = _iso_date(f"{text}-01") if len(text) == 7 else None
    except ValueError:
        value = None
    if value is None:
        raise FieldError(_("%(value)r is not a month; write YYYY-MM, e.g. 2026-10.") % {"value": text})
    return value


def parse_choice(text: str, *, column: str, choices: Sequence[str], allow_blank: bool = False) -> str | None:
    """One of `choices`, returned as spelled there; matching ignores case and full-width forms."""
    text = _half_width(text)
    if not text:
        return _blank(column, allow_blank)
    if text in choices:
        return text
    folded = text.casefold()
    for choice in choices:
        if choice.casefold() == folded:
            return choice
    raise FieldError(
        _("%(column)s: %(value)r is not one of: %(choices)s.")
        % {"column": column, "value": text, "choices": ", ".join(choices)},
        column,
    )


def parse_text(text: str, *, column: str, max_length: int, allow_blank: bool = False) -> str | None:
    """Free text, stripped and otherwise stored as given; at most `max_length` characters."""
    text = text.strip()
    if not text:
        return _blank(column, allow_blank)
    if len(text) > max_length:
        raise FieldError(
            _("%(column)s: the text is longer than %(max)s characters.")
            % {"column": column, "max": max_length},
            column,
        )
    return text


def parse_employee_no(text: str, *, column: str = "employee_no") -> str:
    """An employee number, kept as text ("00123" stays "00123"): stripped, full-width ASCII made half-width.

    Required, at most 32 characters, and only printable characters (no control, format or invisible
    characters, which would make two numbers look the same).
    """
    text = _half_width(text)
    if not text:
        return _blank(column, False)
    if len(text) > 32:
        raise FieldError(
            _("%(column)s: an employee number has at most 32 characters.") % {"column": column}, column
        )
    if not text.isprintable():
        raise FieldError(
            _("%(column)s: %(value)r contains invisible or control characters.")
            % {"column": column, "value": text},
            column,
        )
    return text


def normalise_mobile(text: str | None) -> str | None:
    """A mainland mobile number as its 11 digits (`+86 138-0013-8000` → `13800138000`), or None if it is not one."""
    if not text:
        return None
    digits = _MOBILE_NOISE.sub("", _half_width(str(text)))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if _MAINLAND_MOBILE.fullmatch(digits) else None


def parse_mobile(text: str, *, column: str = "mobile", allow_blank: bool = True) -> str | None:
    """A mainland mobile number (spaces, hyphens and a +86 prefix allowed), stored as its 11 digits."""
    if not text.strip():
        return _blank(column, allow_blank)
    mobile = normalise_mobile(text)
    if mobile is None:
        raise FieldError(
            _("%(column)s: %(value)s is not a mainland mobile number (11 digits starting with 1).")
            % {"column": column, "value": text.strip()},
            column,
        )
    return mobile


# --- Exports ---------------------------------------------------------------------------------------------------


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
        return _decimal_text(value)
    if isinstance(value, float):
        return _float_text(value)
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
