"""The HR month overview's figures are aggregated in the database: they must equal the pure rules applied to
every stored line (count, exact mean, histogram bands at their edges, partial scores, missed targets)."""

from datetime import date
from decimal import Decimal

import pytest

from assessments.models import MonthlyScore, ScoringPolicyVersion
from assessments.scoring import rules
from assessments.scoring.selectors import (
    mean_scores_by_month,
    month_score_summary,
    month_scores_stored,
    team_kpi_compliance,
)
from portal.models import User
from tests.assessments.factories import kpi_record
from tests.factories import StaffFactory

OCT = date(2026, 10, 1)
pytestmark = pytest.mark.django_db

# Band edges (10.00, 90.00, 100.00), values just under them, and cents that float sums get wrong (0.1 + 0.2).
COMPOSITES = [
    "0.00",
    "9.99",
    "10.00",
    "19.99",
    "55.10",
    "55.20",
    "89.99",
    "90.00",
    "99.99",
    "100.00",
    "33.33",
]


@pytest.fixture
def stored_month(org):
    policy = ScoringPolicyVersion.objects.get(effective_month__isnull=True)
    # Everyone first: adding a scored person rescores the open months that have data.
    people = [
        StaffFactory(team=org.team_a1 if index % 2 else org.team_a2) for index in range(len(COMPOSITES))
    ]
    for index, (person, composite) in enumerate(zip(people, COMPOSITES, strict=True)):
        MonthlyScore.objects.create(
            staff=person,
            month=OCT,
            policy=policy,
            composite=Decimal(composite),
            kpi=Decimal(composite),
            partial=index % 3 == 0,
        )
        if index % 4:  # some without a KPI row; satisfaction and complaint around their targets
            kpi_record(
                person,
                OCT,
                satisfaction="89.99" if index % 4 == 1 else "90",
                complaint="0.51" if index % 4 == 2 else "0.5",
            )
    return org


def test_the_summary_equals_the_rules_over_every_line(stored_month):
    people = User.objects.all()
    policy = ScoringPolicyVersion.objects.get(effective_month__isnull=True).as_rules()
    lines = month_scores_stored(month=OCT, staff_qs=people)
    summary = month_score_summary(month=OCT, staff_qs=people, policy=policy)

    composites = [line.composite for line in lines]
    assert summary.count == len(COMPOSITES)
    assert summary.mean == sum(composites) / len(composites)
    assert summary.histogram == rules.score_histogram(composites)
    assert summary.histogram == [2, 2, 0, 1, 0, 2, 0, 0, 1, 3]
    assert summary.partial == sum(1 for line in lines if line.partial)
    assert summary.with_kpis == sum(1 for line in lines if line.kpis is not None)
    assert summary.missed_any == sum(1 for line in lines if rules.missed_targets(line.kpis, policy))


def test_the_exact_mean_is_not_a_float_sum(stored_month):
    means = mean_scores_by_month(months=[OCT], staff_qs=User.objects.all())
    expected = sum(Decimal(c) for c in COMPOSITES) / len(COMPOSITES)
    assert means == {OCT: expected}


def test_team_compliance_counts_each_target_per_team(stored_month):
    people = User.objects.all()
    policy = ScoringPolicyVersion.objects.get(effective_month__isnull=True).as_rules()
    lines = month_scores_stored(month=OCT, staff_qs=people)
    expected: dict[str, dict] = {}
    for line in lines:
        if line.kpis is None:
            continue
        team = expected.setdefault(line.team, {"people": 0, "met": dict.fromkeys(rules.KPI_CODES, 0)})
        team["people"] += 1
        missed = rules.missed_targets(line.kpis, policy)
        for code in rules.KPI_CODES:
            team["met"][code] += code not in missed
    got = {
        row["team"]: {"people": row["people"], "met": row["met"]}
        for row in team_kpi_compliance(month=OCT, staff_qs=people, policy=policy)
    }
    assert got == expected
    assert any(team["met"]["satisfaction"] < team["people"] for team in got.values())


def test_a_team_filter_narrows_every_figure(stored_month):
    policy = ScoringPolicyVersion.objects.get(effective_month__isnull=True).as_rules()
    team_people = User.objects.filter(team=stored_month.team_a1)
    summary = month_score_summary(month=OCT, staff_qs=team_people, policy=policy)
    assert summary.count == len(COMPOSITES) // 2
    assert [row["team"] for row in team_kpi_compliance(month=OCT, staff_qs=team_people, policy=policy)] == [
        stored_month.team_a1.name
    ]
