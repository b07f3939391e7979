"""Reads of certificates: the certification type in force, what the review needs of the holders' published
months, recertification passes, and a holder's own certificates. Set-based: never one query per certificate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

from django.db.models import Count
from django.urls import Resolver404, resolve
from django.utils import timezone

from assessments.certificates import rules
from assessments.models import (
    Attempt,
    Certificate,
    CertificationType,
    KpiRecord,
    MonthlyScore,
    PerformanceRuleKind,
)
from assessments.scoring import rules as scoring_rules
from assessments.scoring.selectors import policies_for_months
from portal import credentials
from portal.models import MonthLock
from portal.months import add_months, first_of_month


def certification_type_in_force(
    versions: list[CertificationType], kind: str, day: date
) -> CertificationType | None:
    """Of `versions` (all of them), the version of `kind` in force on `day`: no query."""
    month = first_of_month(day)
    of_kind = [v for v in versions if v.kind == kind]
    dated = [v for v in of_kind if v.effective_month is not None and v.effective_month <= month]
    if dated:
        return max(dated, key=lambda v: v.effective_month)
    return next((v for v in of_kind if v.effective_month is None), None)


def certification_types_in_force(day: date) -> dict[str, CertificationType]:
    """Each kind's version in force on `day`: one query."""
    versions = list(CertificationType.objects.all())
    kinds = {v.kind for v in versions}
    return {kind: certification_type_in_force(versions, kind, day) for kind in kinds}


def type_rule(version: CertificationType | None) -> rules.TypeRule:
    """The pure-rules view of a certification type version (no rule and no renewal without one)."""
    if version is None:
        return rules.TypeRule()
    performance = None
    if version.performance_rule == PerformanceRuleKind.FRONT_LINE:
        performance = rules.PerformanceRule(
            suspend_after_missed=version.suspend_after_missed_months,
            restore_after_met=version.restore_after_met_months,
            min_quality=version.renewal_min_quality,
        )
    return rules.TypeRule(
        validity_months=version.validity_months,
        renewal_window_days=version.renewal_window_days,
        performance=performance,
        has_recertification_quiz=version.recertification_quiz_id is not None,
    )


def published_months_before(today: date, *, since: date | None = None) -> list[date]:
    """Published (locked) months that ended before `today`'s month, oldest first, from `since` on."""
    qs = MonthLock.objects.filter(month__lt=first_of_month(today))
    if since is not None:
        qs = qs.filter(month__gte=since)
    return sorted(qs.values_list("month", flat=True))


def published_months_by_holder(holder_ids, months: list[date]) -> dict[int, list[rules.PublishedMonth]]:
    """Each holder's view of `months` (oldest first): targets met, an upheld major complaint, quality. Three
    queries, whatever the number of holders."""
    holder_ids = list(holder_ids)
    if not months or not holder_ids:
        return {pk: [] for pk in holder_ids}
    policies = {m: p.as_rules() for m, p in policies_for_months(months).items()}
    kpis = {}
    for record in KpiRecord.objects.filter(staff_id__in=holder_ids, month__in=months):
        kpis[(record.staff_id, record.month)] = record
    quality = {
        (staff_id, month): value
        for staff_id, month, value in MonthlyScore.objects.filter(
            staff_id__in=holder_ids, month__in=months, quality__isnull=False
        ).values_list("staff_id", "month", "quality")
    }
    found = {}
    for holder_id in holder_ids:
        rows = []
        for month in months:
            record = kpis.get((holder_id, month))
            rows.append(
                rules.PublishedMonth(
                    month=month,
                    targets_met=(
                        None
                        if record is None
                        else not scoring_rules.missed_targets(record.as_rules(), policies[month])
                    ),
                    major_complaint=record is not None and record.major_complaints > 0,
                    quality=quality.get((holder_id, month)),
                )
            )
        found[holder_id] = rows
    return found


def recertification_passes(holder_ids, quiz_ids, *, until: date) -> dict[tuple[int, int], date]:
    """The latest local date on or before `until` on which each holder passed each quiz: one query."""
    latest: dict[tuple[int, int], date] = {}
    if not quiz_ids:
        return latest
    rows = Attempt.objects.filter(
        staff_id__in=list(holder_ids), quiz_id__in=list(quiz_ids), passed=True, submitted_at__isnull=False
    ).values_list("staff_id", "quiz_id", "submitted_at")
    for staff_id, quiz_id, submitted_at in rows:
        day = timezone.localdate(submitted_at)
        if day <= until and day > latest.get((staff_id, quiz_id), date.min):
            latest[(staff_id, quiz_id)] = day
    return latest


@dataclass
class HolderCertificate:
    certificate: Certificate
    version: CertificationType | None
    periods: list
    renewal_open: bool
    recertification_quiz: object | None
    recertification_passed: bool
    kpi_month: date | None
    targets_met: bool | None
    missed: list[str]


def certificates_for_holder(user, *, today: date) -> list[HolderCertificate]:
    """The person's certificates with what keeps each valid: the latest KPI month's targets, and the
    recertification quiz while renewal is open."""
    certificates = list(
        Certificate.objects.filter(holder=user).prefetch_related("periods").order_by("-issued_on", "-pk")
    )
    if not certificates:
        return []
    types = certification_types_in_force(today)
    record = KpiRecord.objects.filter(staff=user, month__lte=first_of_month(today)).order_by("-month").first()
    missed = None
    if record is not None:
        policy = policies_for_months([record.month])[record.month].as_rules()
        missed = scoring_rules.missed_targets(record.as_rules(), policy)
    quiz_ids = {v.recertification_quiz_id for v in types.values() if v and v.recertification_quiz_id}
    passes = recertification_passes([user.pk], quiz_ids, until=today)
    found = []
    for certificate in certificates:
        version = types.get(certificate.kind)
        rule = type_rule(version)
        quiz = version.recertification_quiz if version and version.recertification_quiz_id else None
        is_open = bool(
            quiz
            and certificate.expires_on
            and certificate.public_status == rules.VALID
            and rules.renewal_open(certificate.expires_on, rule.renewal_window_days, today)
        )
        passed_on = passes.get((user.pk, quiz.pk)) if quiz else None
        found.append(
            HolderCertificate(
                certificate=certificate,
                version=version,
                periods=list(certificate.periods.all()),
                renewal_open=is_open,
                recertification_quiz=quiz if is_open else None,
                recertification_passed=bool(
                    is_open
                    and passed_on
                    and passed_on
                    >= rules.renewal_window_start(certificate.expires_on, rule.renewal_window_days)
                ),
                kpi_month=record.month if record is not None and rule.performance else None,
                targets_met=(not missed) if missed is not None and rule.performance else None,
                missed=list(missed or []) if rule.performance else [],
            )
        )
    return found


def certificates_with_verification_counts(queryset):
    """`queryset` annotated with `verification_count`, for HR's list."""
    return queryset.annotate(verification_count=Count("verifications"))


def earliest_month_needed(certificates) -> date | None:
    """The first published month any of `certificates`' reviews reads: quality looks back 3 months."""
    starts = [c.status_month or first_of_month(c.issued_on) for c in certificates]
    return add_months(min(starts), -rules.QUALITY_MONTHS) if starts else None


def holders_team_leads(holder_team_ids: dict[int, int | None]) -> dict[int, list]:
    """Each holder's active team leads (not the holder): one query."""
    from portal.models import Role, User

    teams = {t for t in holder_team_ids.values() if t}
    leads = defaultdict(list)
    for lead in User.objects.filter(role=Role.TEAM_LEAD, is_active=True, team_id__in=teams):
        leads[lead.team_id].append(lead)
    return {
        holder_id: [lead for lead in leads.get(team_id, []) if lead.pk != holder_id]
        for holder_id, team_id in holder_team_ids.items()
    }


def public_status(certificate: Certificate, today: date) -> str:
    """valid, suspended, revoked or expired, counting an expiry the daily review has not recorded yet."""
    status = certificate.public_status
    if status == "valid" and certificate.expires_on and certificate.expires_on <= today:
        return "expired"
    return status


def certificate_for_credential(credential: dict) -> Certificate | None:
    """The certificate a credential names by its id (the verification address); None for any other id."""
    try:
        match = resolve(urlparse(str(credential.get("id", ""))).path)
    except Resolver404:
        return None
    if match.url_name != "certificate-verify":
        return None
    return Certificate.objects.filter(token=match.kwargs.get("token", "")).first()


def credential_status(credential: dict, *, today: date) -> str | None:
    certificate = certificate_for_credential(credential)
    return public_status(certificate, today) if certificate else None


def status_codes(today: date) -> dict[int, int]:
    """Every certificate's status-list value (index = its id) except the valid ones (0): one query."""
    codes = {}
    rows = Certificate.objects.values_list("pk", "status", "revoked_at", "expires_on")
    for pk, status, revoked_at, expires_on in rows.iterator():
        if revoked_at is not None:
            name = "revoked"
        elif status == "valid" and expires_on and expires_on <= today:
            name = "expired"
        else:
            name = status
        if credentials.STATUS_CODES[name]:
            codes[pk] = credentials.STATUS_CODES[name]
    return codes
