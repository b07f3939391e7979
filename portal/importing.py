"""What every import shares: its result, the `--json` shape, the duplicate-key check and the record of a
committed import.

Each import has a pure file parser (`<what>_file.py`: bytes in, rows and line-numbered errors out, no database),
mostly `file_rows_parse` given the file's columns, a row parser (`RowParser` over `portal.tabular.fields`) and
its `DuplicateKeys`. Its service checks the rows against the database (another app's people through that app's
selectors), writes nothing unless the whole file is valid, and returns an `ImportResult` that the management
command and the upload page both present.
"""

import hashlib
import io
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import AuditEvent, ImportRun
from portal.tabular.errors import WHOLE_FILE, FieldError, ImportFileError, RowError
from portal.tabular.mapping import ColumnMapping, open_mapped_table, read_mapped_table
from portal.tabular.reading import RowsData, Table

Row = TypeVar("Row")

# What each count of an import result means, as the pages and messages say it (the `--json` keys stay as they are).
COUNT_LABELS = {
    "created": gettext_lazy("new"),
    "updated": gettext_lazy("changed"),
    "unchanged": gettext_lazy("unchanged"),
    "imported": gettext_lazy("rows imported"),
    "replaced": gettext_lazy("stored rows replaced"),
    "scored": gettext_lazy("scores stored"),
    "recorded": gettext_lazy("attendances recorded"),
    "already": gettext_lazy("already recorded"),
}


# What a saved mapping may target, per import kind: (its columns, the rate columns a mapping may derive).
# Each app registers its imports at start-up (imports point one way, so portal cannot import theirs).
IMPORT_TARGETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def import_targets_register(kind: str, columns: Sequence[str], rates: Sequence[str] = ()) -> None:
    IMPORT_TARGETS[kind] = (tuple(columns), tuple(rates))


def no_data_rows() -> RowError:
    """The refusal of a file that has its header but no data row (it would import nothing, or erase a month)."""
    return RowError(line=WHOLE_FILE, message=_("The file has no data rows."))


@dataclass
class ImportResult:
    """Counts of what an import did (or, for a dry run or preview, would do), and every error it found."""

    counts: dict[str, int]
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    preview: list[dict] = field(
        default_factory=list
    )  # a few rows as they would be written, for the upload page

    # People whose stored rows the import removes (a KPI replacement that leaves them out): "employee_no name".
    removals: list[str] = field(default_factory=list)
    # Rows of the file left out as not data (report titles above the header, a last total row), in words.
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def count_items(self) -> list[tuple[str, int]]:
        """The counts in words, for the pages."""
        return [(str(COUNT_LABELS.get(key, key)), value) for key, value in self.counts.items()]

    def summary(self) -> str:
        return "; ".join(f"{label} {value}" for label, value in self.count_items)

    def as_json(self) -> dict:
        """The `--json` object: counts at 0 when the file was refused, as the conventions require."""
        counts = {key: (value if self.ok else 0) for key, value in self.counts.items()}
        data = {**counts, "errors": [error.as_dict() for error in self.errors], "dry_run": self.dry_run}
        if self.skipped:  # only files with report rows around their data have the key
            data["skipped"] = self.skipped
        return data


def refused(counts: list[str], errors: list[RowError]) -> ImportResult:
    return ImportResult(counts=dict.fromkeys(counts, 0), errors=sorted(errors, key=lambda e: e.line))


class RowParser:
    """One row of an import file, parsed cell by cell; every problem is kept in `errors` with the row's line.

    `row.take(parse_decimal, "score", places=2)` calls a `portal.tabular.fields` parser on the cell (blank when the
    row has no such column) and returns its value, or None after recording the `FieldError` for that column.
    """

    def __init__(self, line: int, cells: dict[str, str]):
        self.line = line
        self.cells = cells
        self.errors: list[RowError] = []

    def take(self, parser: Callable, column: str, **kw):
        try:
            return parser(self.cells.get(column, ""), column=column, **kw)
        except FieldError as exc:
            self.errors.append(RowError(line=self.line, message=str(exc), column=column))
            return None

    def error(self, message: str, column: str | None = None) -> None:
        """Record a problem found by the import's own checks, on this row's line."""
        self.errors.append(RowError(line=self.line, message=message, column=column))


class DuplicateKeys:
    """The same record twice in one file is an error: remembers the line on which each key first appears.

    `check(key, line)` records a new key and returns None; for a key an earlier line had, it returns the error
    for this line: `message` formatted with `first` (that earlier line) and, when `key_name` is given, the key
    under that name. A None key (a blank optional column) is never a repeat.
    """

    def __init__(self, message: str, *, column: str | None = None, key_name: str | None = None):
        self.message = message
        self.column = column
        self.key_name = key_name
        self.first_line: dict[Hashable, int] = {}

    @classmethod
    def of_employee_numbers(cls) -> "DuplicateKeys":
        """The check of a file keyed by its `employee_no` column."""
        return cls(
            _("employee_no: %(no)s appears again (first on line %(first)s)."),
            column="employee_no",
            key_name="no",
        )

    def check(self, key: Hashable | None, line: int) -> RowError | None:
        if key is None:
            return None
        first = self.first_line.setdefault(key, line)
        if first == line:
            return None
        values = {"first": first, self.key_name: key} if self.key_name else {"first": first}
        return RowError(line=line, column=self.column, message=self.message % values)


class ParsedRows(list[Row]):
    """The valid rows of a file, with the rows that were left out as not data (`Table.skipped`)."""

    def __init__(self, rows=(), *, skipped: list[tuple[int, str]] | None = None):
        super().__init__(rows)
        self.skipped = skipped or []


def skipped_notes(rows) -> list[str]:
    """What a parse left out as not data, in words for the preview and the result: "line 1: 2026年10月坐席绩效报表"."""
    return [
        _("line %(line)s skipped: %(text)s") % {"line": line, "text": text}
        for line, text in getattr(rows, "skipped", ())
    ]


def file_rows_parse(
    data: bytes,
    file_name: str,
    *,
    columns: Sequence[str],
    optional: Sequence[str] = (),
    aliases: Mapping[str, Sequence[str]] | None = None,
    mapping: ColumnMapping | None = None,
    parse_row: Callable[[RowParser], Row],
    unique: Sequence[tuple[DuplicateKeys, Callable[[Row], Hashable | None]]] = (),
    **limits,
) -> tuple["ParsedRows[Row]", list[RowError]]:
    """The shape of an import file parser: every valid row of the file and every error found, by line.

    Reads the file with its required `columns` (each also under its `aliases`, and under `mapping`); `parse_row`
    turns each row into a value, taking its cells through the `RowParser` (a row with any cell error is left
    out); then each `unique` check in turn refuses a row whose key an earlier line had (the later checks do not
    see that row). `limits` (`max_rows`, `max_bytes`) raise the reader's bounds for imports whose files are large
    by nature (a month's call list).
    """
    if isinstance(data, RowsData):  # rows sent as JSON: read whole, as they came
        table, errors = read_mapped_table(
            data, file_name, required=columns, optional=optional, aliases=aliases, mapping=mapping, **limits
        )
        stream = RowStream(None, file_name, parse_row=parse_row, unique=unique, table=(table, errors))
    else:
        stream = RowStream(
            io.BytesIO(data),
            file_name,
            columns=columns,
            optional=optional,
            aliases=aliases,
            mapping=mapping,
            parse_row=parse_row,
            unique=unique,
            **limits,
        )
    return stream.collect()


class RowStream:
    """`file_rows_parse` over a seekable file read as it is iterated, for files too large to hold whole (a month
    of calls): iterating gives the valid rows in file order; `errors` grows as rows are read (a file refused
    before its first row has its errors at once, and yields nothing); `skipped` is complete once iterated.
    `rows_read` counts the data rows read so far, valid or not.

    Any error refuses the file, so a caller that writes as it reads must undo its writes when `errors` is not
    empty at the end.
    """

    def __init__(
        self,
        source: BinaryIO | None,
        file_name: str,
        *,
        parse_row: Callable[[RowParser], Row],
        unique: Sequence[tuple[DuplicateKeys, Callable[[Row], Hashable | None]]] = (),
        columns: Sequence[str] = (),
        optional: Sequence[str] = (),
        aliases: Mapping[str, Sequence[str]] | None = None,
        mapping: ColumnMapping | None = None,
        table: tuple[Table, list[RowError]] | None = None,
        **limits,
    ):
        self.parse_row = parse_row
        self.unique = unique
        self.rows_read = 0
        self.refused = False  # the file as a whole was refused part-way: `errors` holds only that
        self.skipped: list[tuple[int, str]] = []
        self.errors: list[RowError] = []
        self._table_rows = iter(())
        if table is not None:  # already read whole
            whole, derived = table
            self.errors, self.skipped = list(whole.errors) + derived, whole.skipped
            self._table_rows = iter(whole.rows)
            return
        try:
            stream, self.errors = open_mapped_table(
                source,
                file_name,
                required=columns,
                optional=optional,
                aliases=aliases,
                mapping=mapping,
                **limits,
            )
        except ImportFileError as exc:
            self.errors = list(exc.errors)
            return
        self.skipped = stream.skipped
        self._table_rows = stream.rows

    def __iter__(self) -> Iterator[Row]:
        try:
            for line, cells in self._table_rows:
                self.rows_read += 1
                cells_parser = RowParser(line, cells)
                row = self.parse_row(cells_parser)
                if cells_parser.errors:
                    self.errors.extend(cells_parser.errors)
                    continue
                repeat = next(
                    filter(None, (keys.check(key_of(row), line) for keys, key_of in self.unique)), None
                )
                if repeat is not None:
                    self.errors.append(repeat)
                else:
                    yield row
        except ImportFileError as exc:
            # A problem with the file as a whole (a broken quote, too many rows) is its one answer: the rows
            # before it are not worth checking further. (The list is the same one the mapping's rates fill.)
            self.errors[:] = exc.errors
            self.refused = True
            return
        if not self.rows_read and not self.errors:
            self.errors.append(no_data_rows())

    def collect(self) -> tuple["ParsedRows[Row]", list[RowError]]:
        """Read the whole file: its valid rows (none when the file as a whole was refused) and every error, by
        line, as `file_rows_parse` returns them."""
        rows: ParsedRows[Row] = ParsedRows(self)
        if self.refused:
            rows = ParsedRows()
        rows.skipped = self.skipped
        return rows, sorted(self.errors, key=lambda error: error.line)

    def chunks(self, size: int) -> Iterator[list[Row]]:
        """The valid rows `size` at a time."""
        chunk: list[Row] = []
        for row in self:
            chunk.append(row)
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def file_sha256(data: bytes | BinaryIO) -> str:
    """The file's checksum; a file object is read from where it stands, a chunk at a time."""
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    return hashlib.file_digest(data, "sha256").hexdigest()


def import_run_record(
    *,
    kind: str,
    file_name: str,
    data: bytes | BinaryIO = b"",
    result: ImportResult,
    acting_user,
    month=None,
    replaced: int = 0,
    extra: dict | None = None,
    mapping: ColumnMapping | None = None,
    sha256: str = "",
) -> ImportRun:
    """Record a committed import and its audit event. Call inside the import's transaction. `data` is the file
    (bytes or an open file, read from where it stands), or give its `sha256` (hex) already taken."""
    run = ImportRun.objects.create(
        kind=kind,
        file_name=file_name[:255],
        sha256=sha256 or file_sha256(data),
        month=month,
        created=result.counts.get("created", result.counts.get("imported", 0)),
        updated=result.counts.get("updated", 0),
        unchanged=result.counts.get("unchanged", 0),
        replaced=replaced,
        actor=acting_user,
        mapping_version_id=mapping.version_id if mapping else None,
    )
    AuditEvent.objects.create(
        actor=acting_user,
        action=f"import.{kind}",
        target_type="import",
        target_id=str(run.pk),
        data={
            "file": file_name[:255],
            "sha256": run.sha256,
            "month": month.isoformat() if month else None,
            **result.counts,
            **({"mapping": mapping.name, "mapping_version_id": mapping.version_id} if mapping else {}),
            **(extra or {}),
        },
    )
    return run
