"""The leadership course's effect, as plain arithmetic: a department's and its teams' monthly results in the three
months before a manager completed the course and the three months after.

A before/after comparison, not proof that the course caused any change: staffing, seasons, products and policy
changes move the same numbers. The month of completion belongs to neither side.

No ORM, no clock: months and figures come in as arguments. Means are exact `Decimal`s; only what is shown is
rounded (half-up, 2 places), once.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assessments.scoring.rules import KPI_CODES, round2
from portal.months import add_months, first_of_month

WINDOW_MONTHS = 3
MEASURES = ("kpi_attainment", "quality", "composite")


def effect_months(completed_on: date) -> tuple[list[date], date, list[date]]:
    """The three months before the month of `completed_on`, that month, and the three months after it."""
    month = first_of_month(completed_on)
    before = [add_months(month, offset) for offset in range(-WINDOW_MONTHS, 0)]
    after = [add_months(month, offset) for offset in range(1, WINDOW_MONTHS + 1)]
    return before, month, after


def mean_of_hundredths(cents: int, count: int) -> Decimal | None:
    """The mean of `count` values summing to `cents` hundredths; None without values."""
    return Decimal(cents) / 100 / count if count else None


def kpi_attainment(met: int, people: int) -> Decimal | None:
    """The share (percent, 0–100) of KPI targets met: each person with a KPI row has one target per KPI."""
    possible = people * len(KPI_CODES)
    return Decimal(met) * 100 / possible if possible else None


def month_measures(figures) -> dict[str, Decimal | None]:
    """A group's three measures of one month from its exact inputs (`GroupMonthFigures`, or None: no data)."""
    if figures is None:
        return dict.fromkeys(MEASURES)
    return {
        "kpi_attainment": kpi_attainment(figures.kpi_met, figures.kpi_people),
        "quality": mean_of_hundredths(figures.quality_cents, figures.quality_count),
        "composite": mean_of_hundredths(figures.composite_cents, figures.composite_count),
    }


def period_mean(values) -> Decimal | None:
    """The mean of the months that have a value (a month without data is left out, not counted as 0)."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) / len(present) if present else None


@dataclass(frozen=True)
class MeasureComparison:
    """One measure of one group: its monthly values on each side, their means and the change (after − before).

    Values are unrounded; `shown()` gives what a page or export prints.
    """

    before: list[Decimal | None]
    course_month: Decimal | None
    after: list[Decimal | None]

    @property
    def before_mean(self) -> Decimal | None:
        return period_mean(self.before)

    @property
    def after_mean(self) -> Decimal | None:
        return period_mean(self.after)

    @property
    def change(self) -> Decimal | None:
        if self.before_mean is None or self.after_mean is None:
            return None
        return self.after_mean - self.before_mean

    @property
    def months_before(self) -> int:
        return sum(v is not None for v in self.before)

    @property
    def months_after(self) -> int:
        return sum(v is not None for v in self.after)

    def shown(self) -> dict:
        def r(value):
            return None if value is None else round2(value)

        return {
            "before": [r(v) for v in self.before],
            "course_month": r(self.course_month),
            "after": [r(v) for v in self.after],
            "before_mean": r(self.before_mean),
            "after_mean": r(self.after_mean),
            "change": r(self.change),
            "months_before": self.months_before,
            "months_after": self.months_after,
        }


def compare(figures_by_month: dict, completed_on: date) -> dict[str, MeasureComparison]:
    """Each measure of a group before and after `completed_on`, from its exact inputs by month."""
    before, month, after = effect_months(completed_on)
    by_month = {m: month_measures(figures_by_month.get(m)) for m in [*before, month, *after]}
    return {
        measure: MeasureComparison(
            before=[by_month[m][measure] for m in before],
            course_month=by_month[month][measure],
            after=[by_month[m][measure] for m in after],
        )
        for measure in MEASURES
    }
