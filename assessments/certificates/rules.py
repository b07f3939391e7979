"""Certificate validity, pure: when a certificate expires, and what the daily review decides about it.

No ORM and no clock: the day, the holder's published months and the type's rule come in as arguments.

The front-line rule (the onboarding certificate's default): a valid certificate is suspended when its holder
missed a KPI target in each of the last `suspend_after_missed` consecutive published months, or had an upheld
major complaint in a published month; a suspended one is restored after `restore_after_met` consecutive
published months meeting every target without a major complaint. Only months after the one that decided the
last status change count, so a month decides at most once. Within the last `renewal_window_days` days of its
validity a valid certificate is renewed for another period when the holder passed the recertification quiz in
that window and (with a performance rule) the mean quality score of the last 3 published months is at least
`renewal_min_quality`; otherwise it expires on its date.
"""

from __future__ import annotations

import calendar
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

VALID, SUSPENDED, EXPIRED = "valid", "suspended", "expired"
SUSPEND, RESTORE, RENEW, EXPIRE = "suspended", "restored", "renewed", "expired"
ACTIONS = (SUSPEND, RESTORE, RENEW, EXPIRE)
QUALITY_MONTHS = 3


@dataclass(frozen=True)
class PerformanceRule:
    suspend_after_missed: int = 3
    restore_after_met: int = 2
    min_quality: Decimal = Decimal(80)


@dataclass(frozen=True)
class TypeRule:
    """A certification type version as the review reads it; `performance` is None when it has no rule."""

    validity_months: int = 12
    renewal_window_days: int = 60
    performance: PerformanceRule | None = None
    has_recertification_quiz: bool = False


@dataclass(frozen=True)
class PublishedMonth:
    """One published month of the holder: `targets_met` is None without a KPI row that month."""

    month: date
    targets_met: bool | None
    major_complaint: bool = False
    quality: Decimal | None = None


@dataclass(frozen=True)
class CertificateState:
    status: str
    expires_on: date
    status_month: date | None  # the last published month that decided a status change


@dataclass(frozen=True)
class Change:
    action: str
    state: CertificateState
    period_start: date | None = None  # a renewal's new period


def add_months_to_day(day: date, months: int) -> date:
    """The same day `months` months later, at the month's last day when it has fewer days (31 Jan → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_date(starts_on: date, validity_months: int) -> date:
    """The first day a period starting on `starts_on` is no longer valid."""
    return add_months_to_day(starts_on, validity_months)


def renewal_window_start(expires_on: date, window_days: int) -> date:
    return expires_on - timedelta(days=window_days)


def renewal_open(expires_on: date, window_days: int, today: date) -> bool:
    """Whether `today` is within the last `window_days` days of the validity ending before `expires_on`."""
    return renewal_window_start(expires_on, window_days) <= today < expires_on


def mean_quality(months: Sequence[PublishedMonth]) -> Fraction | None:
    """Exact mean quality of the last 3 published months that have one; None when none of them has."""
    scores = [m.quality for m in list(months)[-QUALITY_MONTHS:] if m.quality is not None]
    if not scores:
        return None
    return Fraction(sum(scores, Decimal(0))) / len(scores)


def should_suspend(months: Sequence[PublishedMonth], rule: PerformanceRule) -> bool:
    """`months`: the published months after the last decision, oldest first."""
    if any(m.major_complaint for m in months):
        return True
    tail = list(months)[-rule.suspend_after_missed :]
    return len(tail) == rule.suspend_after_missed and all(m.targets_met is False for m in tail)


def should_restore(months: Sequence[PublishedMonth], rule: PerformanceRule) -> bool:
    """`months`: the published months after the suspension, oldest first."""
    tail = list(months)[-rule.restore_after_met :]
    return len(tail) == rule.restore_after_met and all(
        m.targets_met is True and not m.major_complaint for m in tail
    )


def may_renew(
    state: CertificateState,
    *,
    rule: TypeRule,
    months: Sequence[PublishedMonth],
    quiz_passed_on: date | None,
) -> bool:
    """Renewal's conditions apart from the day: valid, recertification quiz passed in the window, quality."""
    if state.status != VALID or not rule.has_recertification_quiz or quiz_passed_on is None:
        return False
    if (
        not renewal_window_start(state.expires_on, rule.renewal_window_days)
        <= quiz_passed_on
        < state.expires_on
    ):
        return False
    if rule.performance is None:
        return True
    quality = mean_quality(months)
    return quality is not None and quality >= rule.performance.min_quality


def review_step(
    state: CertificateState,
    *,
    today: date,
    rule: TypeRule,
    months: Sequence[PublishedMonth],
    quiz_passed_on: date | None = None,
) -> Change | None:
    """The one change the rules make to `state` on `today`, or None. `months`: every published month of the
    holder up to `today`, oldest first."""
    if state.status == EXPIRED:
        return None
    renewable = may_renew(state, rule=rule, months=months, quiz_passed_on=quiz_passed_on)
    if today >= state.expires_on:
        renewed_until = expiry_date(state.expires_on, rule.validity_months)
        if renewable and renewed_until > today:
            return Change(RENEW, replace(state, expires_on=renewed_until), period_start=state.expires_on)
        return Change(EXPIRE, replace(state, status=EXPIRED))
    if rule.performance is not None:
        recent = [m for m in months if state.status_month is None or m.month > state.status_month]
        if recent:
            latest = recent[-1].month
            if state.status == VALID and should_suspend(recent, rule.performance):
                return Change(SUSPEND, replace(state, status=SUSPENDED, status_month=latest))
            if state.status == SUSPENDED and should_restore(recent, rule.performance):
                return Change(RESTORE, replace(state, status=VALID, status_month=latest))
    if renewable and renewal_open(state.expires_on, rule.renewal_window_days, today):
        renewed_until = expiry_date(state.expires_on, rule.validity_months)
        return Change(RENEW, replace(state, expires_on=renewed_until), period_start=state.expires_on)
    return None


def review_certificate(
    state: CertificateState,
    *,
    today: date,
    rule: TypeRule,
    months: Sequence[PublishedMonth],
    quiz_passed_on: date | None = None,
) -> list[Change]:
    """Every change the rules make on `today`, in order, until none applies: running the review again on the
    same day then changes nothing."""
    changes = []
    for _step in range(len(ACTIONS) * 2):
        change = review_step(state, today=today, rule=rule, months=months, quiz_passed_on=quiz_passed_on)
        if change is None:
            break
        changes.append(change)
        state = change.state
    return changes


def address_network(address: str) -> str:
    """A client address as the verification log keeps it: IPv4 cut to its /24, IPv6 to its /48; anything else
    (no address, a proxy's garbage) as an empty string."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))
