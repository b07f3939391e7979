"""Every write of certificates: issue (onboarding, leadership), revoke, batch regeneration, the daily review
(suspend, restore, renew, expire), certification type versions, verification log; and their reads.

Onboarding: issued when the person's onboarding is complete (`onboarded_on` set by courses) and they passed the
final exam of an onboarding programme, whichever comes last. Leadership: issued when every required lesson of
a leadership programme is complete. One certificate per person and programme page (each edition of a
programme is its own page); issuing again returns the existing one. A certificate is valid for the months its
certification type (the version in force on the day) gives; renewal extends the same certificate, recording
each period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.certificates import rules, selectors, signals
from assessments.certificates.tasks import regenerate_certificates
from assessments.models import (
    Attempt,
    Certificate,
    CertificateBatch,
    CertificateKind,
    CertificatePeriod,
    CertificateStatus,
    CertificateVerification,
    CertificationType,
)
from portal.models import User
from portal.months import add_months, first_of_month
from portal.services import audit_record

MANAGE_PERMISSION = "assessments.manage_certificates"

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
                version = selectors.certification_types_in_force(issued_on).get(kind)
                expires_on = rules.expiry_date(issued_on, selectors.type_rule(version).validity_months)
                certificate = Certificate.objects.create(
                    number=_next_number(kind, issued_on.year),
                    kind=kind,
                    programme=programme,
                    programme_title=programme.title[:255],
                    holder=holder,
                    holder_name=holder.name,
                    issued_on=issued_on,
                    expires_on=expires_on,
                    status_since=issued_on,
                    status_month=add_months(first_of_month(issued_on), -1),
                )
                CertificatePeriod.objects.create(
                    certificate=certificate, starts_on=issued_on, ends_on=expires_on
                )
                audit_record(
                    action="certificate.issue",
                    acting_user=acting_user,
                    target=certificate,
                    number=certificate.number,
                    holder=holder.employee_no,
                    expires_on=expires_on.isoformat(),
                )
                signals.certificate_changed.send(sender=None, certificate=certificate, change=signals.ISSUED)
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
        signals.certificate_changed.send(sender=None, certificate=certificate, change=signals.REVOKED)
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


# --- Certification types ---------------------------------------------------------------------------------

TYPE_FIELDS = (
    "name",
    "earned_by",
    "validity_months",
    "performance_rule",
    "suspend_after_missed_months",
    "restore_after_met_months",
    "renewal_window_days",
    "renewal_min_quality",
    "recertification_quiz",
)


def _type_values_check(values: dict) -> None:
    errors = {}
    if values.get("validity_months") is not None and not 1 <= values["validity_months"] <= 120:
        errors["validity_months"] = _("A certificate is valid for 1 to 120 months.")
    window = values.get("renewal_window_days")
    if (
        window is not None
        and values.get("validity_months")
        and not 1 <= window <= values["validity_months"] * 28
    ):
        errors["renewal_window_days"] = _(
            "Renewal must open between 1 day and the period's length before expiry."
        )
    for name in ("suspend_after_missed_months", "restore_after_met_months"):
        if values.get(name) is not None and values[name] < 1:
            errors[name] = _("At least one month.")
    if errors:
        raise ValidationError(errors)


def _type_audit_values(version: CertificationType) -> dict:
    return {
        name: str(getattr(version, "recertification_quiz_id" if name == "recertification_quiz" else name))
        for name in TYPE_FIELDS
    }


def certification_type_create(
    *, kind: str, effective_month: date, values: dict, acting_user
) -> CertificationType:
    """Add a version of a certification type in force from `effective_month` (this month or later, so that no
    decision already made changes its grounds). Audited."""
    if not getattr(acting_user, "has_perm", None) or not acting_user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied
    if kind not in CertificateKind.values:
        raise ValidationError({"kind": _("Unknown certificate kind.")})
    month = first_of_month(effective_month)
    if month < first_of_month(timezone.localdate()):
        raise ValidationError({"effective_month": _("A new version starts this month or later.")})
    _type_values_check(values)
    with transaction.atomic():
        if CertificationType.objects.filter(kind=kind, effective_month=month).exists():
            raise ValidationError({"effective_month": _("A version of this type already starts that month.")})
        version = CertificationType(kind=kind, effective_month=month, created_by=acting_user)
        for name in TYPE_FIELDS:
            if name in values:
                setattr(version, name, values[name])
        version.full_clean()
        version.save()
        audit_record(
            action="certification_type.create",
            acting_user=acting_user,
            target=version,
            kind=kind,
            effective_month=month.isoformat(),
            values=_type_audit_values(version),
        )
    return version


def certification_type_update(*, version: CertificationType, values: dict, acting_user) -> CertificationType:
    """Change a version that is not yet in force (a version in force already decided about certificates: add a
    new version instead). Audited with the old and new values."""
    if not getattr(acting_user, "has_perm", None) or not acting_user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied
    _type_values_check(values)
    with transaction.atomic():
        version = CertificationType.objects.select_for_update().get(pk=version.pk)
        if version.effective_month is None or version.effective_month <= first_of_month(timezone.localdate()):
            raise ValidationError(_("This version is in force; add a new version instead."))
        old = _type_audit_values(version)
        for name in TYPE_FIELDS:
            if name in values:
                setattr(version, name, values[name])
        version.full_clean()
        version.save()
        audit_record(
            action="certification_type.update",
            acting_user=acting_user,
            target=version,
            old=old,
            new=_type_audit_values(version),
        )
    return version


# --- The daily review ------------------------------------------------------------------------------------

_NOTICE_KINDS = {
    rules.SUSPEND: "certificate_suspended",
    rules.RESTORE: "certificate_restored",
    rules.RENEW: "certificate_renewed",
    rules.EXPIRE: "certificate_expired",
}

_AUDIT_ACTIONS = {
    rules.SUSPEND: "certificate.suspend",
    rules.RESTORE: "certificate.restore",
    rules.RENEW: "certificate.renew",
    rules.EXPIRE: "certificate.expire",
}


@dataclass
class ReviewResult:
    date: date
    counts: Counter = field(default_factory=Counter)
    reminded: int = 0
    dry_run: bool = False

    def as_json(self) -> dict:
        return {
            "date": self.date.isoformat(),
            **{action: self.counts.get(action, 0) for action in rules.ACTIONS},
            "reminded": self.reminded,
        }


def certificates_review(*, today: date, dry_run: bool = False) -> ReviewResult:
    """Apply the certification rules as of `today` to every certificate not revoked or expired: suspend,
    restore, renew, expire; audit each change and tell the holder and their team leads; then send the expiry
    reminders (30 and 7 days) not sent before. Idempotent: a second run on the same day changes nothing.

    With `dry_run`, count what would change and write nothing. Runs serialise on the certificates' rows."""
    from django.urls import reverse

    from assessments.certificates.reminders import certificate_expiring_reminders
    from notifications.reminders import reminders_deliver, reminders_not_sent_before
    from notifications.services import OutgoingMessage, messages_send

    result = ReviewResult(date=today, dry_run=dry_run)
    with transaction.atomic():
        certificates = list(
            Certificate.objects.select_for_update()
            .filter(revoked_at__isnull=True, expires_on__isnull=False)
            .exclude(status=CertificateStatus.EXPIRED)
            .order_by("pk")
        )
        types = selectors.certification_types_in_force(today)
        rules_by_kind = {kind: selectors.type_rule(version) for kind, version in types.items()}
        months = selectors.published_months_before(today, since=selectors.earliest_month_needed(certificates))
        holder_ids = {c.holder_id for c in certificates}
        history = selectors.published_months_by_holder(holder_ids, months)
        quiz_ids = {v.recertification_quiz_id for v in types.values() if v and v.recertification_quiz_id}
        passes = selectors.recertification_passes(holder_ids, quiz_ids, until=today)
        decided = []
        for certificate in certificates:
            version = types.get(certificate.kind)
            rule = rules_by_kind.get(certificate.kind, rules.TypeRule())
            state = rules.CertificateState(
                status=certificate.status,
                expires_on=certificate.expires_on,
                status_month=certificate.status_month,
            )
            quiz_id = version.recertification_quiz_id if version else None
            changes = rules.review_certificate(
                state,
                today=today,
                rule=rule,
                months=history.get(certificate.holder_id, []),
                quiz_passed_on=passes.get((certificate.holder_id, quiz_id)) if quiz_id else None,
            )
            for change in changes:
                result.counts[change.action] += 1
            if changes:
                decided.append((certificate, changes))
        if not dry_run and decided:
            holders = User.objects.in_bulk({c.holder_id for c, _changes in decided})
            leads = selectors.holders_team_leads({pk: holder.team_id for pk, holder in holders.items()})
            url = reverse("assessments:my-certificates")
            messages = []
            for certificate, changes in decided:
                holder = holders[certificate.holder_id]
                for change in changes:
                    _apply_change(certificate, change, today=today)
                    context = {
                        "certificate": certificate,
                        "holder_name": holder.name,
                        "title": f"{certificate.programme_title} ({certificate.number})",
                        "expires_on": certificate.expires_on,
                        "url": url,
                    }
                    kind = _NOTICE_KINDS[change.action]
                    messages.append(OutgoingMessage(holder, kind, {**context, "own": True}))
                    for lead in leads.get(holder.pk, []):
                        messages.append(OutgoingMessage(lead, kind, {**context, "own": False, "url": ""}))
            messages_send(messages)
        found = certificate_expiring_reminders(today)
        result.reminded = len(reminders_not_sent_before(found))
        reminders_deliver(found, today=today, dry_run=dry_run)
    return result


def _apply_change(certificate: Certificate, change: rules.Change, *, today: date) -> None:
    """Store one change of the review and its audit row (the system acts: no user)."""
    old_status, old_expiry = certificate.status, certificate.expires_on
    certificate.status = change.state.status
    certificate.status_month = change.state.status_month
    certificate.expires_on = change.state.expires_on
    if change.action != rules.RENEW:
        certificate.status_since = today
    certificate.save(update_fields=["status", "status_month", "expires_on", "status_since"])
    if change.action == rules.RENEW:
        CertificatePeriod.objects.create(
            certificate=certificate,
            starts_on=change.period_start,
            ends_on=change.state.expires_on,
            renewal=True,
        )
    audit_record(
        action=_AUDIT_ACTIONS[change.action],
        acting_user=None,
        target=certificate,
        on=today.isoformat(),
        number=certificate.number,
        old_status=old_status,
        new_status=certificate.status,
        old_expires_on=old_expiry.isoformat(),
        new_expires_on=certificate.expires_on.isoformat(),
        decided_by_month=certificate.status_month.isoformat() if certificate.status_month else None,
    )
    # The review's actions are named as the signal's changes ("suspended", "renewed", ...).
    signals.certificate_changed.send(sender=None, certificate=certificate, change=change.action)


# --- Verification ----------------------------------------------------------------------------------------


def certificate_verification_record(*, certificate: Certificate, address: str, user_agent: str) -> None:
    """Log one look at the public verification page: time, the address cut to its network (/24, IPv6 /48)
    and the browser. The one write a public page makes."""
    CertificateVerification.objects.create(
        certificate=certificate,
        ip_network=rules.address_network(address),
        user_agent=(user_agent or "")[:300],
    )
