"""The assessments part of the synthetic company (see `portal.scale`).

Per complete month and in-service person: one KPI row (as the KPI import stores it), a call-recording spot
check and, for some, a role-play (as the evaluation import stores them, evaluator = a trainer's employee
number, linked), then the month's scores through `assessments.services.monthly_scores_compute`, which is
set-based. Each person has a steady skill level plus monthly noise, so about one in ten meets every target.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from assessments.models import Evaluation, EvaluationKind, KpiRecord
from assessments.services import monthly_scores_compute
from portal.models import Role
from portal.scale import BATCH, Company, month_end, random_date

CENT = Decimal("0.01")


def _pct(value: float, low: float = 0.0, high: float = 100.0) -> Decimal:
    return Decimal(str(min(high, max(low, value)))).quantize(CENT)


def kpi_values(rng: random.Random, skill: float, worked_share: float) -> dict:
    """One month's KPIs for a person of `skill` (a standard normal draw), who worked `worked_share` of it."""
    return {
        "contacts_handled": max(0, int(rng.gauss(420, 110) * worked_share)),
        "response_timeliness_rate": _pct(rng.gauss(97.6 + 0.8 * skill, 0.9), 80, 99.9),
        "resolution_rate": _pct(rng.gauss(94.2 + 1.8 * skill, 1.6), 70, 99.9),
        "satisfaction_rate": _pct(rng.gauss(89.0 + 3.0 * skill, 2.8), 50, 99.9),
        "complaint_rate": _pct(rng.gauss(0.65 - 0.3 * skill, 0.25), 0, 5),
        "major_complaints": 1 if rng.random() < 0.01 else 0,
    }


def generate(*, rng: random.Random, company: Company, months: list[date], stdout) -> None:
    people = company.in_service
    skill = {p.pk: rng.gauss(0, 1) for p in people}
    trainers = company.with_roles(Role.TRAINER)
    kpis = evaluations = scored = 0
    for month in months:
        last = month_end(month)
        days = (last - month).days + 1
        kpi_rows, evaluation_rows = [], []
        for person in people:
            if person.onboarded_on is None or person.onboarded_on >= last:
                continue
            start = max(month, person.onboarded_on + timedelta(days=1))
            worked_share = ((last - start).days + 1) / days
            kpi_rows.append(
                KpiRecord(staff_id=person.pk, month=month, **kpi_values(rng, skill[person.pk], worked_share))
            )
            kinds = [EvaluationKind.SPOT_CHECK] + ([EvaluationKind.ROLE_PLAY] if rng.random() < 0.4 else [])
            for kind in kinds:
                evaluator = rng.choice(trainers)
                evaluation_rows.append(
                    Evaluation(
                        staff_id=person.pk,
                        date=random_date(rng, start, last),
                        kind=kind,
                        score=_pct(rng.gauss(82 + 5 * skill[person.pk], 6), 30),
                        evaluator=evaluator.employee_no,
                        evaluator_user_id=evaluator.pk,
                        source=Evaluation.Source.IMPORT,
                    )
                )
        KpiRecord.objects.bulk_create(kpi_rows, batch_size=BATCH)
        Evaluation.objects.bulk_create(evaluation_rows, batch_size=BATCH)
        kpis += len(kpi_rows)
        evaluations += len(evaluation_rows)
    # Scores last, once every input of every month is in (learning results come from the quiz part above).
    for month in months:
        scored += monthly_scores_compute(month=month)
    stdout.write(f"Assessments: {kpis} KPI rows, {evaluations} QA evaluations, {scored} monthly scores.")
