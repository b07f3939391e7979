"""Every write of certificates: issue (onboarding, leadership), revoke, batch regeneration; and their reads.

Onboarding: issued when the person's onboarding is complete (`onboarded_on` set by courses) and they passed the
final exam of an onboarding programme, whichever comes last. Leadership: issued when every required lesson of
a leadership programme is complete. One certificate per person and programme page (each edition of a
programme is its own page); issuing again returns the existing one.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.certificates.tasks import regenerate_certificates
from assessments.models import Attempt, Certificate, CertificateBatch, CertificateKind
from portal.models import User
from portal.services import audit_record

_PREFIX = {CertificateKind.ONBOARDING: "ONB", CertificateKind.LEADERSHIP: "LDR"}


def _next_number(kind: str, year: int) -> str:
    prefix = f"{_PREFIX[kind]}-{year}-"
    last = (
        Certificate.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def certificate_issue(
    *, holder: User, programme, kind: str, issued_on: date, acting_user=None
) -> Certificate:
    """Issue `holder`'s certificate of `programme` once; returns the existing one if already issued."""
    existing = Certificate.objects.filter(holder=holder, programme=programme).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    number=_next_number(kind, issued_on.year),
                    kind=kind,
                    programme=programme,
                    programme_title=programme.title[:255],
                    holder=holder,
                    holder_name=holder.name,
                    issued_on=issued_on,
                )
                audit_record(
                    action="certificate.issue",
                    acting_user=acting_user,
                    target=certificate,
                    number=certificate.number,
                    holder=holder.employee_no,
                )
                return certificate
        except IntegrityError:
            existing = Certificate.objects.filter(holder=holder, programme=programme).first()
            if existing is not None:
                return existing
    raise IntegrityError("could not allocate a certificate number")


def onboarding_certificate_check(*, staff_id: int, acting_user=None) -> Certificate | None:
    """Issue the onboarding certificate when onboarding is complete and an onboarding final exam is passed."""
    from assessments.quizzes.selectors import quiz_programme
    from courses.models import ProgrammeKind

    staff = User.objects.filter(pk=staff_id).first()
    if staff is None or not staff.onboarded_on:
        return None
    passed = (
        Attempt.objects.filter(staff_id=staff_id, passed=True, quiz__is_final_exam=True)
        .select_related("quiz", "quiz__lesson", "quiz__module")
        .order_by("submitted_at")
    )
    for attempt in passed:
        programme = quiz_programme(attempt.quiz)
        if programme is None or programme.kind != ProgrammeKind.ONBOARDING:
            continue
        issued_on = max(staff.onboarded_on, timezone.localdate(attempt.submitted_at))
        return certificate_issue(
            holder=staff,
            programme=programme,
            kind=CertificateKind.ONBOARDING,
            issued_on=issued_on,
            acting_user=acting_user,
        )
    return None


def leadership_certificate_check(*, staff_id: int, lesson_id: int, completed_on: date) -> Certificate | None:
    """Issue the leadership certificate once every required lesson of the lesson's leadership programme is done."""
    from courses.models import LessonPage, ProgrammeKind, ProgrammePage
    from courses.services import onboarding_progress

    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if lesson is None:
        return None
    programme = ProgrammePage.objects.ancestor_of(lesson).first()
    if programme is None or programme.kind != ProgrammeKind.LEADERSHIP:
        return None
    staff = User.objects.get(pk=staff_id)
    # The progress read is generic over programmes: required lessons outstanding and hours done.
    progress = onboarding_progress(staff=staff, programme=programme)
    if progress["required_left"]:
        return None
    return certificate_issue(
        holder=staff, programme=programme, kind=CertificateKind.LEADERSHIP, issued_on=completed_on
    )


def certificate_revoke(*, certificate: Certificate, acting_user, reason: str) -> Certificate:
    """Revoke with a reason (recorded with who and when); revoking twice is refused."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for revoking the certificate."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise ValidationError(_("This certificate is already revoked."))
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = acting_user
        certificate.revoked_reason = reason.strip()
        certificate.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        audit_record(
            action="certificate.revoke", acting_user=acting_user, target=certificate, reason=reason.strip()
        )
    return certificate


def certificate_get_by_token(token: str) -> Certificate:
    certificate = Certificate.objects.select_related("holder").filter(token=token).first()
    if certificate is None:
        raise Http404
    return certificate


def certificate_get_by_number(number: str) -> Certificate:
    """The certificate with this number, with its holder; none → 404."""
    certificate = Certificate.objects.select_related("holder").filter(number=number).first()
    if certificate is None:
        raise Http404
    return certificate


def certificate_get_for_holder(user, certificate_id: int) -> Certificate:
    """The person's own certificate; anyone else's → 404."""
    certificate = Certificate.objects.filter(pk=certificate_id, holder_id=user.pk).first()
    if certificate is None:
        raise Http404
    return certificate


def certificate_batch_request(*, certificate_ids, acting_user) -> CertificateBatch:
    """Queue a background regeneration of certificates into one combined PDF (progress on the row)."""
    ids = sorted(set(Certificate.objects.filter(pk__in=list(certificate_ids)).values_list("pk", flat=True)))
    if not ids:
        raise ValidationError(_("Choose at least one certificate."))
    with transaction.atomic():
        batch = CertificateBatch.objects.create(requested_by=acting_user, certificate_ids=ids, total=len(ids))
        audit_record(action="certificate.batch", acting_user=acting_user, target=batch, count=len(ids))
        batch_id = batch.pk
        transaction.on_commit(lambda: regenerate_certificates.enqueue(batch_id))
    return batch
