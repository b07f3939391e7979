"""Import files in: CSV (UTF-8 with BOM, UTF-8, then GB18030) or XLSX (first sheet) bytes to rows of text.

`read_table` finds the header row (the first of the first ten rows that names every required column, under its
own name or an alias), returns the requested columns of every row after it, each with the file's own line number,
and sets aside what a report adds around its data (title rows above the header, a last total row); it touches no
database and no disk. `cell_text` is the text Excel shows for a cell's value (also
used by the exports). Rows sent as JSON objects (the integration API) come in
as `RowsData` and take the same path from the cells on: each row's "line" is then its 1-based index in the list.
"""

import codecs
import csv
import io
import itertools
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import BinaryIO

from django.utils.translation import gettext as _

from portal.tabular.errors import WHOLE_FILE, ImportFileError, RowError

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

# Invisible characters that survive str.strip() and turn up at the start of a header cell.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_XML_SAFE_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii"}


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
    # Rows left out as not data: report title rows above the header and a last total row, as (line, their text).
    skipped: list[tuple[int, str]] = field(default_factory=list)


class RowsData(bytes):
    """Rows given as JSON objects in place of a file: the bytes are the JSON as received (what an import run's
    checksum records), `rows` the decoded list (numbers as `Decimal` or `int`, so no binary float creeps in)."""

    rows: list

    def __new__(cls, data: bytes, rows: list):
        instance = super().__new__(cls, data)
        instance.rows = rows
        return instance


# A cell may hold a whole call transcript (up to 200 KB); the csv module's default limit is 128 K characters.
csv.field_size_limit(max(csv.field_size_limit(), 1024 * 1024))


def _file_error(message: str, line: int = WHOLE_FILE, column: str | None = None) -> ImportFileError:
    return ImportFileError([RowError(line=line, message=message, column=column)])


def read_table(
    data: bytes,
    filename: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    aliases: Mapping[str, Sequence[str]] | None = None,
    max_rows: int = 200_000,
    max_bytes: int = 20 * 1024 * 1024,
) -> Table:
    """Read an uploaded CSV or XLSX file into the requested columns.

    The format comes from the extension (.csv or .xlsx, any case) and must match the content. A header cell names
    a requested column by its own name or one of its `aliases` (requested column → other names), matched by
    `header_key`: ignoring case, spaces, full-width forms and a trailing unit in brackets. Extra columns are
    ignored. The header is the first of the first `HEADER_SEARCH_ROWS` rows that names every required column;
    rows above it are listed in `Table.skipped`, and so is a last row whose key cell (the first required
    column's, or the row's first cell) says 合计, 总计, 小计 or Total. A missing required column (each one is
    reported), a requested column given twice (by any of its names), more than `max_rows` data rows, or a file
    that cannot be read refuses the file.

    Never raises for a bad file: every problem is in `Table.errors` (and `rows` is then empty).
    """
    if isinstance(data, RowsData):
        return _read_rows(data.rows, required, optional, max_rows)
    try:
        stream = open_table(
            io.BytesIO(data),
            filename,
            required=required,
            optional=optional,
            aliases=aliases,
            max_rows=max_rows,
            max_bytes=max_bytes,
        )
        rows = list(stream.rows)
    except ImportFileError as exc:
        return Table(columns=[], errors=list(exc.errors))
    return Table(columns=stream.columns, rows=rows, skipped=stream.skipped)


@dataclass
class TableStream:
    """An import file read as it is iterated, for files too large to hold (a month's call list).

    `rows` yields `(line, cells)` as `Table.rows` holds them, and raises `ImportFileError` when it meets a
    problem that refuses the whole file (a broken quote, too many rows). `skipped` holds the title rows from the
    start and the last total row once `rows` is exhausted (the last row is held back until then).
    """

    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    skipped: list[tuple[int, str]] = field(default_factory=list)


def open_table(
    source: BinaryIO,
    filename: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    aliases: Mapping[str, Sequence[str]] | None = None,
    max_rows: int = 200_000,
    max_bytes: int = 20 * 1024 * 1024,
) -> TableStream:
    """`read_table` over a seekable binary file, read a chunk at a time: the header is found now, the rows as
    `TableStream.rows` is iterated. A CSV file is scanned once first, for its encoding. Raises `ImportFileError`
    for a file refused before its first row."""
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(0)
    if size > max_bytes:
        raise _file_error(_("The file is larger than %(mb)s MB.") % {"mb": _megabytes(max_bytes)})
    extension = os.path.splitext(filename)[1].lower()
    if extension == ".csv":
        return _open_csv(source, _Request(required, optional, aliases), max_rows)
    if extension == ".xlsx":
        return _open_xlsx(source, _Request(required, optional, aliases), max_rows)
    raise _file_error(_("Upload a .csv or .xlsx file."))


def _read_rows(records: list, required: Sequence[str], optional: Sequence[str], max_rows: int) -> Table:
    """JSON rows as a table: each object's keys are its columns (normalised as headers are); a value may be
    text, a number or null (blank). A row without a required key is refused at that key, like a missing cell."""
    if len(records) > max_rows:
        return Table(columns=[], errors=[_too_many_rows(max_rows).errors[0]])
    wanted = list(dict.fromkeys(normalise_header(name) for name in (*required, *optional)))
    required_set = {normalise_header(name) for name in required}
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            errors.append(RowError(line=index, message=_("Each row must be an object of column: value.")))
            continue
        given = {normalise_header(str(key)): value for key, value in record.items()}
        cells = {}
        for name in wanted:
            if name not in given:
                if name in required_set:
                    errors.append(
                        RowError(
                            line=index,
                            column=name,
                            message=_("The row has no %(column)s.") % {"column": name},
                        )
                    )
                cells[name] = ""
                continue
            value = given[name]
            if isinstance(value, dict | list):
                errors.append(
                    RowError(
                        line=index,
                        column=name,
                        message=_("%(column)s: give text or a number.") % {"column": name},
                    )
                )
                cells[name] = ""
            else:
                cells[name] = cell_text(value).strip()
        rows.append((index, cells))
    if errors:
        return Table(columns=[], errors=errors)
    return Table(columns=wanted, rows=rows)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def normalise_header(name: str) -> str:
    """A header cell as a column name: full-width ASCII to half-width, trimmed, lower case."""
    return unicodedata.normalize("NFKC", name).strip().strip(_INVISIBLE).strip().lower()


_BRACKETED_UNIT = re.compile(r"^(.+?)[(\[【][^()\[\]【】]*[)\]】]$")
_SPACES = re.compile(r"\s+")
HEADER_SEARCH_ROWS = 10
# What a report's last row says in its key cell when it adds the rows up rather than being one.
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "total", "totals", "grandtotal", "subtotal"})


def header_key(name: str) -> str:
    """A header cell as it is matched: `normalise_header`, without spaces or a trailing unit ("响应及时率(%)")."""
    key = _SPACES.sub("", normalise_header(name))
    unit = _BRACKETED_UNIT.match(key)
    return unit.group(1) if unit else key


def _is_total(text: str) -> bool:
    return header_key(text).rstrip(":") in TOTAL_WORDS


class _Request:
    """The requested columns and every header key that names one of them."""

    def __init__(
        self, required: Sequence[str], optional: Sequence[str], aliases: Mapping[str, Sequence[str]] | None
    ):
        self.required = list(dict.fromkeys(normalise_header(name) for name in required))
        self.wanted = list(dict.fromkeys((*self.required, *(normalise_header(name) for name in optional))))
        # A header key may name more than one column: a mapping reads "ACD Calls" as contacts_handled and as
        # the denominator of a rate.
        self.names: dict[str, list[str]] = {}
        for name in self.wanted:
            self.names.setdefault(header_key(name), []).append(name)
        for name, others in (aliases or {}).items():
            name = normalise_header(name)
            if name in self.wanted:
                for other in others:
                    named = self.names.setdefault(header_key(other), [])
                    if name not in named:
                        named.append(name)
        self.key = self.required[0] if self.required else None

    def found(self, header: list[str]) -> dict[str, list[int]]:
        """Requested column → the indexes of the header cells that name it."""
        found: dict[str, list[int]] = {}
        for index, cell in enumerate(header):
            for name in self.names.get(header_key(cell), ()) if cell else ():
                found.setdefault(name, []).append(index)
        return found

    def header_index(self, candidates: list[list[str]]) -> int:
        """Which of the first rows is the header: the first naming every required column, else the one naming
        the most (the first row when none names any), so that a missing column is reported on that row."""
        best, best_count = 0, 0
        for index, header in enumerate(candidates):
            found = self.found(header)
            count = sum(1 for name in self.required if name in found)
            if count == len(self.required) and (count or index == 0):
                return index
            if count > best_count:
                best, best_count = index, count
        return best


@dataclass
class _Layout:
    """Where each requested column sits in a row, worked out once from the header."""

    columns: list[str]
    picks: tuple[tuple[str, int], ...]  # (requested column, its index) for those the header has
    absent: dict[str, str]  # optional columns the file lacks, all ""
    width: int  # a row shorter than this is padded with ""
    key_index: int | None = None  # the first required column's index: where a total row says so


def _layout(header: list[str], request: _Request, line: int = 1) -> _Layout:
    columns = [normalise_header(cell) for cell in header]
    found = request.found(header)
    errors = []
    for name in request.wanted:
        indexes = found.get(name, [])
        if len(indexes) > 1:
            given = list(dict.fromkeys(columns[index] for index in indexes))
            if len(given) == 1:
                message = _("The column %(column)s appears more than once in the header.") % {"column": name}
            else:
                message = _("The columns %(given)s all give %(column)s; keep one of them.") % {
                    "given": ", ".join(header[index].strip() for index in indexes),
                    "column": name,
                }
            errors.append(RowError(line=line, column=name, message=message))
        elif name in request.required and not indexes:
            errors.append(
                RowError(
                    line=line,
                    column=name,
                    message=_("The header has no %(column)s column.") % {"column": name},
                )
            )
    if errors:
        raise ImportFileError(errors)
    picks = tuple((name, found[name][0]) for name in request.wanted if name in found)
    return _Layout(
        columns=columns,
        picks=picks,
        absent={name: "" for name in request.wanted if name not in found},
        width=max((index for _name, index in picks), default=-1) + 1,
        key_index=found[request.key][0] if request.key in found else None,
    )


def _row_text(record) -> str:
    return " ".join(text for text in (cell_text(value).strip() for value in record) if text)


def _total_row(layout: _Layout, record) -> bool:
    """Whether a row's key cell (or, when that is blank, its first non-empty cell) names a total."""
    texts = [cell_text(value).strip() for value in record]
    key = texts[layout.key_index] if layout.key_index is not None and layout.key_index < len(texts) else ""
    if not key:
        key = next((text for text in texts if text), "")
    return _is_total(key)


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
    """CSV bytes as text, in the encoding `open_table` reads them with (`_csv_encoding`): UTF-8 with BOM, else
    UTF-8, else GB18030 (what Chinese Excel saves as plain "CSV"). Raises `ImportFileError` as the reader
    refuses the file, e.g. naming the line of the first byte neither encoding can read."""
    return data.decode(_csv_encoding(io.BytesIO(data))).removeprefix("\ufeff")


def _refuse_utf16(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(_('The file is UTF-16 text; save it as "CSV UTF-8" instead.'))


def _line_at(prefix: bytes) -> int:
    """The 1-based line on which the byte after `prefix` sits (CRLF, LF and a lone CR each end a line)."""
    return prefix.count(b"\n") + prefix.count(b"\r") - prefix.count(b"\r\n") + 1


# How much of a file is read at a time.
READ_CHUNK = 1024 * 1024
# GB18030's own byte-order mark (U+FEFF), which Windows tools sometimes write.
_GB18030_BOM = b"\x84\x31\x95\x33"


def _csv_encoding(source: BinaryIO) -> str:
    """The codec that reads the whole file: UTF-8 with BOM (then UTF-8 throughout), else UTF-8, else GB18030,
    found by decoding one chunk at a time. Refuses a zip, UTF-16, NUL bytes, bytes neither encoding reads
    (naming the line of the first byte that whichever encoding got further could not read) or a blank file."""
    head = source.read(len(_ZIP_MAGIC))
    if head.startswith(_ZIP_MAGIC):
        raise _file_error(_("This is an XLSX (zip) file, not CSV; upload it with the .xlsx extension."))
    _refuse_utf16(head)  # before the NUL check, which UTF-16 text would fail less helpfully
    with_bom = head.startswith(_UTF8_BOM)
    encoding = "utf-8-sig" if with_bom else "utf-8"
    failure, blank = _decode_scan(source, "utf-8", start=len(_UTF8_BOM) if with_bom else 0, refuse_nul=True)
    if failure is None:
        if blank:
            raise _file_error(_("The file is empty."))
        return encoding
    if with_bom:
        raise _undecodable_at(source, failure)
    gb_failure, blank = _decode_scan(source, "gb18030")
    if gb_failure is not None:
        raise _undecodable_at(source, max(failure, gb_failure))
    if blank:
        raise _file_error(_("The file is empty."))
    return "gb18030"


def _decode_scan(
    source: BinaryIO, encoding: str, *, start: int = 0, refuse_nul: bool = False
) -> tuple[int | None, bool]:
    """Decode the file from `start` a chunk at a time: (the offset of the first byte `encoding` cannot read or
    None, whether the text read is all blank). With `refuse_nul`, a NUL byte anywhere refuses the file."""
    decoder = codecs.getincrementaldecoder(encoding)()
    source.seek(start)
    offset, failure, blank = start, None, True
    while True:
        chunk = source.read(READ_CHUNK)
        if refuse_nul and b"\x00" in chunk:
            raise _file_error(_("This is not a text file (it contains NUL bytes); save it as CSV."))
        if failure is None:
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                failure = offset - pending + exc.start
                if not refuse_nul:
                    break
            else:
                blank = blank and not text.strip().strip("\ufeff")
        if not chunk:
            break
        offset += len(chunk)
    return failure, blank


def _undecodable_at(source: BinaryIO, position: int) -> ImportFileError:
    """The refusal of bytes neither encoding reads, on the line of the byte at `position` (read in chunks)."""
    source.seek(0)
    line, read, previous = 1, 0, b""
    while read < position:
        chunk = source.read(min(READ_CHUNK, position - read))
        if not chunk:
            break
        line += _line_at(chunk) - 1
        if previous == b"\r" and chunk.startswith(b"\n"):
            line -= 1  # a CRLF split between two chunks ends one line, not two
        previous, read = chunk[-1:], read + len(chunk)
    return _file_error(
        _('This line has characters that are neither UTF-8 nor GB18030; save the file as "CSV UTF-8".'),
        line=line,
    )


class _BorrowedText(io.TextIOWrapper):
    """Text read from the caller's binary file, which stays open when this is closed or dropped (a reader left
    part-read is collected without closing what the caller opened)."""

    def close(self):
        if not self.closed:
            self.detach()

    @property
    def closed(self):
        try:
            return super().closed
        except ValueError:  # detached
            return True


def _open_csv(source: BinaryIO, request: _Request, max_rows: int) -> TableStream:
    encoding = _csv_encoding(source)
    source.seek(0)
    if encoding == "gb18030" and source.read(len(_GB18030_BOM)) != _GB18030_BOM:
        source.seek(0)
    # newline="" splits lines only at CRLF, LF and CR, as csv expects, so line_num counts physical lines.
    reader = csv.reader(_BorrowedText(source, encoding=encoding, newline=""), strict=True)
    line = 1  # where the record being read starts
    head: list[tuple[int, list[str]]] = []
    try:
        while len(head) < HEADER_SEARCH_ROWS:
            record = next(reader, None)
            if record is None:
                break
            head.append((line, record))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise _csv_error(exc, line) from None
    if not head:
        head.append((1, []))
    chosen = request.header_index([record for _line, record in head])
    header_line, header = head[chosen]
    layout = _layout(header, request, header_line)
    skipped = [(at, _row_text(record)) for at, record in head[:chosen] if _row_text(record)]

    def records():
        nonlocal line
        yield from head[chosen + 1 :]
        try:
            for record in reader:
                start, line = line, reader.line_num + 1
                yield start, record
        except csv.Error as exc:
            raise _csv_error(exc, line) from None

    return TableStream(
        columns=layout.columns,
        rows=_data_rows(layout, records(), _row_cells, skipped, max_rows),
        skipped=skipped,
    )


def _data_rows(layout: _Layout, records, cells_of, skipped: list, max_rows: int):
    """The non-blank rows of `records` ((line, record) pairs) as (line, cells), at most `max_rows`; the last one
    is held back until the end, and set aside in `skipped` when it is a total row."""
    count = 0
    held = None
    for line, record in records:
        cells = cells_of(layout, record)
        if cells is None:
            continue
        count += 1
        if count > max_rows:
            raise _too_many_rows(max_rows)
        if held is not None:
            yield held[0], held[1]
        held = (line, cells, record)
    if held is not None:
        if _total_row(layout, held[2]):
            skipped.append((held[0], _row_text(held[2])))
        else:
            yield held[0], held[1]


def _csv_error(exc: csv.Error, line: int) -> ImportFileError:
    reason = str(exc)
    if "field larger than field limit" in reason:
        message = _("A value on this line is too long.")
    elif "unexpected end of data" in reason:
        message = _("A quoted value that starts on this line is never closed.")
    else:
        message = _("A closing quote on this line must be followed by a comma or the end of the line.")
    return _file_error(message, line=line)


def _open_xlsx(source: BinaryIO, request: _Request, max_rows: int) -> TableStream:
    _check_xlsx_container(source)
    from openpyxl import load_workbook  # openpyxl takes ~0.1 s to import; only XLSX uploads pay for it

    source.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            workbook = load_workbook(source, read_only=True, data_only=True, keep_links=False)
    except Exception:
        raise _file_error(_("This file is not a readable XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            raise _file_error(_("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        # The stored dimension can understate the sheet (files written by other tools); read to the real end.
        sheet.reset_dimensions()
        stream = _open_sheet(_sheet_values(sheet), request, max_rows)
    except ImportFileError:
        workbook.close()
        raise
    except Exception:
        workbook.close()
        raise _file_error(_("This file is not a readable XLSX workbook.")) from None

    sheet_rows = stream.rows

    def rows():
        try:
            yield from sheet_rows
        except ImportFileError:
            raise
        except Exception:
            raise _file_error(_("This file is not a readable XLSX workbook.")) from None
        finally:
            workbook.close()

    stream.rows = rows()
    return stream


def _sheet_values(sheet):
    """The sheet's rows of values, a number formatted as a percentage (0.985 shown as "98.5%") given as that text,
    so that a rate column reads it as 98.5 and any other column refuses it as a percentage."""
    for row in sheet.iter_rows():
        values = [cell.value for cell in row]
        for index, value in enumerate(values):
            if type(value) in (float, int) and "%" in (row[index].number_format or ""):
                values[index] = f"{decimal_text(Decimal(float_text(float(value))) * 100)}%"
        yield values


def _open_sheet(values, request: _Request, max_rows: int) -> TableStream:
    head = []
    for row in values:
        head.append(tuple(row or ()))
        if len(head) == HEADER_SEARCH_ROWS:
            break
    headers = [[cell_text(value) for value in row] for row in head]
    chosen = request.header_index(headers) if headers else 0
    if not headers or all(value is None for value in head[chosen]):
        raise _file_error(_("The first row of the first sheet must be the header."), line=1)
    layout = _layout(headers[chosen], request, chosen + 1)
    skipped = [(at, _row_text(row)) for at, row in enumerate(head[:chosen], start=1) if _row_text(row)]

    def records():
        for line, row in enumerate(itertools.chain(head[chosen + 1 :], values), start=chosen + 2):
            if line > EXCEL_MAX_ROWS:
                raise _too_many_rows(max_rows)
            if row:
                yield line, row

    return TableStream(
        columns=layout.columns,
        rows=_data_rows(layout, records(), _sheet_row_cells, skipped, max_rows),
        skipped=skipped,
    )


def _sheet_row_cells(layout: _Layout, row: tuple) -> dict[str, str] | None:
    """Like `_row_cells` for a sheet row of values, converting only the requested cells to text."""
    width = len(row)
    cells = {name: cell_text(row[index]).strip() if index < width else "" for name, index in layout.picks}
    if not any(cells.values()) and all(value is None or not cell_text(value).strip() for value in row):
        return None
    if layout.absent:
        cells.update(layout.absent)
    return cells


def _check_xlsx_container(source: BinaryIO) -> None:
    """Refuse anything but a modest zip before openpyxl sees it: a bomb, path tricks or XML with a DOCTYPE."""
    not_xlsx = _("This file is not an XLSX workbook.")
    source.seek(0)
    if not source.read(len(_ZIP_MAGIC)).startswith(_ZIP_MAGIC):
        raise _file_error(not_xlsx)
    try:
        archive = zipfile.ZipFile(source)
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
        return float_text(value)
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
        return decimal_text(value)
    return str(value)


def float_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return repr(value)
    return decimal_text(Decimal(format(value, ".15g")))


def decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text[1:] if text.startswith("-") and value == 0 else text
