"""Incentive rules: Service Star eligibility and ranking, suggestion value scores and award sizing.

Pure functions: no ORM, no request, no clock; the month and every policy value come in as arguments. The policy
is ``shared/domain.md`` (Incentives), made exact; arithmetic follows ``shared/conventions.md``.
Imports point one way: this module uses ``assessments.scoring.rules`` and is never imported by it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assessments.scoring.rules import (
    KPI_CODES,
    KpiValues,
    MonthlyScore,
    ScoringPolicy,
    kpi_meets_target,
    round2,
)
from portal.months import first_of_month

# Every code a staff member may be ineligible for, in the order reasons are listed.
REASON_CODES = (
    "onboarding_incomplete",
    "training_hours_short",
    "no_kpi_data",
    "kpi_target_missed",
    "too_few_contacts",
    "major_complaint",
    "excluded_by_hr",
)


@dataclass(frozen=True)
class Candidate:
    """A staff member considered for the month's Service Stars, with that month's inputs.

    ``in_service_hours`` are the credited in-service hours dated in the month; ``kpis`` the month's KPI row
    (``None`` if none); ``score`` the month's :class:`MonthlyScore` (``None`` or without a composite when there
    is no score); ``excluded`` whether HR excluded them with a written reason.
    """

    staff_id: int
    employee_no: str
    name: str
    onboarded_on: date | None
    in_service_hours: Decimal
    kpis: KpiValues | None
    score: MonthlyScore | None
    excluded: bool = False

    @property
    def composite(self) -> Decimal | None:
        return self.score.composite if self.score is not None else None


def eligibility_reasons(candidate: Candidate, *, month: date, policy: ScoringPolicy) -> list[str]:
    """Every reason ``candidate`` is not eligible for ``month``'s Service Stars, in :data:`REASON_CODES` order.

    An empty list means eligible. ``month`` is any day of the month (normalised to its first day).

    - ``onboarding_incomplete``: no onboarding date, or one after the last day of the month before ``month``.
    - ``training_hours_short``: in-service hours below ``policy.required_hours``.
    - ``no_kpi_data``: no KPI row; then none of the other KPI-based codes (target, contacts, major complaint).
    - ``kpi_target_missed``: any of the four KPIs misses its target (a value exactly at the target meets it).
    - ``too_few_contacts``: contacts handled below ``policy.min_contacts``.
    - ``major_complaint``: one or more upheld major complaints.
    - ``excluded_by_hr``: HR excluded the candidate.

    A staff member with no score at all is ineligible with the codes that apply. A KPI row always yields a KPI
    component and hence a score, so no score implies no KPI row and ``no_kpi_data`` covers it; a candidate with a
    KPI row but no score is inconsistent input and raises ``ValueError``.
    """
    reasons = []
    if candidate.onboarded_on is None or candidate.onboarded_on >= first_of_month(month):
        reasons.append("onboarding_incomplete")
    if candidate.in_service_hours < policy.required_hours:
        reasons.append("training_hours_short")
    kpis = candidate.kpis
    if kpis is None:
        reasons.append("no_kpi_data")
    else:
        if candidate.composite is None:
            raise ValueError(
                f"candidate {candidate.employee_no} has a KPI row but no score: score the month before ranking"
            )
        if not all(kpi_meets_target(kpis.value(code), policy.band(code)) for code in KPI_CODES):
            reasons.append("kpi_target_missed")
        if kpis.contacts_handled < policy.min_contacts:
            reasons.append("too_few_contacts")
        if kpis.major_complaints > 0:
            reasons.append("major_complaint")
    if candidate.excluded:
        reasons.append("excluded_by_hr")
    return reasons


def ranking_key(candidate: Candidate) -> tuple:
    """Sort key, best first: rounded composite desc, then satisfaction desc, complaint rate asc, resolution desc,
    timeliness desc, employee number asc (compared as text, as stored).

    Only for candidates with a KPI row and a score (every eligible one has both); others raise ``ValueError``.
    """
    kpis = candidate.kpis
    composite = candidate.composite
    if kpis is None or composite is None:
        raise ValueError(f"candidate {candidate.employee_no} needs a KPI row and a score to be ranked")
    return (
        -round2(composite),
        -kpis.satisfaction,
        kpis.complaint,
        -kpis.resolution,
        -kpis.timeliness,
        candidate.employee_no,
    )


@dataclass(frozen=True)
class Proposal:
    """A month's proposed Service Stars.

    ``ranked_eligible`` holds every eligible candidate best first and ``winners`` its first ``policy.winners``;
    ``ineligible`` pairs every other candidate with its reasons, by employee number.
    """

    winners: list[Candidate]
    ranked_eligible: list[Candidate]
    ineligible: list[tuple[Candidate, list[str]]]


def rank_service_star_candidates(
    candidates: Sequence[Candidate], *, month: date, policy: ScoringPolicy
) -> Proposal:
    """Propose ``month``'s Service Stars from ``candidates`` (each staff member once).

    With fewer eligible candidates than ``policy.winners``, fewer win: nobody ineligible is ever added. An HR
    exclusion is passed as ``Candidate.excluded``, so the next eligible candidate moves up.
    """
    staff_ids = [c.staff_id for c in candidates]
    if len(set(staff_ids)) != len(staff_ids):
        raise ValueError("each staff member may be a candidate only once per month")
    eligible = []
    ineligible = []
    for candidate in candidates:
        reasons = eligibility_reasons(candidate, month=month, policy=policy)
        if reasons:
            ineligible.append((candidate, reasons))
        else:
            eligible.append(candidate)
    eligible.sort(key=ranking_key)
    ineligible.sort(key=lambda pair: pair[0].employee_no)
    return Proposal(winners=eligible[: policy.winners], ranked_eligible=eligible, ineligible=ineligible)


# Improvement suggestions: the five criteria in the order reviewers score them, with their weights (sum 100).
SUGGESTION_CRITERIA = (
    ("customer_impact", 30),
    ("efficiency", 25),
    ("breadth", 20),
    ("feasibility", 15),
    ("originality", 10),
)
REVIEW_SCORE_MAX = Decimal(5)
MIN_REVIEWS = 2
_HALF = Decimal("0.5")


@dataclass(frozen=True)
class AwardTier:
    """A suggestion-award tier: a value score of at least ``min_score`` (0–100) earns ``amount_yuan``."""

    min_score: Decimal
    amount_yuan: int

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.min_score <= Decimal(100):
            raise ValueError(f"an award tier's minimum score must be within 0–100; got {self.min_score}")
        if self.amount_yuan < 0:
            raise ValueError(f"an award amount must be ≥ 0 yuan; got {self.amount_yuan}")


DEFAULT_AWARD_TIERS = (
    AwardTier(Decimal("85"), 5000),
    AwardTier(Decimal("70"), 3000),
    AwardTier(Decimal("55"), 2000),
    AwardTier(Decimal("40"), 1000),
    AwardTier(Decimal("0"), 500),
)


def validate_reviewer_scores(scores: Sequence[Decimal]) -> None:
    """Check one reviewer's scores: one per criterion of :data:`SUGGESTION_CRITERIA`, in that order, each from
    0 to 5 in steps of 0.5.

    Raises ``ValueError`` naming the criterion at fault (or the expected count), and ``TypeError`` for a value
    that is not a ``Decimal`` or ``int`` (a float would bring binary rounding into money).
    """
    names = [name for name, _ in SUGGESTION_CRITERIA]
    if len(scores) != len(names):
        raise ValueError(f"expected {len(names)} scores ({', '.join(names)}), got {len(scores)}")
    for name, score in zip(names, scores, strict=True):
        if isinstance(score, bool) or not isinstance(score, Decimal | int):
            raise TypeError(f"{name}: a score must be a Decimal, got {type(score).__name__}")
        value = Decimal(score)
        if not value.is_finite() or not Decimal(0) <= value <= REVIEW_SCORE_MAX:
            raise ValueError(f"{name}: score {score} is outside 0–5")
        if value % _HALF != 0:
            raise ValueError(f"{name}: score {score} is not a multiple of 0.5")


def suggestion_value_score(reviews: Sequence[Sequence[Decimal]]) -> Decimal:
    """The value score (0–100) of a suggestion from its reviewers' scores, rounded half-up to 2 places.

    Value = Σ weight × (mean reviewer score ÷ 5) over :data:`SUGGESTION_CRITERIA`. Needs at least two reviews,
    each valid for :func:`validate_reviewer_scores`; raises ``ValueError`` otherwise.
    """
    if len(reviews) < MIN_REVIEWS:
        raise ValueError(f"a value score needs at least {MIN_REVIEWS} reviews, got {len(reviews)}")
    for number, review in enumerate(reviews, start=1):
        try:
            validate_reviewer_scores(review)
        except ValueError as exc:
            raise ValueError(f"review {number}: {exc}") from None
    # Σ weight × Σ scores is exact; dividing once by 5 × reviews leaves a single rounding.
    numerator = sum(
        (weight * sum((Decimal(review[i]) for review in reviews), Decimal(0)))
        for i, (_, weight) in enumerate(SUGGESTION_CRITERIA)
    )
    return round2(numerator / (REVIEW_SCORE_MAX * len(reviews)))


def suggestion_award_amount(value_score: Decimal, tiers: Sequence[AwardTier] = DEFAULT_AWARD_TIERS) -> int:
    """The award in yuan for an adopted suggestion with ``value_score`` (0–100): the highest tier it reaches.

    Tiers apply to the published value score, rounded half-up to 2 places, so 84.995 (published as 85.00)
    earns the ≥ 85 tier. Raises ``ValueError`` for a score outside 0–100 or one below every tier.
    """
    if not Decimal(0) <= value_score <= Decimal(100):
        raise ValueError(f"a value score must be within 0–100; got {value_score}")
    published = round2(value_score)
    for tier in sorted(tiers, key=lambda t: t.min_score, reverse=True):
        if published >= tier.min_score:
            return tier.amount_yuan
    raise ValueError(f"no award tier covers value score {published}; the lowest tier should start at 0")


# --- The month close ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenDispute:
    """A disputed evaluation of the month that feeds a candidate's quality score."""

    employee_no: str
    name: str
    evaluation_id: int
    disputed_on: date


@dataclass(frozen=True)
class LateImport:
    """An import of training records or evaluations committed after the month's scores were last computed."""

    kind: str
    file_name: str
    imported_at: object  # an aware datetime; shown, never compared here


@dataclass(frozen=True)
class CloseFacts:
    """What the close checklist judges, gathered by ``incentives.selectors.month_close_facts``."""

    month: date
    today: date
    kpi_imported: bool
    scored_staff: int
    missing_kpis: tuple[str, ...]  # "employee_no name" of scored staff without a KPI row
    scores_fresh: bool
    open_disputes: tuple[OpenDispute, ...]
    late_imports: tuple[LateImport, ...]


@dataclass(frozen=True)
class CloseItem:
    """One line of the close checklist. A blocking item refuses approval and publication until it is ``ok``; a
    warning that is not ``ok`` needs HR's written acknowledgement, kept with the approval."""

    code: str
    ok: bool
    blocking: bool
    details: tuple = ()


def month_has_ended(month: date, today: date) -> bool:
    """A month ends at midnight after its last day (``today`` is the Asia/Shanghai date)."""
    return today.replace(day=1) > month


def month_close_checklist(facts: CloseFacts) -> list[CloseItem]:
    """The checks before a month's Service Stars are approved or published, in the order HR reads them."""
    return [
        CloseItem("month_ended", month_has_ended(facts.month, facts.today), blocking=True),
        CloseItem("kpis_imported", facts.kpi_imported, blocking=True),
        CloseItem(
            "kpis_complete",
            not facts.missing_kpis,
            blocking=False,
            details=(facts.scored_staff - len(facts.missing_kpis), facts.scored_staff, facts.missing_kpis),
        ),
        CloseItem("scores_fresh", facts.scores_fresh, blocking=True),
        CloseItem("no_open_disputes", not facts.open_disputes, blocking=True, details=facts.open_disputes),
        CloseItem("no_late_imports", not facts.late_imports, blocking=False, details=facts.late_imports),
    ]


def close_blockers(items: Sequence[CloseItem]) -> list[CloseItem]:
    return [item for item in items if item.blocking and not item.ok]


def close_warnings(items: Sequence[CloseItem]) -> list[CloseItem]:
    return [item for item in items if not item.blocking and not item.ok]


def policy_version_in_force(effective_months: Mapping[int, date | None], month: date) -> int:
    """Of policy versions given as ``{version_id: effective month}``, the id of the one in force in ``month``:
    the latest effective on or before its first day, else the default version (effective month ``None``).

    Raises ``ValueError`` when no version applies (no default and none started yet).
    """
    first = first_of_month(month)
    started = [
        (start, vid) for vid, start in effective_months.items() if start is not None and start <= first
    ]
    if started:
        return max(started)[1]
    for vid, start in effective_months.items():
        if start is None:
            return vid
    raise ValueError(f"no policy version is in force in {first:%Y-%m}")


def policy_versions_in_force(
    effective_months: Mapping[int, date | None], months: Iterable[date]
) -> dict[date, int]:
    """For each of ``months`` (first days), the id of the version in force: see :func:`policy_version_in_force`."""
    return {month: policy_version_in_force(effective_months, month) for month in months}
