"""Synthetic data for benchmarks, generated set-based (bulk writes, no per-row saves) and deterministic.

Call after django.setup() on a throwaway database.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from assessments.scoring.kpi_file import KPI_COLUMNS


def staff_create_bulk(
    count: int, *, prefix: str = "S", start: int = 0, departments: int = 10, teams: int = 10
):
    """`count` active agents in `departments` × `teams` teams; returns their ids in employee-number order."""
    from portal.models import Department, Role, Team, User

    depts = [Department.objects.get_or_create(name=f"部门{d:02d}")[0] for d in range(departments)]
    team_rows = [
        Team.objects.get_or_create(department=dep, name=f"{t:02d}组")[0]
        for dep in depts
        for t in range(teams)
    ]
    users = []
    for n in range(start, start + count):
        team = team_rows[n % len(team_rows)]
        user = User(
            employee_no=f"{prefix}{n:06d}",
            name=f"员工{n}",
            role=Role.AGENT,
            department_id=team.department_id,
            team=team,
            hire_date=date(2024, 1, 1),
            onboarded_on=date(2024, 2, 1),
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=2000)
    return list(
        User.objects.filter(employee_no__startswith=prefix, employee_no__gte=f"{prefix}{start:06d}")
        .order_by("employee_no")
        .values_list("pk", flat=True)[:count]
    )


def _rate(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.2f}")


def kpi_file(employee_nos, *, seed: int = 1) -> bytes:
    """A KPI CSV (UTF-8) with one plausible row per employee number."""
    rng = random.Random(seed)
    lines = [",".join(KPI_COLUMNS)]
    for number in employee_nos:
        lines.append(
            f"{number},{rng.randint(60, 700)},{_rate(rng, 88, 100)},{_rate(rng, 80, 100)},"
            f"{_rate(rng, 70, 100)},{_rate(rng, 0, 2.5)},{int(rng.random() < 0.02)}"
        )
    return ("\n".join(lines) + "\n").encode()


def month_records_create(staff_ids, month: date, *, seed: int = 2) -> dict:
    """Per person: 2 QA evaluations and 2 in-service training records (some scored) dated in `month`."""
    from assessments.models import Evaluation
    from courses.models import TrainingRecord

    rng = random.Random(seed)
    evaluations, records = [], []
    for staff_id in staff_ids:
        for n in range(2):
            day = month + timedelta(days=rng.randint(0, 27))
            evaluations.append(
                Evaluation(
                    staff_id=staff_id,
                    date=day,
                    kind="spot_check" if n else "role_play",
                    score=_rate(rng, 60, 100),
                    evaluator=f"质检{n}",
                )
            )
            records.append(
                TrainingRecord(
                    staff_id=staff_id,
                    date=day,
                    category="in_service",
                    title=f"专题{n}",
                    hours=Decimal(rng.choice(["1.5", "2.0", "2.5"])),
                    score=_rate(rng, 50, 100) if rng.random() < 0.7 else None,
                )
            )
    Evaluation.objects.bulk_create(evaluations, batch_size=2000)
    TrainingRecord.objects.bulk_create(records, batch_size=2000)
    return {"evaluations": len(evaluations), "training_records": len(records)}
