"""The call list uploaded on the page: kept in storage and checked or imported by a background task
(`assessments.qa.tasks`), which runs `assessments.qa.call_jobs`. Each function checks who acts."""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import CallImportJob
from assessments.qa.tasks import import_call_file
from portal.models import User
from portal.selectors import import_mapping_get
from portal.services import require_permission

CALL_FILE_EXTENSIONS = (".csv", ".xlsx")


def calls_upload_max_bytes() -> int:
    """The upload page's own bound for a call list (settings.QA_CALLS_UPLOAD_MAX_MB), far above other imports':
    a month of calls at 10,000 agents is about a million rows."""
    return settings.QA_CALLS_UPLOAD_MAX_MB * 1024 * 1024


def call_import_job_start(
    *, upload, mapping_name: str = "", dry_run: bool, acting_user: User
) -> CallImportJob:
    """Keep an uploaded call list in storage and queue its check (`dry_run`) or import in the background.

    `upload` is Django's uploaded file (a large one already streamed to a temporary file on disk); it is copied
    to storage in chunks, never read whole here. The person's earlier checks that they never confirmed lose
    their file. The background task (`assessments.qa.tasks.import_call_file`) runs
    `assessments.qa.call_jobs.call_import_job_run`.
    """
    require_permission(acting_user, "assessments.import_calls")
    name = upload.name or ""
    if not name.lower().endswith(CALL_FILE_EXTENSIONS):
        raise ValidationError(_("Choose a .csv or .xlsx file."))
    if upload.size > calls_upload_max_bytes():
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": settings.QA_CALLS_UPLOAD_MAX_MB}
        )
    if mapping_name:
        import_mapping_get(name=mapping_name, kind="calls")  # refuses an unknown mapping now, not later
    for stale in CallImportJob.objects.filter(
        requested_by=acting_user, status=CallImportJob.Status.CHECKED
    ).exclude(file=""):
        stale.file.delete(save=True)
    with transaction.atomic():
        job = CallImportJob(
            requested_by=acting_user,
            file_name=name[:255],
            size=upload.size,
            mapping=mapping_name,
            dry_run=dry_run,
        )
        # A server-made name: the person's file name is only shown, never used on disk.
        job.file.save(f"{secrets.token_urlsafe(16)}{name[name.rfind('.') :].lower()}", upload, save=False)
        job.save()
        _job_enqueue(job.pk)
    return job


def call_import_job_confirm(*, job_id: int, acting_user: User) -> CallImportJob:
    """Import the file that the person's own check (`dry_run`) found good: queued again, now writing."""
    require_permission(acting_user, "assessments.import_calls")
    with transaction.atomic():
        job = CallImportJob.objects.select_for_update().filter(pk=job_id, requested_by=acting_user).first()
        if job is None:
            raise PermissionDenied(_("You may not do this."))
        if job.status != CallImportJob.Status.CHECKED or not job.file:
            raise ValidationError(_("That check has expired or was already imported; upload the file again."))
        job.dry_run = False
        job.status = CallImportJob.Status.QUEUED
        job.rows = 0
        job.finished_at = None
        job.save(update_fields=["dry_run", "status", "rows", "finished_at"])
        _job_enqueue(job.pk)
    return job


def _job_enqueue(job_id: int) -> None:
    transaction.on_commit(lambda: import_call_file.enqueue(job_id))
