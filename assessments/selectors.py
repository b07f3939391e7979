"""Reads of assessment records that scoring and incentives use: set-based, one query per concern."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from assessments.models import Evaluation
from courses.selectors import month_bounds


def evaluation_scores_by_staff(*, month: date, staff_ids=None) -> dict[int, list[Decimal]]:
    """Scores of the QA evaluations (spot checks and role-plays) dated in `month`, per staff id."""
    first, following = month_bounds(month)
    qs = Evaluation.objects.filter(date__gte=first, date__lt=following)
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=staff_ids)
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for staff_id, score in qs.values_list("staff_id", "score").iterator(chunk_size=5000):
        scores[staff_id].append(Decimal(str(score)))
    return dict(scores)
