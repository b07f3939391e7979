"""Running a call list job, the background task's body: the import itself is `call_import`, the same as the
command's; this records how far it is and how it ended, for the job's page."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import CallImportJob
from assessments.qa.services import CALL_COUNT_KEYS, call_import
from portal.importing import refused
from portal.selectors import import_mapping_get
from portal.tabular.errors import RowError


def call_import_job_run(*, job_id: int) -> CallImportJob:
    """Run a queued job: read the stored file through `call_import` (all or nothing, as the command, a chunk at a
    time), moving `rows` while reading, then record the counts or the line-numbered errors. A job already taken by another
    run is left alone. The file is removed once imported or refused; a good check keeps it for the import."""
    with transaction.atomic():
        job = CallImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != CallImportJob.Status.QUEUED:
            return job
        job.status = CallImportJob.Status.RUNNING
        job.save(update_fields=["status"])

    def progress(rows: int) -> None:
        CallImportJob.objects.filter(pk=job_id).update(rows=rows)

    def checked() -> None:
        CallImportJob.objects.filter(pk=job_id).update(writing=True)

    status = CallImportJob.Status
    try:
        mapping = import_mapping_get(name=job.mapping, kind="calls") if job.mapping else None
        with job.file.open("rb") as stored:
            result = call_import(
                data=stored,
                file_name=job.file_name,
                dry_run=job.dry_run,
                acting_user=job.requested_by,
                mapping=mapping,
                progress=progress,
                checked=checked,
            )
    except ValidationError as exc:
        result = refused(CALL_COUNT_KEYS, [RowError(0, message) for message in exc.messages])
    except Exception as exc:  # noqa: BLE001 - the page must say that the import failed, and why
        result = refused(CALL_COUNT_KEYS, [RowError(0, _("The import failed: %(error)s") % {"error": exc})])
    job.refresh_from_db(fields=["rows"])
    job.writing = False
    job.counts = result.counts
    job.errors = [error.as_dict() for error in result.errors[: CallImportJob.ERRORS_KEPT]]
    job.error_count = len(result.errors)
    job.preview = result.preview if result.ok else []
    job.finished_at = timezone.now()
    if not result.ok:
        job.status = status.FAILED
    else:
        job.status = status.CHECKED if job.dry_run else status.DONE
    if job.status != status.CHECKED and job.file:
        job.file.delete(save=False)
    job.save()
    return job
