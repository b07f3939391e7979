"""What every import shares: its result, the `--json` shape, and the record of a committed import.

An import service reads a file with `portal.tabular.read_table`, validates every row (collecting every error),
and writes nothing unless the whole file is valid. It returns an `ImportResult` that the management command and
the upload page both present.
"""

import hashlib
from dataclasses import dataclass, field

from portal.models import AuditEvent, ImportRun
from portal.tabular import RowError


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
