"""Every write of the curriculum app."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from courses.models import LearningResult
from portal.services import MonthLockedError, month_is_locked


def learning_result_record(
    *,
    staff_id: int,
    on_date: date,
    category: str,
    percent: Decimal,
    source: str,
    source_id: str,
    title: str = "",
) -> LearningResult:
    """Record (or correct) an assessment result of a month; called by assessments when an attempt is graded.

    Refuses a result dated in a published (locked) month.
    """
    if month_is_locked(on_date):
        raise MonthLockedError(on_date.replace(day=1))
    with transaction.atomic():
        result, _ = LearningResult.objects.update_or_create(
            source=source,
            source_id=source_id,
            defaults={
                "staff_id": staff_id,
                "date": on_date,
                "category": category,
                "percent": percent,
                "title": title[:200],
            },
        )
    return result
