"""Practical scorecards: rubric scoring, a single dispute within 7 days, the team lead's endorsement and a QA lead's
final decision (the whole appeal chain: tests/assessments/test_appeal_chain.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.models import Evaluation, Rubric, RubricCriterion
from assessments.scorecards.services import (
    evaluation_dispute,
    evaluation_dispute_resolve,
    evaluation_dispute_review,
    qa_lead_appoint,
    scorecard_evaluate,
)
from portal.models import AuditEvent, User
from tests.factories import StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

LEVELS = [
    {"percent": 0, "label": "未达到", "descriptor": "没有确认客户需求"},
    {"percent": 60, "label": "基本达到", "descriptor": "确认了部分需求"},
    {"percent": 100, "label": "优秀", "descriptor": "完整确认并复述需求"},
]


@pytest.fixture
def rubric():
    rubric = Rubric.objects.create(name="录音抽查评分表", kind="spot_check")
    RubricCriterion.objects.create(rubric=rubric, name="需求确认", weight=Decimal(3), levels=LEVELS, order=1)
    RubricCriterion.objects.create(rubric=rubric, name="礼貌用语", weight=Decimal(1), levels=LEVELS, order=2)
    return rubric


@pytest.fixture
def people():
    """The agent A0001 (whose team lead is L0001) and two trainers, both QA leads."""
    team = TeamFactory()
    StaffFactory(employee_no="L0001", role="team_lead", team=team)
    trainers = (
        StaffFactory(employee_no="Q0001", role="trainer"),
        StaffFactory(employee_no="Q0002", role="trainer"),
    )
    hr = StaffFactory(role="hr")
    for trainer in trainers:
        qa_lead_appoint(user=trainer, acting_user=hr, reason="质检组长")
    return (StaffFactory(employee_no="A0001", team=team), *trainers)


def score(rubric, agent, qa, levels=(2, 1), on_date=date(2026, 10, 12)):
    first, second = rubric.criteria.all()
    return scorecard_evaluate(
        staff=agent,
        rubric=rubric,
        on_date=on_date,
        levels={first.pk: levels[0], second.pk: levels[1]},
        acting_user=qa,
        recording_ref="REC-20261012-001",
        channel="热线",
        customer_type="VIP",
    )


def test_a_scorecard_becomes_an_evaluation_scored_from_weighted_criteria(rubric, people):
    agent, qa, _second = people
    evaluation = score(rubric, agent, qa)
    assert evaluation.score == Decimal("90.00")  # (3×100 + 1×60) / 4
    assert (evaluation.kind, evaluation.source, evaluation.evaluator, evaluation.evaluator_user) == (
        "spot_check",
        "scorecard",
        "Q0001",
        qa,
    )
    assert evaluation.recording_ref == "REC-20261012-001" and evaluation.customer_type == "VIP"
    again = score(rubric, agent, qa, levels=(0, 0))
    assert again.evaluator == "Q0001 #2" and again.score == 0
    assert AuditEvent.objects.filter(action="evaluation.score").count() == 2


def test_every_criterion_needs_a_level_and_nobody_scores_themselves(rubric, people):
    agent, qa, _second = people
    with pytest.raises(ValidationError):
        scorecard_evaluate(staff=agent, rubric=rubric, on_date=date(2026, 10, 1), levels={}, acting_user=qa)
    with pytest.raises(ValidationError):
        score(rubric, qa, qa)
    assert not Evaluation.objects.exists()


def test_the_person_disputes_once_within_7_days_and_a_qa_lead_other_than_the_evaluator_decides(
    rubric, people, client
):
    agent, qa, second = people
    evaluation = score(rubric, agent, qa)
    client.force_login(agent)
    page = client.get(f"/assessments/evaluations/{evaluation.pk}/")
    assert "REC-20261012-001" in page.content.decode()
    client.post(f"/assessments/evaluations/{evaluation.pk}/dispute/", {"reason": "录音里我已确认需求"})
    evaluation.refresh_from_db()
    assert evaluation.dispute_status == "open"
    with pytest.raises(ValidationError):
        evaluation_dispute(evaluation=evaluation, acting_user=agent, reason="再来一次")
    evaluation_dispute_review(
        evaluation=evaluation,
        acting_user=User.objects.get(employee_no="L0001"),
        endorse=True,
        note="同意复核",
    )
    with pytest.raises(PermissionDenied):
        evaluation_dispute_resolve(
            evaluation=evaluation, acting_user=qa, decision="revised", note="改", new_score=Decimal(95)
        )
    client.force_login(second)
    first, other = rubric.criteria.all()
    client.post(
        f"/assessments/evaluations/{evaluation.pk}/resolve/",
        {"decision": "revised", f"level_{first.pk}": "2", f"level_{other.pk}": "2", "note": "复核录音后上调"},
    )
    evaluation.refresh_from_db()
    assert (evaluation.dispute_status, evaluation.score, evaluation.original_score) == (
        "revised",
        Decimal("100.00"),
        Decimal("90.00"),
    )
    assert evaluation.resolved_by == second
    with pytest.raises(ValidationError):
        evaluation_dispute_resolve(evaluation=evaluation, acting_user=second, decision="upheld", note="再改")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"evaluation.dispute", "evaluation.dispute_revised"} <= actions


def test_a_dispute_after_7_days_is_refused(rubric, people):
    agent, qa, _second = people
    evaluation = score(rubric, agent, qa)
    # The window counts from the day it was recorded in Shanghai, which after 16:00 UTC is tomorrow's UTC date.
    late = max(evaluation.date, timezone.localdate(evaluation.created_at)) + timedelta(days=8)
    with pytest.raises(ValidationError):
        evaluation_dispute(evaluation=evaluation, acting_user=agent, reason="太晚了", today=late)


def test_others_cannot_see_or_dispute_an_evaluation(rubric, people, client):
    agent, qa, _second = people
    evaluation = score(rubric, agent, qa)
    client.force_login(StaffFactory())
    assert client.get(f"/assessments/evaluations/{evaluation.pk}/").status_code == 404
    assert (
        client.post(f"/assessments/evaluations/{evaluation.pk}/dispute/", {"reason": "x"}).status_code == 404
    )
    evaluation.refresh_from_db()
    assert evaluation.dispute_status == ""


def test_a_trainer_scores_through_the_page(rubric, people, client):
    agent, qa, _second = people
    client.force_login(qa)
    first, second = rubric.criteria.all()
    response = client.post(
        f"/assessments/scorecards/new/?rubric={rubric.pk}",
        {
            "rubric": rubric.pk,
            "employee_no": "A0001",
            "date": "2026-10-12",
            f"c{first.pk}": "1",
            f"c{second.pk}": "2",
        },
    )
    evaluation = Evaluation.objects.get()
    assert response["Location"] == f"/assessments/evaluations/{evaluation.pk}/"
    assert evaluation.score == Decimal("70.00")


def test_a_published_month_refuses_new_scorecards(rubric, people, hr_user):
    from portal.services import month_lock_set

    agent, qa, _second = people
    month_lock_set(month=date(2026, 10, 1), acting_user=hr_user)
    with pytest.raises(ValidationError):
        score(rubric, agent, qa, on_date=date(2026, 10, 20))
    assert not Evaluation.objects.exists()


def test_the_menu_offers_scorecards_to_trainers_and_the_import_to_hr_only(client, people, hr_user):
    agent, qa, _second = people
    client.force_login(qa)
    html = client.get("/portal/").content.decode()
    assert "/assessments/scorecards/new/" in html and "/assessments/evaluations/import/" not in html
    client.force_login(hr_user)
    assert "/assessments/evaluations/import/" in client.get("/portal/").content.decode()
    client.force_login(agent)
    html = client.get("/portal/").content.decode()
    assert "/assessments/evaluations/" in html and "/assessments/scorecards/new/" not in html
