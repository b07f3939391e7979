"""Writes of the scoring part of assessments: monthly scores (KPI import and policy versions build on these)."""

from datetime import date

from django.db import transaction

from assessments import rules
from assessments.models import MonthlyScore
from assessments.selectors import scoring_policy_for_month, staff_month_inputs
from portal.services import MonthLockedError, audit_record, month_is_locked


def monthly_scores_compute(*, month: date, acting_user=None, staff_ids=None) -> int:
    """Recompute and store the month's scores of every scored staff member (or of `staff_ids`).

    Set-based: inputs in a handful of queries, arithmetic in Decimal (assessments.rules), one bulk write.
    A person with no data at all gets no score row. Refuses a published (locked) month: its scores are frozen.
    Returns the number of scores stored.
    """
    first = month.replace(day=1)
    if month_is_locked(first):
        raise MonthLockedError(first)
    version = scoring_policy_for_month(first)
    policy = version.as_rules()
    rows = []
    for person in staff_month_inputs(month=first, staff_ids=staff_ids):
        score = rules.score_staff_month(
            kpis=person.kpis,
            quality_scores=person.quality_scores,
            in_service_hours=person.in_service_hours,
            learning_results=person.learning_results,
            policy=policy,
        )
        if score.composite is None:
            continue
        rows.append(
            MonthlyScore(
                staff_id=person.staff_id,
                month=first,
                policy=version,
                kpi=_stored(score.kpi),
                quality=_stored(score.quality),
                learning=_stored(score.learning),
                composite=score.composite,
                partial=score.partial,
                in_service_hours=person.in_service_hours,
            )
        )
    with transaction.atomic():
        stale = MonthlyScore.objects.filter(month=first)
        if staff_ids is not None:
            stale = stale.filter(staff_id__in=staff_ids)
        stale.delete()
        MonthlyScore.objects.bulk_create(rows, batch_size=500)
        if staff_ids is None:
            audit_record(
                action="scores.compute",
                acting_user=acting_user,
                month=f"{first:%Y-%m}",
                policy=version.pk,
                scored=len(rows),
            )
    return len(rows)


def _stored(component):
    return None if component is None else rules.round2(component)
