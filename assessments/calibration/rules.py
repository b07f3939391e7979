"""Calibration and grade-the-grader as plain functions: deviations from the reference, an evaluator's accuracy
over a month, the trend across months, the agreement rate of reviews, and due dates. No ORM, no clock.

Scores are criterion percents (0–100). Arithmetic is exact (`Decimal`) and unrounded; only what is shown is
rounded, half-up, to 2 places (`shown`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

_CENTS = Decimal("0.01")
HUNDRED = Decimal(100)


def shown(value: Decimal | None) -> Decimal | None:
    """A figure as the portal shows it: half-up to 2 places."""
    return None if value is None else value.quantize(_CENTS, rounding=ROUND_HALF_UP)


def deviations(scores: Mapping[Hashable, Decimal], reference: Mapping[Hashable, Decimal]) -> dict:
    """Per criterion of the reference, the evaluator's score minus the reference (signed: positive means the
    evaluator scored higher). A criterion the evaluator did not score is left out."""
    return {key: scores[key] - ref for key, ref in reference.items() if key in scores}


def within_tolerance(deviation: Decimal, tolerance: Decimal) -> bool:
    """A criterion is within tolerance when the evaluator is at most `tolerance` points from the reference."""
    return abs(deviation) <= tolerance


@dataclass(frozen=True)
class Accuracy:
    sessions: int  # sessions joined: scored, and the reference set
    criteria: int  # criteria compared with a reference
    mean_abs_deviation: Decimal | None  # unrounded; None without a criterion
    within_share: Decimal | None  # percent of criteria within tolerance, unrounded
    flagged: bool  # the mean absolute deviation exceeds the tolerance


def evaluator_accuracy(sessions: Sequence[Mapping[Hashable, Decimal]], tolerance: Decimal) -> Accuracy:
    """An evaluator's accuracy over the sessions they joined (each a mapping of criterion → signed deviation).

    Every criterion of every session weighs the same: the mean absolute deviation is Σ|d| / n over all of them,
    and the share within tolerance is the percent of them with |d| ≤ tolerance. An evaluator is flagged when
    the mean absolute deviation exceeds the tolerance.
    """
    values = [d for session in sessions for d in session.values()]
    if not values:
        return Accuracy(len(sessions), 0, None, None, False)
    mad = sum((abs(d) for d in values), Decimal(0)) / len(values)
    within = sum(1 for d in values if within_tolerance(d, tolerance))
    return Accuracy(
        sessions=len(sessions),
        criteria=len(values),
        mean_abs_deviation=mad,
        within_share=HUNDRED * within / len(values),
        flagged=mad > tolerance,
    )


BETTER, WORSE, STEADY = "better", "worse", "steady"


def trend(mads: Sequence[Decimal | None]) -> str:
    """The direction of an evaluator's mean absolute deviation, oldest month first: the latest month with data
    against the one before it with data, compared as shown (2 places). Lower is better; "" without two months."""
    known = [shown(m) for m in mads if m is not None]
    if len(known) < 2:
        return ""
    previous, latest = known[-2], known[-1]
    if latest < previous:
        return BETTER
    if latest > previous:
        return WORSE
    return STEADY


def agreement_rate(verdicts: Sequence[bool]) -> Decimal | None:
    """The percent of reviewed criteria the QA lead agreed with (unrounded); None when nothing was reviewed."""
    if not verdicts:
        return None
    return HUNDRED * sum(1 for agreed in verdicts if agreed) / len(verdicts)


def review_due_on(drawn_on: date, review_days: int) -> date:
    """A sampled evaluation is due for review `review_days` calendar days after the day it was drawn."""
    return drawn_on + timedelta(days=review_days)


def is_overdue(due_on: date | None, today: date) -> bool:
    """Overdue once the due day has passed (work due today is not overdue yet)."""
    return due_on is not None and today > due_on
