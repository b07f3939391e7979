"""What every import shares: its result, the `--json` shape, and the record of a committed import.

An import service reads a file with `portal.tabular.reading.read_table`, validates every row (collecting every error),
and writes nothing unless the whole file is valid. It returns an `ImportResult` that the management command and
the upload page both present.
"""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from portal.models import AuditEvent, ImportRun
from portal.tabular.errors import FieldError, ImportFileError, RowError
from portal.tabular.reading import Table, read_table


@dataclass
class ImportResult:
    """Counts of what an import did (or, for a dry run or preview, would do), and every error it found."""

    counts: dict[str, int]
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    preview: list[dict] = field(
        default_factory=list
    )  # a few rows as they would be written, for the upload page

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        """The `--json` object: counts at 0 when the file was refused, as the conventions require."""
        counts = {key: (value if self.ok else 0) for key, value in self.counts.items()}
        return {**counts, "errors": [error.as_dict() for error in self.errors], "dry_run": self.dry_run}


def refused(counts: list[str], errors: list[RowError]) -> ImportResult:
    return ImportResult(counts=dict.fromkeys(counts, 0), errors=sorted(errors, key=lambda e: e.line))


def read_import_table(
    data: bytes,
    file_name: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    count_keys: list[str],
) -> tuple[Table | None, ImportResult | None]:
    """The opening of every import: read the file, or refuse it with every error and `count_keys` at 0.

    Returns `(table, None)` when the file was read, else `(None, refused_result)` for the service to return.
    """
    try:
        table = read_table(data, file_name, required=required, optional=optional)
    except ImportFileError as exc:
        return None, refused(count_keys, exc.errors)
    if table.errors:
        return None, refused(count_keys, table.errors)
    return table, None


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


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_run_record(
    *,
    kind: str,
    file_name: str,
    data: bytes,
    result: ImportResult,
    acting_user,
    month=None,
    replaced: int = 0,
    extra: dict | None = None,
) -> ImportRun:
    """Record a committed import and its audit event. Call inside the import's transaction."""
    run = ImportRun.objects.create(
        kind=kind,
        file_name=file_name[:255],
        sha256=file_sha256(data),
        month=month,
        created=result.counts.get("created", result.counts.get("imported", 0)),
        updated=result.counts.get("updated", 0),
        unchanged=result.counts.get("unchanged", 0),
        replaced=replaced,
        actor=acting_user,
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
            **(extra or {}),
        },
    )
    return run
