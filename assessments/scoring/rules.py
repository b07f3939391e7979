"""Monthly performance score rules: pure functions, no ORM, no request, no clock.

The policy is ``shared/domain.md`` (Assessment and performance scores), made exact. Arithmetic follows
``shared/conventions.md``: inputs are ``Decimal``; KPI points, component means and composites are exact fractions
(``Fraction``: a mean of three scores or a band spanning 1.5 points has no finite decimal, and a 28-digit
``Decimal`` approximation would round some x.xx5 composites down), and only the composite is rounded (half-up,
2 places) inside these rules. Components are returned unrounded; callers round them with :func:`round2` for
display or storage.

:class:`IntegerPolicy` and :func:`score_ratios` compute the same exact results with whole numbers only, several
times faster, for scoring a whole month at once (:func:`score_staff_month_fast`, :func:`score_in_hundredths`).

Every policy value comes in as an argument (a :class:`ScoringPolicy`); :data:`DEFAULT_POLICY` holds the domain
defaults that the default policy version is created from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

ZERO = Decimal(0)
TARGET_POINTS = Decimal(80)
MAX_POINTS = Decimal(100)
_CENTS = Decimal("0.01")

# The four KPIs, in the order they are shown; each code is also the ScoringPolicy and KpiValues attribute name.
KPI_CODES = ("timeliness", "resolution", "satisfaction", "complaint")
KPI_LABELS = {
    "timeliness": ("Response timeliness rate", "响应及时率"),
    "resolution": ("Resolution rate", "问题解决率"),
    "satisfaction": ("Customer satisfaction", "客户满意度"),
    "complaint": ("Complaint rate", "投诉率"),
}


def round2(value: Decimal | Fraction | int) -> Decimal:
    """Return ``value`` rounded half-up to 2 decimal places (``Decimal("84.995")`` → ``Decimal("85.00")``).

    The one rounding the conventions allow: for what is shown, stored for display or ranked on. Exact for a
    ``Fraction`` too (``Fraction(16999, 200)`` → ``Decimal("85.00")``).
    """
    if isinstance(value, Decimal):
        return value.quantize(_CENTS, rounding=ROUND_HALF_UP)
    return hundredths_decimal(divide_half_up(value.numerator * 100, value.denominator))


def divide_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-up (halves away from zero) to a whole number; denominator > 0."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def hundredths_decimal(hundredths: int) -> Decimal:
    """A whole number of hundredths as a 2-place ``Decimal`` (``8500`` → ``Decimal("85.00")``)."""
    return Decimal(hundredths).scaleb(-2)


@dataclass(frozen=True)
class KpiBand:
    """One KPI's policy: ``floor`` earns 0 points, ``target`` 80 and ``excellence`` 100 (values in percent).

    Higher is better when ``floor < target < excellence``; lower is better when ``floor > target > excellence``
    (complaint rate). Any other ordering is refused, since the points would be undefined.
    """

    floor: Decimal
    target: Decimal
    excellence: Decimal

    def __post_init__(self) -> None:
        ascending = self.floor < self.target < self.excellence
        descending = self.floor > self.target > self.excellence
        if not (ascending or descending):
            raise ValueError(
                "a KPI band needs floor, target and excellence strictly increasing (higher is better) "
                f"or strictly decreasing (lower is better); got {self.floor} / {self.target} / {self.excellence}"
            )

    @property
    def lower_is_better(self) -> bool:
        return self.floor > self.target


@dataclass(frozen=True)
class ScoringPolicy:
    """One version of the monthly scoring policy.

    Weights are relative (they need not sum to 100: the composite divides by the weights of the components
    present). Each weight is ≥ 0 and at least one is positive.
    """

    timeliness: KpiBand
    resolution: KpiBand
    satisfaction: KpiBand
    complaint: KpiBand
    weight_kpi: Decimal
    weight_quality: Decimal
    weight_learning: Decimal
    required_hours: Decimal
    min_contacts: int
    winners: int

    def __post_init__(self) -> None:
        weights = (self.weight_kpi, self.weight_quality, self.weight_learning)
        if any(w < 0 for w in weights) or sum(weights, ZERO) <= 0:
            raise ValueError(f"weights must be ≥ 0 with a positive total; got {'/'.join(map(str, weights))}")
        if self.required_hours < 0:
            raise ValueError(f"required hours must be ≥ 0; got {self.required_hours}")
        if self.min_contacts < 0:
            raise ValueError(f"minimum contacts must be ≥ 0; got {self.min_contacts}")
        if self.winners < 0:
            raise ValueError(f"the number of winners must be ≥ 0; got {self.winners}")

    def band(self, code: str) -> KpiBand:
        """The band of the KPI named by ``code`` (one of :data:`KPI_CODES`)."""
        if code not in KPI_CODES:
            raise KeyError(code)
        return getattr(self, code)


DEFAULT_POLICY = ScoringPolicy(
    timeliness=KpiBand(floor=Decimal("90"), target=Decimal("98"), excellence=Decimal("99.5")),
    resolution=KpiBand(floor=Decimal("85"), target=Decimal("95"), excellence=Decimal("99")),
    satisfaction=KpiBand(floor=Decimal("75"), target=Decimal("90"), excellence=Decimal("98")),
    complaint=KpiBand(floor=Decimal("2.0"), target=Decimal("0.5"), excellence=Decimal("0.1")),
    weight_kpi=Decimal("50"),
    weight_quality=Decimal("30"),
    weight_learning=Decimal("20"),
    required_hours=Decimal("4"),
    min_contacts=100,
    winners=10,
)


@dataclass(frozen=True)
class KpiValues:
    """One staff member's imported KPI row for a month; rates in percent (0–100)."""

    contacts_handled: int
    timeliness: Decimal
    resolution: Decimal
    satisfaction: Decimal
    complaint: Decimal
    major_complaints: int

    def value(self, code: str) -> Decimal:
        """The rate of the KPI named by ``code`` (one of :data:`KPI_CODES`)."""
        if code not in KPI_CODES:
            raise KeyError(code)
        return getattr(self, code)


def kpi_meets_target(value: Decimal, band: KpiBand) -> bool:
    """Whether ``value`` meets the band's target; a value exactly at the target meets it."""
    return value <= band.target if band.lower_is_better else value >= band.target


def kpi_points(value: Decimal, band: KpiBand) -> Fraction:
    """Exact points (0–100) for ``value``: linear floor → target (0 → 80) and target → excellence (80 → 100).

    Beyond excellence gives 100 and beyond the floor gives 0. The same formulas serve lower-is-better bands
    because both differences change sign together.
    """
    target_points, max_points = int(TARGET_POINTS), int(MAX_POINTS)
    if kpi_meets_target(value, band):
        span = max_points - target_points
        points = target_points + span * Fraction(value - band.target) / Fraction(
            band.excellence - band.target
        )
    else:
        points = target_points * Fraction(value - band.floor) / Fraction(band.target - band.floor)
    return min(max(points, Fraction(0)), Fraction(max_points))


def kpi_component(kpis: KpiValues | None, policy: ScoringPolicy) -> Fraction | None:
    """The KPI component: the exact mean of the four KPIs' points; ``None`` when the month has no KPI row."""
    if kpis is None:
        return None
    total = sum((kpi_points(kpis.value(code), policy.band(code)) for code in KPI_CODES), Fraction(0))
    return total / len(KPI_CODES)


def quality_component(scores: Sequence[Decimal]) -> Fraction | None:
    """The quality component: the exact mean of the month's QA evaluation scores; ``None`` when there are none."""
    if not scores:
        return None
    return Fraction(sum(scores, ZERO)) / len(scores)


def learning_component(
    in_service_hours: Decimal, results: Sequence[Decimal], policy: ScoringPolicy
) -> Fraction | None:
    """The learning component, by the policy's rules applied in order.

    (a) credited in-service hours of the month below ``policy.required_hours`` → ``0``, present even with no
    results; (b) otherwise the exact mean of the month's in-service assessment results; (c) otherwise
    ``None`` (absent). The caller passes only in-service hours and results dated in the month: onboarding and
    leadership records never count here.
    """
    if in_service_hours < policy.required_hours:
        return Fraction(0)
    if results:
        return Fraction(sum(results, ZERO)) / len(results)
    return None


@dataclass(frozen=True)
class MonthlyScore:
    """A staff member's score for a month.

    ``kpi``, ``quality`` and ``learning`` are unrounded, exact (``None`` when absent); ``composite`` is rounded
    half-up to 2 places and is ``None`` when there is no score. ``partial`` is true when any component is absent.
    """

    kpi: Fraction | Decimal | None
    quality: Fraction | Decimal | None
    learning: Fraction | Decimal | None
    composite: Decimal | None
    partial: bool

    @property
    def has_score(self) -> bool:
        return self.composite is not None


def composite_score(
    kpi: Fraction | Decimal | None,
    quality: Fraction | Decimal | None,
    learning: Fraction | Decimal | None,
    policy: ScoringPolicy,
) -> MonthlyScore:
    """Combine the unrounded components into a :class:`MonthlyScore`.

    The composite is the weighted mean of the present components, the weights rescaled over them, computed
    exactly from the unrounded components and rounded once. With every component absent there is no score
    (``composite`` is ``None``); the same holds when every present component has weight 0, as nothing weighted
    is left.
    """
    weighted = [
        (component, weight)
        for component, weight in (
            (kpi, policy.weight_kpi),
            (quality, policy.weight_quality),
            (learning, policy.weight_learning),
        )
        if component is not None
    ]
    total_weight = sum((weight for _, weight in weighted), ZERO)
    composite = None
    if total_weight > 0:
        weighted_sum = sum((Fraction(c) * Fraction(w) for c, w in weighted), Fraction(0))
        composite = round2(weighted_sum / Fraction(total_weight))
    return MonthlyScore(
        kpi=kpi, quality=quality, learning=learning, composite=composite, partial=len(weighted) < 3
    )


def score_staff_month(
    *,
    kpis: KpiValues | None,
    quality_scores: Sequence[Decimal],
    in_service_hours: Decimal,
    learning_results: Sequence[Decimal],
    policy: ScoringPolicy,
) -> MonthlyScore:
    """Score one staff member for one month from that month's inputs.

    ``kpis`` is the month's KPI row (``None`` if none); ``quality_scores`` the QA evaluation scores dated in the
    month; ``in_service_hours`` the credited in-service training hours dated in the month; ``learning_results``
    the in-service assessment results of the month. Returns a :class:`MonthlyScore` whose ``composite`` is
    ``None`` when there is no score.
    """
    return composite_score(
        kpi_component(kpis, policy),
        quality_component(quality_scores),
        learning_component(in_service_hours, learning_results, policy),
        policy,
    )


class IntegerBand(NamedTuple):
    """A :class:`KpiBand` in hundredths of a percent, with its two slopes as whole-number factors."""

    lower_is_better: bool
    floor: int
    target: int
    above_factor: int  # points_scale / (excellence − target): negative when lower is better
    below_factor: int  # points_scale / (target − floor)


@dataclass(frozen=True)
class IntegerPolicy:
    """A :class:`ScoringPolicy` in whole numbers, to score a whole month fast with the rules' exact results.

    Percentages, hours and weights carry 2 decimals, so in hundredths they are whole numbers. KPI points
    times ``points_scale`` (a common multiple of every band's two spans, in hundredths) are whole numbers too,
    so every mean and the composite is a ratio of whole numbers, rounded once (:func:`score_in_hundredths`).
    """

    bands: tuple[IntegerBand, ...]  # in KPI_CODES order
    points_scale: int
    weight_kpi: int
    weight_quality: int
    weight_learning: int
    required_hours: int

    @classmethod
    def of(cls, policy: ScoringPolicy) -> IntegerPolicy:
        spans = []
        for code in KPI_CODES:
            band = policy.band(code)
            spans += [_hundredths(band.excellence - band.target), _hundredths(band.target - band.floor)]
        scale = math.lcm(*(abs(span) for span in spans))
        bands = []
        for index, code in enumerate(KPI_CODES):
            band = policy.band(code)
            above, below = spans[2 * index], spans[2 * index + 1]
            bands.append(
                IntegerBand(
                    lower_is_better=band.lower_is_better,
                    floor=_hundredths(band.floor),
                    target=_hundredths(band.target),
                    above_factor=scale // above,
                    below_factor=scale // below,
                )
            )
        return cls(
            bands=tuple(bands),
            points_scale=scale,
            weight_kpi=_hundredths(policy.weight_kpi),
            weight_quality=_hundredths(policy.weight_quality),
            weight_learning=_hundredths(policy.weight_learning),
            required_hours=_hundredths(policy.required_hours),
        )


def to_hundredths(value: Decimal) -> int:
    """A stored score (at most 2 decimals) in whole hundredths."""
    return _hundredths(value)


def _hundredths(value: Decimal) -> int:
    """``value`` (at most 2 decimals, as every stored percentage, hour and weight) in whole hundredths."""
    hundredths = value.scaleb(2)
    if hundredths != hundredths.to_integral_value():
        raise ValueError(f"{value} has more than 2 decimals")
    return int(hundredths)


Ratio = tuple[int, int]  # an exact value as (numerator, denominator), denominator > 0


def score_ratios(
    policy: IntegerPolicy,
    kpis: Sequence[int] | None,
    quality_total: int,
    quality_count: int,
    in_service_hours: int,
    results_total: int,
    results_count: int,
) -> tuple[Ratio | None, Ratio | None, Ratio | None, int | None, bool]:
    """:func:`score_staff_month` from whole-number totals: the same exact results, several times faster.

    Inputs in hundredths: ``kpis`` the four rates in :data:`KPI_CODES` order (``None`` without a KPI row),
    the sum and number of the month's QA evaluation scores, the credited in-service hours, the sum and number
    of the in-service assessment results. Returns ``(kpi, quality, learning, composite, partial)``: the
    unrounded components in points as ratios (``None`` when absent), the composite rounded half-up to
    hundredths (``None`` when there is no score) and whether a component is absent.
    """
    scale = policy.points_scale
    kpi = quality = learning = None
    if kpis is not None:
        total = 0
        for band, value in zip(policy.bands, kpis, strict=True):
            # Unpacked once: faster than reading attributes, and this runs four times per person.
            lower_is_better, floor, target, above_factor, below_factor = band
            if (value <= target) if lower_is_better else (value >= target):
                points = 80 * scale + 20 * (value - target) * above_factor
            else:
                points = 80 * (value - floor) * below_factor
            total += 0 if points < 0 else min(points, 100 * scale)
        kpi = (total, 4 * scale)
    if quality_count:
        quality = (quality_total, 100 * quality_count)
    if in_service_hours < policy.required_hours:
        learning = (0, 1)
    elif results_count:
        learning = (results_total, 100 * results_count)
    # The weighted mean as one ratio of whole numbers, rounded once.
    numerator, denominator, total_weight, present = 0, 1, 0, 0
    for ratio, weight in (
        (kpi, policy.weight_kpi),
        (quality, policy.weight_quality),
        (learning, policy.weight_learning),
    ):
        if ratio is not None:
            numerator = numerator * ratio[1] + weight * ratio[0] * denominator
            denominator *= ratio[1]
            total_weight += weight
            present += 1
    composite = divide_half_up(100 * numerator, denominator * total_weight) if total_weight > 0 else None
    return kpi, quality, learning, composite, present < 3


def score_in_hundredths(
    policy: IntegerPolicy,
    kpis: Sequence[int] | None,
    quality_total: int,
    quality_count: int,
    in_service_hours: int,
    results_total: int,
    results_count: int,
) -> tuple[int | None, int | None, int | None, int | None, bool]:
    """:func:`score_ratios` with the components rounded half-up to hundredths too, as they are stored."""
    kpi, quality, learning, composite, partial = score_ratios(
        policy, kpis, quality_total, quality_count, in_service_hours, results_total, results_count
    )
    return (
        None if kpi is None else divide_half_up(100 * kpi[0], kpi[1]),
        None if quality is None else divide_half_up(100 * quality[0], quality[1]),
        None if learning is None else divide_half_up(100 * learning[0], learning[1]),
        composite,
        partial,
    )


def month_in_hundredths(policy: IntegerPolicy, totals) -> list[tuple]:
    """:func:`score_in_hundredths` of many people at once, the same results several times faster.

    ``totals`` are rows ``(key, kpis, quality_total, quality_count, in_service_hours, results_total,
    results_count)`` (the arguments of :func:`score_in_hundredths` after a key such as the staff id); returns
    ``(key, kpi, quality, learning, composite, partial, in_service_hours)`` for each, in order. Each band's
    points are worked out once per distinct rate (a month's rates repeat: at most 10,001 values each), and the
    composite is the same exact ratio as :func:`score_ratios` builds, rounded once.
    """
    scale = policy.points_scale
    kpi_denominator = 4 * scale
    weight_kpi, weight_quality, weight_learning = (
        policy.weight_kpi,
        policy.weight_quality,
        policy.weight_learning,
    )
    required = policy.required_hours
    top = 100 * scale
    known = [{} for _ in policy.bands]

    def points(index: int, value: int) -> int:
        lower_is_better, floor, target, above_factor, below_factor = policy.bands[index]
        if (value <= target) if lower_is_better else (value >= target):
            found = 80 * scale + 20 * (value - target) * above_factor
        else:
            found = 80 * (value - floor) * below_factor
        found = 0 if found < 0 else min(found, top)
        known[index][value] = found
        return found

    first, second, third, fourth = known
    out = []
    append = out.append
    for key, kpis, quality_total, quality_count, hours, results_total, results_count in totals:
        # The weighted mean as numerator / denominator over the present components, as score_ratios adds them.
        numerator, denominator, total_weight, present = 0, 1, 0, 0
        kpi = quality = learning = None
        if kpis is not None:
            a, b, c, d = kpis
            total = (
                (first[a] if a in first else points(0, a))
                + (second[b] if b in second else points(1, b))
                + (third[c] if c in third else points(2, c))
                + (fourth[d] if d in fourth else points(3, d))
            )
            kpi = divide_half_up(100 * total, kpi_denominator)
            numerator, denominator = weight_kpi * total, kpi_denominator
            total_weight, present = weight_kpi, 1
        if quality_count:
            quality = divide_half_up(quality_total, quality_count)
            part = 100 * quality_count
            numerator = numerator * part + weight_quality * quality_total * denominator
            denominator *= part
            total_weight += weight_quality
            present += 1
        if hours < required:
            learning = 0
            total_weight += weight_learning
            present += 1
        elif results_count:
            learning = divide_half_up(results_total, results_count)
            part = 100 * results_count
            numerator = numerator * part + weight_learning * results_total * denominator
            denominator *= part
            total_weight += weight_learning
            present += 1
        composite = divide_half_up(100 * numerator, denominator * total_weight) if total_weight > 0 else None
        append((key, kpi, quality, learning, composite, present < 3, hours))
    return out


def score_staff_month_fast(
    *,
    kpis: KpiValues | None,
    quality_scores: Sequence[Decimal],
    in_service_hours: Decimal,
    learning_results: Sequence[Decimal],
    policy: IntegerPolicy,
) -> MonthlyScore:
    """:func:`score_staff_month` for inputs as stored (at most 2 decimals), with the policy made whole once."""
    kpi, quality, learning, composite, partial = score_ratios(
        policy,
        None if kpis is None else [_hundredths(kpis.value(code)) for code in KPI_CODES],
        _hundredths(sum(quality_scores, ZERO)),
        len(quality_scores),
        _hundredths(in_service_hours),
        _hundredths(sum(learning_results, ZERO)),
        len(learning_results),
    )
    return MonthlyScore(
        kpi=_ratio_fraction(kpi),
        quality=_ratio_fraction(quality),
        learning=_ratio_fraction(learning),
        composite=None if composite is None else hundredths_decimal(composite),
        partial=partial,
    )


def _ratio_fraction(ratio: Ratio | None) -> Fraction | None:
    return None if ratio is None else Fraction(*ratio)


def _ratio_hundredths(ratio: Ratio | None) -> int | None:
    return None if ratio is None else divide_half_up(100 * ratio[0], ratio[1])


def kpi_explanation(kpis: KpiValues | None, policy: ScoringPolicy) -> list[dict]:
    """Explain each KPI of the month for the "explained score" page; ``[]`` when there is no KPI row.

    One dict per KPI in :data:`KPI_CODES` order with keys ``code``, ``label``, ``label_zh``, ``value``,
    ``floor``, ``target``, ``excellence``, ``lower_is_better``, ``points`` (unrounded: round for display),
    ``meets_target``, ``needed_for_target`` (the target value a missed KPI needed — at most it when lower is
    better, at least it otherwise — or ``None`` when met) and ``gap_to_target`` (how far the value was from the
    target, 0 when met).
    """
    if kpis is None:
        return []
    rows = []
    for code in KPI_CODES:
        band = policy.band(code)
        value = kpis.value(code)
        meets = kpi_meets_target(value, band)
        label, label_zh = KPI_LABELS[code]
        rows.append(
            {
                "code": code,
                "label": label,
                "label_zh": label_zh,
                "value": value,
                "floor": band.floor,
                "target": band.target,
                "excellence": band.excellence,
                "lower_is_better": band.lower_is_better,
                "points": kpi_points(value, band),
                "meets_target": meets,
                "needed_for_target": None if meets else band.target,
                "gap_to_target": ZERO if meets else abs(value - band.target),
            }
        )
    return rows


def score_explanation(
    *,
    kpis: KpiValues | None,
    quality_scores: Sequence[Decimal],
    in_service_hours: Decimal,
    learning_results: Sequence[Decimal],
    policy: ScoringPolicy,
) -> dict:
    """Everything the "explained score" page shows, from the same inputs as :func:`score_staff_month`.

    Keys: ``score`` (the :class:`MonthlyScore`), ``kpis`` (:func:`kpi_explanation`), ``quality_count``,
    ``in_service_hours``, ``required_hours``, ``hours_short`` (hours still needed, 0 when enough),
    ``learning_rule`` (``"hours_short"``: learning counts 0; ``"results"``: mean of ``results_count`` results;
    ``"no_results"``: enough hours but no result, so absent), ``shares`` (each present component's weight as
    a percentage of the present weights, unrounded; absent components are missing from it).
    """
    score = score_staff_month(
        kpis=kpis,
        quality_scores=quality_scores,
        in_service_hours=in_service_hours,
        learning_results=learning_results,
        policy=policy,
    )
    if in_service_hours < policy.required_hours:
        learning_rule = "hours_short"
    elif learning_results:
        learning_rule = "results"
    else:
        learning_rule = "no_results"
    present = {
        name: weight
        for name, component, weight in (
            ("kpi", score.kpi, policy.weight_kpi),
            ("quality", score.quality, policy.weight_quality),
            ("learning", score.learning, policy.weight_learning),
        )
        if component is not None
    }
    total = sum(present.values(), ZERO)
    return {
        "score": score,
        "kpis": kpi_explanation(kpis, policy),
        "quality_count": len(quality_scores),
        "in_service_hours": in_service_hours,
        "required_hours": policy.required_hours,
        "hours_short": max(policy.required_hours - in_service_hours, ZERO),
        "learning_rule": learning_rule,
        "results_count": len(learning_results),
        "shares": {name: weight * 100 / total for name, weight in present.items()} if total > 0 else {},
    }


def missed_targets(kpis: KpiValues | None, policy: ScoringPolicy) -> list[str]:
    """Codes of the KPIs whose target ``kpis`` missed, in :data:`KPI_CODES` order (``[]`` without a KPI row)."""
    if kpis is None:
        return []
    return [code for code in KPI_CODES if not kpi_meets_target(kpis.value(code), policy.band(code))]


def remedial_module_done(*, required_lessons, studied_at: dict, assigned_at) -> bool:
    """Whether a remedial module assigned at `assigned_at` is done: each of its required lessons was studied
    (completed, or reviewed again) at or after that moment. `studied_at` maps a lesson to the latest moment the
    person completed or reviewed it; a completion from before the assignment does not count."""
    return all(lesson in studied_at and studied_at[lesson] >= assigned_at for lesson in required_lessons)


def score_histogram(scores: Sequence[Decimal], width: int = 10) -> list[int]:
    """How many scores fall in each band [0, w), [w, 2w) … with 100 counted in the last band."""
    bands = 100 // width
    counts = [0] * bands
    for value in scores:
        index = min(int(value // width), bands - 1)
        counts[max(index, 0)] += 1
    return counts
