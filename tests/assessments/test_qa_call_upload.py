"""The call list upload page takes files far above the other imports' limit and imports them in the background
(django-tasks), all or nothing, with a page that follows the job: queued, rows read, counts or line errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Call, CallImportJob
from portal.models import ImportRun
from tests.conftest import give_totp, sign_in
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
HEADER = "call_id,employee_no,started_at,duration_s,channel,recording_url,transcript"
URL = "/assessments/qa/calls/import/"


def call_file(rows: int, *, bad: dict[int, str] | None = None) -> bytes:
    lines = [HEADER]
    for n in range(rows):
        lines.append((bad or {}).get(n) or f"C{n:05d},A0001,2026-10-03 09:{n % 60:02d}:00,120,phone,,")
    return ("\n".join(lines) + "\n").encode()


def upload(client, data: bytes, capture, *, check_only: bool = False, name: str = "calls.csv"):
    with capture(execute=True):
        return client.post(
            URL, {"file": SimpleUploadedFile(name, data), **({"check_only": "1"} if check_only else {})}
        )


def test_a_file_above_the_general_import_limit_is_imported_in_the_background(
    hr_client, org, settings, django_capture_on_commit_callbacks
):
    data = call_file(40)
    settings.IMPORT_MAX_BYTES = len(data) // 2  # the general limit would refuse this file
    assert hr_client.get(URL).status_code == 200
    response = upload(hr_client, data, django_capture_on_commit_callbacks)
    job = CallImportJob.objects.get()
    assert response["Location"] == f"{URL}{job.pk}/"
    assert (job.status, job.rows, job.counts) == ("done", 40, {"created": 40, "updated": 0, "unchanged": 0})
    assert Call.objects.count() == 40 and ImportRun.objects.get(kind="calls").created == 40
    assert not job.file  # the stored upload is removed once imported
    page = hr_client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and 'data-count="created"' in page and "40" in page
    assert 'http-equiv="refresh"' not in page

    # The same file again changes nothing.
    upload(hr_client, data, django_capture_on_commit_callbacks)
    assert CallImportJob.objects.order_by("-pk").first().counts["unchanged"] == 40


def test_a_check_writes_nothing_until_confirmed_then_imports_the_same_file(
    hr_client, org, django_capture_on_commit_callbacks
):
    upload(hr_client, call_file(3), django_capture_on_commit_callbacks, check_only=True)
    job = CallImportJob.objects.get()
    assert job.status == "checked" and job.counts["created"] == 3 and job.preview and job.file
    assert not Call.objects.exists() and not ImportRun.objects.exists()
    page = hr_client.get(f"{URL}{job.pk}/").content.decode()
    assert 'id="job-confirm"' in page
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(f"{URL}{job.pk}/")
    job.refresh_from_db()
    assert job.status == "done" and not job.dry_run and Call.objects.count() == 3 and not job.file
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(f"{URL}{job.pk}/")  # confirming twice imports once
    assert ImportRun.objects.count() == 1


def test_bad_rows_fail_the_job_with_their_line_numbers_and_nothing_is_written(
    hr_client, org, django_capture_on_commit_callbacks
):
    data = call_file(
        5,
        bad={1: "C00001,Z9999,2026-10-03 09:00:00,120,phone,,", 3: "C00003,A0001,2026-02-30 09:00,120,fax,,"},
    )
    upload(hr_client, data, django_capture_on_commit_callbacks)
    job = CallImportJob.objects.get()
    assert job.status == "failed" and job.counts == {"created": 0, "updated": 0, "unchanged": 0}
    assert {error["line"] for error in job.errors} == {3, 5} and job.error_count == len(job.errors) == 3
    assert not Call.objects.exists() and not ImportRun.objects.exists() and not job.file
    page = hr_client.get(f"{URL}{job.pk}/").content.decode()
    assert 'id="job-errors"' in page and "<td>3</td>" in page and "Z9999" in page


def test_the_page_follows_a_running_job_and_refuses_what_it_must(
    client, hr_user, org, settings, django_capture_on_commit_callbacks
):
    sign_in(client, hr_user)
    running = CallImportJob.objects.create(
        requested_by=hr_user, file_name="十月.csv", status="running", rows=20000
    )
    page = client.get(f"{URL}{running.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "20000" in page
    CallImportJob.objects.filter(pk=running.pk).update(writing=True)
    page = client.get(f"{URL}{running.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "All 20000 rows checked and good; importing them now." in page
    settings.QA_CALLS_UPLOAD_MAX_MB = 0
    refused = upload(client, call_file(1), django_capture_on_commit_callbacks)
    assert refused.status_code == 200 and CallImportJob.objects.count() == 1
    settings.QA_CALLS_UPLOAD_MAX_MB = 512
    assert upload(client, b"a,b\n", django_capture_on_commit_callbacks, name="calls.txt").status_code == 200
    assert CallImportJob.objects.count() == 1

    other_hr = give_totp(StaffFactory(role="hr"))
    sign_in(client, other_hr)
    assert client.get(f"{URL}{running.pk}/").status_code == 404  # another person's upload
    sign_in(client, org.lead_a1)
    assert client.get(URL).status_code == 403 and client.get(f"{URL}{running.pk}/").status_code == 403
