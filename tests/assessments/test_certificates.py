"""Certificates: issued on onboarding + final exam, PDF content and QR, public verification, revocation, batches."""

import subprocess
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from assessments.certificates import batches as certificate_batches
from assessments.certificates import services as certificate_services
from assessments.certificates.pdf import certificates_pdf, verification_url
from assessments.models import Certificate, CertificateBatch
from assessments.quizzes import services as quiz_services
from portal.models import AuditEvent
from tests.assessments import factories as f
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_hire():
    return StaffFactory(employee_no="N0001", name="王晓明", role="new_hire", onboarded_on=None)


@pytest.fixture
def final_exam():
    lesson = f.make_lesson(kind="onboarding", hours="72", title="SOP流程")
    return f.make_quiz(
        [f.single_choice(f.make_bank())], lesson=lesson, title="入职结业考试", is_final_exam=True
    )


def pass_exam(quiz, staff):
    attempt = quiz_services.attempt_start(quiz=quiz, staff=staff)
    item = attempt.items.get()
    return quiz_services.attempt_submit(attempt=attempt, post={"q1": str(item.order.index(0)), "v1": "0"})[0]


def issued(staff, programme_kind="onboarding"):
    from courses.models import ProgrammePage

    programme = ProgrammePage.objects.filter(kind=programme_kind).first()
    return certificate_services.certificate_issue(
        holder=staff, programme=programme, kind=programme_kind, issued_on=date(2026, 10, 9)
    )


def test_passing_the_final_exam_completes_onboarding_and_issues_one_certificate(
    new_hire, final_exam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pass_exam(final_exam, new_hire)
    new_hire.refresh_from_db()
    assert new_hire.onboarded_on is not None
    certificate = Certificate.objects.get(holder=new_hire)
    assert certificate.kind == "onboarding" and certificate.holder_name == "王晓明"
    assert len(certificate.token) >= 32 and certificate.number.startswith("ONB-")
    # The second signal (onboarding completed) and any re-check find the same certificate.
    assert certificate_services.onboarding_certificate_check(staff_id=new_hire.pk) == certificate
    assert Certificate.objects.count() == 1


def test_no_certificate_without_the_final_exam(new_hire, final_exam, django_capture_on_commit_callbacks):
    from courses.services import lesson_complete

    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(staff=new_hire, lesson=final_exam.lesson, on_date=date(2026, 10, 8), via="attendance")
    new_hire.refresh_from_db()
    assert new_hire.onboarded_on == date(2026, 10, 8)
    assert not Certificate.objects.exists()


def test_the_leadership_course_issues_its_own_certificate(django_capture_on_commit_callbacks):
    from courses.services import lesson_complete

    manager = StaffFactory(role="manager")
    lesson = f.make_lesson(kind="leadership", title="服务战略")
    second = f.make_lesson(programme=lesson.get_parent().get_parent().specific, title="领导力")
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(staff=manager, lesson=lesson, on_date=date(2026, 10, 8), via="attendance")
    assert not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(staff=manager, lesson=second, on_date=date(2026, 10, 9), via="attendance")
    certificate = Certificate.objects.get(holder=manager)
    assert certificate.kind == "leadership" and certificate.issued_on == date(2026, 10, 9)


def test_the_pdf_carries_the_chinese_name_the_number_and_a_qr_code_of_the_verification_url(
    tmp_path, final_exam
):
    holder = StaffFactory(name="王晓明<b>")
    certificate = issued(holder)
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(certificates_pdf([certificate]))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "王晓明<b>" in text and certificate.number in text and "结业证书" in text
    assert "2026年10月9日" in text and "Certificate of Completion".upper() in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    url = verification_url(certificate)
    assert decoded.stdout.strip() == url
    assert url.startswith(settings.PORTAL_BASE_URL) and url.endswith(f"/verify/{certificate.token}/")


def test_the_public_page_verifies_with_a_masked_name_and_shows_revocation(client, hr_user, final_exam):
    certificate = issued(StaffFactory(name="王晓明"))
    page = client.get(f"/verify/{certificate.token}/")
    html = page.content.decode()
    assert page.status_code == 200 and "王*明" in html and "王晓明" not in html
    assert "2026年10月9日" in html and "有效" in html  # the public page speaks Chinese by default
    wrong = certificate.token[:-1] + (
        "y" if certificate.token.endswith("x") else "x"
    )  # one character changed
    assert client.get(f"/verify/{wrong}/").status_code == 404
    hr_client = client
    hr_client.force_login(hr_user)
    hr_client.post(f"/assessments/certificates/{certificate.pk}/revoke/", {"reason": "考试作弊"})
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoked_by == hr_user
    assert AuditEvent.objects.filter(action="certificate.revoke", reason="考试作弊").exists()
    client.logout()
    html = client.get(f"/verify/{certificate.token}/").content.decode()
    assert "已吊销" in html


def test_staff_download_their_own_certificate_and_get_404_for_anyone_elses(client, final_exam):
    mine = issued(StaffFactory(employee_no="A0100"))
    theirs = issued(StaffFactory(employee_no="A0200"))
    client.force_login(mine.holder)
    response = client.get(f"/assessments/certificates/{mine.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/assessments/certificates/{theirs.pk}/pdf/").status_code == 404
    assert client.get("/assessments/certificates/manage/").status_code == 403


def test_hr_regenerates_a_batch_as_one_combined_document_in_the_background(
    hr_client, final_exam, django_capture_on_commit_callbacks, tmp_path, monkeypatch
):
    monkeypatch.setattr(certificate_batches, "BATCH_CHUNK", 2)  # two documents, merged into one file
    certs = [issued(StaffFactory(name=f"员工{i}号")) for i in range(3)]
    certs[0].holder.name = "更正后姓名"
    certs[0].holder.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post("/assessments/certificates/batches/", {"all": "1"})
    batch = CertificateBatch.objects.get()
    assert response["Location"] == f"/assessments/certificates/batches/{batch.pk}/"
    assert (batch.status, batch.done, batch.total) == ("done", 3, 3)
    assert "3 / 3" in hr_client.get(response["Location"]).content.decode()
    download = hr_client.get(f"/assessments/certificates/batches/{batch.pk}/pdf/")
    pdf = tmp_path / "batch.pdf"
    pdf.write_bytes(b"".join(download.streaming_content))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in info and "841.89 x 595.276" in info  # A4 landscape
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert all(c.number in text for c in certs)
    assert "更正后姓名" in text and AuditEvent.objects.filter(action="certificate.rename").exists()


def test_revoking_needs_a_reason(hr_user, final_exam):
    certificate = issued(StaffFactory())
    with pytest.raises(ValidationError):
        certificate_services.certificate_revoke(certificate=certificate, acting_user=hr_user, reason=" ")
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_a_download_before_the_signing_key_exists_says_what_is_missing_instead_of_failing(
    client, final_exam, settings, tmp_path
):
    from django.core.checks import run_checks

    mine = issued(StaffFactory(employee_no="A0101"))
    settings.PORTAL_SIGNING_KEY_DIR = tmp_path / "no-key-yet"
    assert [m.id for m in run_checks(include_deployment_checks=True) if m.id == "portal.W001"] == [
        "portal.W001"
    ]
    client.force_login(mine.holder)
    response = client.get(f"/assessments/certificates/{mine.pk}/pdf/")
    assert response.status_code == 503
    assert "尚未" in response.content.decode() and "credentials_keygen" in response.content.decode()
