"""Reads of learning records that other apps use: set-based, one query per concern."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from courses.models import LearningResult, LessonCompletion, TrainingRecord


def month_bounds(month: date) -> tuple[date, date]:
    """First day of `month` and first day of the next month (half-open range)."""
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following


def credited_hours_by_staff(*, month: date, category: str, staff_ids=None) -> dict[int, Decimal]:
    """Hours credited in `month` per staff id: completed lessons of the category plus imported records.

    Sums come back from the database as Decimal on PostgreSQL and may be floats on SQLite, so each is
    converted from its string form and quantised to cents (hours carry 2 decimals).
    """
    first, following = month_bounds(month)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for model, date_field in ((LessonCompletion, "completed_on"), (TrainingRecord, "date")):
        qs = model.objects.filter(
            category=category, **{f"{date_field}__gte": first, f"{date_field}__lt": following}
        )
        if staff_ids is not None:
            qs = qs.filter(staff_id__in=staff_ids)
        # Fetch rows rather than SUM: SQLite sums decimals as floats.
        for staff_id, hours in qs.values_list("staff_id", "hours").iterator(chunk_size=5000):
            totals[staff_id] += Decimal(str(hours))
    return dict(totals)


def learning_results_by_staff(*, month: date, category: str, staff_ids=None) -> dict[int, list[Decimal]]:
    """Assessment results (percent) of `month` per staff id: graded quiz attempts and imported record scores."""
    first, following = month_bounds(month)
    results: dict[int, list[Decimal]] = defaultdict(list)
    records = TrainingRecord.objects.filter(
        category=category, date__gte=first, date__lt=following, score__isnull=False
    )
    attempts = LearningResult.objects.filter(category=category, date__gte=first, date__lt=following)
    for qs, field in ((records, "score"), (attempts, "percent")):
        if staff_ids is not None:
            qs = qs.filter(staff_id__in=staff_ids)
        for staff_id, value in qs.values_list("staff_id", field).iterator(chunk_size=5000):
            results[staff_id].append(Decimal(str(value)))
    return dict(results)


def total_hours_for(staff_id: int, category: str) -> Decimal:
    """All hours a person has been credited in a category (onboarding progress)."""
    total = Decimal(0)
    for model in (LessonCompletion, TrainingRecord):
        for hours in model.objects.filter(staff_id=staff_id, category=category).values_list(
            "hours", flat=True
        ):
            total += Decimal(str(hours))
    return total
