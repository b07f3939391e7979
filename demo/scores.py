"""Demo KPIs, QA evaluations and scores for the last four months (idempotent: months with KPI data are kept)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from assessments.models import CoachingModule, Evaluation, KpiCode, KpiRecord
from assessments.scoring.services import (
    coaching_assign_for_month,
    coaching_module_set,
    monthly_scores_compute,
)
from portal.models import IN_SERVICE_ROLES, User
from portal.months import months_up_to
from portal.services import month_is_locked


def _rate(rng, low, high):
    return Decimal(f"{rng.uniform(low, high):.2f}")


def seed(stdout=None):
    people = list(
        User.objects.filter(is_active=True, role__in=IN_SERVICE_ROLES).values_list("pk", "employee_no")
    )
    for month in months_up_to(timezone.localdate(), 4):
        if month_is_locked(month) or KpiRecord.objects.filter(month=month).exists():
            continue
        kpis, evaluations = [], []
        for pk, employee_no in people:
            rng = random.Random(f"{employee_no}-{month:%Y%m}")  # noqa: S311 (demo numbers)
            strong = rng.random() < 0.4
            kpis.append(
                KpiRecord(
                    staff_id=pk,
                    month=month,
                    contacts_handled=rng.randint(80, 600),
                    response_timeliness_rate=_rate(rng, 97.5 if strong else 92, 100),
                    resolution_rate=_rate(rng, 94.5 if strong else 86, 99.5),
                    satisfaction_rate=_rate(rng, 89 if strong else 78, 99),
                    complaint_rate=_rate(rng, 0, 0.6 if strong else 1.8),
                    major_complaints=int(rng.random() < 0.05),
                )
            )
            for number in range(rng.randint(0, 2)):
                evaluations.append(
                    Evaluation(
                        staff_id=pk,
                        date=month + timedelta(days=rng.randint(0, 26)),
                        kind="spot_check" if number == 0 else "role_play",
                        score=_rate(rng, 65, 100),
                        evaluator=f"质检员{number + 1}",
                    )
                )
        KpiRecord.objects.bulk_create(kpis, batch_size=500)
        Evaluation.objects.bulk_create(evaluations, batch_size=500, ignore_conflicts=True)
        scored = monthly_scores_compute(month=month)
        if stdout is not None:
            stdout.write(f"Scores: {month:%Y-%m} KPIs for {len(kpis)} staff, {scored} scores")
    _seed_coaching(stdout)
    return []


def _seed_coaching(stdout=None):
    """Map every KPI to the communication-skills module as its remedial module, so team leads see a coaching list."""
    from courses.models import ModulePage

    if CoachingModule.objects.exists():
        return
    module = ModulePage.objects.filter(title__contains="沟通").order_by("pk").first()
    if module is None:
        return
    for code in KpiCode.values:
        coaching_module_set(kpi=code, module=module, acting_user=None)
    run = coaching_assign_for_month(month=timezone.localdate())
    if stdout is not None:
        stdout.write(f"Coaching: remedial module {module.title}; {run.assigned} assignments this month")
