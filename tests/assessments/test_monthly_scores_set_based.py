"""A whole month scored set-based (whole-number totals from one statement) stores what the rules give person
by person, on SQLite and PostgreSQL alike, and rewrites only the rows that changed."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from assessments.models import Evaluation, KpiRecord, MonthlyScore, ScoringPolicyVersion
from assessments.scoring import rules
from assessments.scoring.selectors import score_totals_for_month, staff_month_inputs
from assessments.scoring.services import POLICY_FIELDS, monthly_scores_compute, scoring_policy_create
from courses.models import LearningResult, LessonCompletion, TrainingRecord
from tests.assessments.factories import make_lesson
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)
NOV = date(2026, 11, 1)
D = Decimal
# Values whose hundredths a binary float does not hold exactly (0.29 × 100 = 28.999…).
AWKWARD = ["0.07", "0.29", "0.57", "1.15", "4.35", "8.2", "33.33", "66.67", "99.99", "100", "0"]


def _rate(rng, low, high):
    return D(rng.choice([f"{rng.uniform(low, high):.2f}", rng.choice(AWKWARD)]))


def _kpi_values(rng, policy):
    """Rates at, between and beyond each band's floor, target and excellence."""
    values = {}
    for code in rules.KPI_CODES:
        band = policy.band(code)
        points = [band.floor, band.target, band.excellence]
        low, high = min(points), max(points)
        values[code] = rng.choice(
            [
                *points,
                _rate(rng, float(low), float(high)),
                _rate(rng, 0, float(low)),
                _rate(rng, float(high), 100),
            ]
        )
    return values


@pytest.fixture
def varied_month():
    """Forty people with every kind of input of October, some of it just outside the month or not counted."""
    rng = random.Random(8)
    policy = rules.DEFAULT_POLICY
    lessons = [make_lesson(hours=h) for h in ("0.75", "1.5", "2")]
    leadership = make_lesson(kind="leadership", hours="3")
    people = [StaffFactory(role=rng.choice(["agent", "agent", "team_lead"])) for _ in range(40)]
    StaffFactory(role="manager")  # not scored
    StaffFactory(employee_no="NODATA")  # scored, but without any data: no score row
    left = StaffFactory()
    left.is_active = False
    left.save()
    days = [OCT, OCT + timedelta(days=14), date(2026, 10, 31), date(2026, 9, 30), NOV]
    for n, person in enumerate([*people, left]):
        if rng.random() < 0.85:
            values = _kpi_values(rng, policy)
            KpiRecord.objects.create(
                staff=person,
                month=OCT,
                contacts_handled=150,
                response_timeliness_rate=values["timeliness"],
                resolution_rate=values["resolution"],
                satisfaction_rate=values["satisfaction"],
                complaint_rate=values["complaint"],
                major_complaints=0,
            )
        for k in range(rng.choice([0, 1, 2, 3, 4])):
            Evaluation.objects.create(
                staff=person,
                date=rng.choice(days),
                kind="spot_check",
                score=_rate(rng, 40, 100),
                evaluator=f"QA{k}",
            )
        for k in range(rng.choice([0, 1, 2, 3])):
            TrainingRecord.objects.create(
                staff=person,
                date=rng.choice(days),
                category=rng.choice(["in_service", "in_service", "onboarding", "leadership"]),
                title=f"T{k}",
                hours=D(rng.choice(["0", "0.5", "1.25", "2", "4", "0.29"])),
                score=rng.choice([None, _rate(rng, 30, 100)]),
            )
        for lesson in rng.sample(lessons, rng.choice([0, 1, 2, 3])):
            LessonCompletion.objects.create(
                staff=person,
                lesson=lesson,
                completed_on=rng.choice(days),
                hours=lesson.planned_hours,
                category="in_service",
                via="learner",
            )
        if rng.random() < 0.2:
            LessonCompletion.objects.create(
                staff=person,
                lesson=leadership,
                completed_on=OCT,
                hours=D(3),
                category="leadership",
                via="learner",
            )
        for k in range(rng.choice([0, 0, 1, 2])):
            LearningResult.objects.create(
                staff=person,
                date=rng.choice(days),
                category=rng.choice(["in_service", "in_service", "onboarding"]),
                percent=_rate(rng, 0, 100),
                source="quiz",
                source_id=f"{n}-{k}",
            )
    return people


def _hundredths(value):
    return int(value * 100)


def _expected_rows(month, policy):
    """Per person: the reference rules' score, rounded as stored (no row without a composite)."""
    expected = {}
    for person in staff_month_inputs(month=month):
        score = rules.score_staff_month(
            kpis=person.kpis,
            quality_scores=person.quality_scores,
            in_service_hours=person.in_service_hours,
            learning_results=person.learning_results,
            policy=policy,
        )
        if score.composite is not None:
            components = [
                None if c is None else rules.round2(c) for c in (score.kpi, score.quality, score.learning)
            ]
            expected[person.staff_id] = (*components, score.composite, score.partial, person.in_service_hours)
    return expected


def _stored_rows(month):
    return {
        s.staff_id: (s.kpi, s.quality, s.learning, s.composite, s.partial, s.in_service_hours)
        for s in MonthlyScore.objects.filter(month=month)
    }


def test_the_month_totals_are_the_sums_of_the_inputs_the_rules_read(varied_month):
    inputs = {p.staff_id: p for p in staff_month_inputs(month=OCT)}
    totals = score_totals_for_month(month=OCT)
    assert {row[0] for row in totals} == set(inputs)
    for staff_id, kpis, quality_total, quality_count, hours, results_total, results_count in totals:
        person = inputs[staff_id]
        assert kpis == (
            None if person.kpis is None else tuple(_hundredths(person.kpis.value(c)) for c in rules.KPI_CODES)
        )
        assert (quality_total, quality_count) == (
            sum(map(_hundredths, person.quality_scores)),
            len(person.quality_scores),
        )
        assert hours == _hundredths(person.in_service_hours)
        assert (results_total, results_count) == (
            sum(map(_hundredths, person.learning_results)),
            len(person.learning_results),
        )


def test_the_month_totals_of_some_people_only(varied_month):
    chosen = [p.pk for p in varied_month[:3]]
    everyone = {row[0]: row for row in score_totals_for_month(month=OCT)}
    assert score_totals_for_month(month=OCT, staff_ids=chosen) == [everyone[pk] for pk in chosen]


def test_stored_scores_equal_the_rules_person_by_person(varied_month):
    expected = _expected_rows(OCT, rules.DEFAULT_POLICY)
    assert monthly_scores_compute(month=OCT) == len(expected)
    assert _stored_rows(OCT) == expected
    # Somebody of each kind, so the comparison covered them.
    scores = list(expected.values())
    assert any(row[4] for row in scores) and not all(row[4] for row in scores)  # partial and complete
    assert any(row[2] == 0 for row in scores)  # learning 0 for too few hours
    assert any(row[0] is None for row in scores)  # no KPI row


def test_stored_scores_follow_a_policy_version_with_other_bands_and_weights(varied_month):
    default = ScoringPolicyVersion.objects.get(effective_month__isnull=True)
    values = {field: getattr(default, field) for field in POLICY_FIELDS}
    values.update(
        name="2026-10",
        timeliness_floor=D("91.37"),
        timeliness_target=D("97.11"),
        timeliness_excellence=D("99.97"),
        complaint_floor=D("3"),
        complaint_target=D("0.7"),
        complaint_excellence=D("0.05"),
        weight_kpi=D("33.33"),
        weight_quality=D("0"),
        weight_learning=D("66.67"),
        required_hours=D("3.5"),
    )
    version = scoring_policy_create(
        effective_month=OCT, values=values, acting_user=StaffFactory(role="hr"), reason="政策调整"
    )
    expected = _expected_rows(OCT, version.as_rules())
    monthly_scores_compute(month=OCT)
    assert _stored_rows(OCT) == expected
    assert set(MonthlyScore.objects.filter(month=OCT).values_list("policy_id", flat=True)) == {version.pk}


def test_recomputing_an_unchanged_month_rewrites_nothing_and_a_change_rewrites_one_row(varied_month):
    monthly_scores_compute(month=OCT)
    before = dict(MonthlyScore.objects.filter(month=OCT).values_list("staff_id", "computed_at"))
    monthly_scores_compute(month=OCT)
    assert dict(MonthlyScore.objects.filter(month=OCT).values_list("staff_id", "computed_at")) == before

    person = next(pk for pk in before if Evaluation.objects.filter(staff_id=pk, date__month=10).exists())
    Evaluation.objects.create(staff_id=person, date=OCT, kind="role_play", score=D("12.34"), evaluator="QA9")
    monthly_scores_compute(month=OCT)
    after = dict(MonthlyScore.objects.filter(month=OCT).values_list("staff_id", "computed_at"))
    assert {pk for pk in after if after[pk] != before.get(pk)} == {person}
    assert _stored_rows(OCT) == _expected_rows(OCT, rules.DEFAULT_POLICY)


def test_recomputing_some_people_leaves_the_others_alone(varied_month):
    monthly_scores_compute(month=OCT)
    before = dict(MonthlyScore.objects.filter(month=OCT).values_list("staff_id", "computed_at"))
    chosen, other = varied_month[0], varied_month[1]
    for person in (chosen, other):
        KpiRecord.objects.update_or_create(
            staff=person,
            month=OCT,
            defaults={
                "contacts_handled": 150,
                "response_timeliness_rate": D("99.99"),
                "resolution_rate": D("0.29"),
                "satisfaction_rate": D("90"),
                "complaint_rate": D("0.07"),
                "major_complaints": 0,
            },
        )
    monthly_scores_compute(month=OCT, staff_ids=[chosen.pk])
    after = dict(MonthlyScore.objects.filter(month=OCT).values_list("staff_id", "computed_at"))
    assert after[chosen.pk] != before.get(chosen.pk)
    assert after[other.pk] == before[other.pk]
    assert _stored_rows(OCT)[chosen.pk] == _expected_rows(OCT, rules.DEFAULT_POLICY)[chosen.pk]
