"""Critical items and the appeal chain: agent disputes → team lead endorses or rejects → a QA lead decides, every
step dated, shown to the agent, refused to the wrong person and escalated to HR when overdue."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from assessments.models import DisputeStep, Evaluation, QaLead, Rubric, RubricCriterion, ScoringPolicyVersion
from assessments.scorecards.services import (
    evaluation_critical_review,
    evaluation_dispute,
    evaluation_dispute_resolve,
    evaluation_dispute_review,
    qa_lead_appoint,
    qa_lead_remove,
    scorecard_evaluate,
)
from notifications.models import Notification
from notifications.reminders import reminders_run
from portal.models import AuditEvent, User
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

LEVELS = [{"percent": 0, "label": "未达到"}, {"percent": 100, "label": "达到"}]
ON = date(2026, 10, 12)


@pytest.fixture
def rubric():
    rubric = Rubric.objects.create(name="录音抽查评分表", kind="spot_check")
    RubricCriterion.objects.create(rubric=rubric, name="需求确认", weight=Decimal(3), levels=LEVELS, order=1)
    RubricCriterion.objects.create(
        rubric=rubric, name="客户信息保密", weight=Decimal(1), levels=LEVELS, order=2, critical=True
    )
    return rubric


@pytest.fixture
def qa(org, hr_user):
    """The evaluator QA01 (also a QA lead), the QA lead QA02, and a trainer QA03 who is not a QA lead."""
    evaluator = StaffFactory(role="trainer", employee_no="QA01")
    lead = StaffFactory(role="trainer", employee_no="QA02", name="钱质检")
    plain = StaffFactory(role="trainer", employee_no="QA03")
    qa_lead_appoint(user=evaluator, acting_user=hr_user, reason="质检组长")
    qa_lead_appoint(user=lead, acting_user=hr_user, reason="质检组长")
    return evaluator, lead, plain


def evaluate(rubric, staff, evaluator, levels=(1, 1)):
    first, second = rubric.criteria.all()
    return scorecard_evaluate(
        staff=staff,
        rubric=rubric,
        on_date=ON,
        levels={first.pk: levels[0], second.pk: levels[1]},
        acting_user=evaluator,
    )


def test_failing_a_critical_item_scores_zero_tells_the_agent_why_and_lists_it_for_hr(
    rubric, org, qa, hr_user, client
):
    evaluator, *_ = qa
    evaluation = evaluate(rubric, org.agent_a1, evaluator, levels=(1, 0))
    assert (evaluation.score, evaluation.score_before_cap) == (Decimal(0), Decimal("75.00"))
    assert evaluation.critical_failed and evaluation.hr_review_needed
    client.force_login(org.agent_a1)
    page = client.get(f"/assessments/evaluations/{evaluation.pk}/").content.decode()
    assert 'id="critical-failure"' in page and "客户信息保密" in page and "75.00" in page
    assert (
        client.post(f"/assessments/evaluations/{evaluation.pk}/critical-review/", {"note": "x"}).status_code
        == 403
    )

    client.force_login(hr_user)
    listing = client.get("/assessments/evaluations/critical/").content.decode()
    assert f'data-evaluation="{evaluation.pk}"' in listing
    client.post(f"/assessments/evaluations/{evaluation.pk}/critical-review/", {"note": "录音确认泄露手机号"})
    evaluation.refresh_from_db()
    assert evaluation.hr_reviewed_by == hr_user and evaluation.hr_review_note == "录音确认泄露手机号"
    assert (
        f'data-evaluation="{evaluation.pk}"'
        not in client.get("/assessments/evaluations/critical/").content.decode()
    )
    with pytest.raises(ValidationError):
        evaluation_critical_review(evaluation=evaluation, acting_user=hr_user, note="再看一次")
    assert AuditEvent.objects.get(action="evaluation.critical_review").reason == "录音确认泄露手机号"


def test_the_critical_cap_is_the_policys_and_passing_every_critical_item_scores_as_weighted(rubric, org, qa):
    evaluator, *_ = qa
    ScoringPolicyVersion.objects.filter(effective_month__isnull=True).update(critical_cap=Decimal(60))
    assert evaluate(rubric, org.agent_a1, evaluator, levels=(1, 0)).score == Decimal(60)
    passed = evaluate(rubric, org.agent_a1b, evaluator, levels=(0, 1))
    assert (passed.score, passed.critical_failed, passed.hr_review_needed) == (Decimal("25.00"), False, False)


def test_hr_appoints_only_trainers_as_qa_leads_with_a_reason_and_others_cannot(org, qa, hr_user, client):
    _evaluator, _lead, plain = qa
    with pytest.raises(PermissionDenied):
        qa_lead_appoint(user=plain, acting_user=org.lead_a1, reason="x")
    with pytest.raises(ValidationError):
        qa_lead_appoint(user=org.agent_a1, acting_user=hr_user, reason="x")
    with pytest.raises(ValidationError):
        qa_lead_appoint(user=plain, acting_user=hr_user, reason=" ")
    client.force_login(hr_user)
    client.post(
        "/assessments/qa-leads/", {"action": "appoint", "employee_no": "QA03", "reason": "新任质检组长"}
    )
    assert QaLead.objects.filter(user=plain).exists()
    assert AuditEvent.objects.filter(
        action="qa_lead.appoint", target_id=str(plain.pk), reason="新任质检组长"
    ).exists()
    qa_lead_remove(user=plain, acting_user=hr_user, reason="调岗")
    assert not QaLead.objects.filter(user=plain).exists()
    client.force_login(org.lead_a1)
    assert client.get("/assessments/qa-leads/").status_code == 403


def test_agent_disputes_lead_endorses_qa_lead_decides_every_step_dated_and_shown(rubric, org, qa, client):
    evaluator, lead, _plain = qa
    evaluation = evaluate(rubric, org.agent_a1, evaluator, levels=(0, 1))  # 25.00
    client.force_login(org.agent_a1)
    client.post(f"/assessments/evaluations/{evaluation.pk}/dispute/", {"reason": "录音里我已确认需求"})
    assert Evaluation.objects.get(pk=evaluation.pk).dispute_status == "open"

    client.force_login(org.lead_a1)
    assert 'id="disputes-panel"' in client.get("/portal/").content.decode()
    queue = client.get("/assessments/evaluations/disputes/").content.decode()
    assert f'data-evaluation="{evaluation.pk}"' in queue
    client.post(
        f"/assessments/evaluations/{evaluation.pk}/review/", {"decision": "endorse", "note": "同意复核"}
    )
    assert Evaluation.objects.get(pk=evaluation.pk).dispute_status == "endorsed"

    client.force_login(lead)
    assert (
        f'data-evaluation="{evaluation.pk}"'
        in client.get("/assessments/evaluations/disputes/").content.decode()
    )
    first, second = rubric.criteria.all()
    client.post(
        f"/assessments/evaluations/{evaluation.pk}/resolve/",
        {
            "decision": "revised",
            f"level_{first.pk}": "1",
            f"level_{second.pk}": "1",
            "note": "复核录音后上调",
        },
    )
    evaluation.refresh_from_db()
    assert (evaluation.dispute_status, evaluation.score, evaluation.original_score) == (
        "revised",
        Decimal("100.00"),
        Decimal("25.00"),
    )
    steps = list(
        DisputeStep.objects.filter(evaluation=evaluation).values_list("kind", "actor__employee_no", "note")
    )
    assert steps == [
        ("disputed", "A0001", "录音里我已确认需求"),
        ("endorsed", "L0001", "同意复核"),
        ("revised", "QA02", "复核录音后上调"),
    ]
    assert {"evaluation.dispute", "evaluation.dispute_endorse", "evaluation.dispute_revised"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    client.force_login(org.agent_a1)
    page = client.get(f"/assessments/evaluations/{evaluation.pk}/").content.decode()
    timeline = page[page.index('id="dispute-timeline"') :]
    assert (
        timeline.index('data-step="disputed"')
        < timeline.index('data-step="endorsed"')
        < timeline.index('data-step="revised"')
    )
    assert "同意复核" in timeline and "25.00 → 100.00" in timeline and 'id="dispute-form"' not in page


def test_each_step_is_refused_to_the_wrong_person(rubric, org, qa, client):
    evaluator, lead, plain = qa
    evaluation = evaluate(rubric, org.agent_a1, evaluator)
    with pytest.raises(ValidationError):
        evaluation_dispute(evaluation=evaluation, acting_user=org.agent_a1b, reason="不是我")
    evaluation = evaluation_dispute(evaluation=evaluation, acting_user=org.agent_a1, reason="录音不完整")

    other_lead = StaffFactory(role="team_lead", team=org.team_a2, employee_no="L0002")
    for wrong in (org.agent_a1, org.agent_a1b, other_lead, lead, plain):
        with pytest.raises(PermissionDenied):
            evaluation_dispute_review(evaluation=evaluation, acting_user=wrong, endorse=True, note="同意")
    with pytest.raises(ValidationError):
        evaluation_dispute_resolve(evaluation=evaluation, acting_user=lead, decision="upheld", note="维持")
    client.force_login(other_lead)
    assert (
        client.post(
            f"/assessments/evaluations/{evaluation.pk}/review/", {"decision": "endorse", "note": "x"}
        ).status_code
        == 404
    )
    client.force_login(plain)
    assert (
        client.post(
            f"/assessments/evaluations/{evaluation.pk}/review/", {"decision": "endorse", "note": "x"}
        ).status_code
        == 403
    )
    assert Evaluation.objects.get(pk=evaluation.pk).dispute_status == "open"
    with pytest.raises(ValidationError):
        evaluation_dispute_review(evaluation=evaluation, acting_user=org.lead_a1, endorse=True, note=" ")

    evaluation = evaluation_dispute_review(
        evaluation=evaluation, acting_user=org.lead_a1, endorse=True, note="同意"
    )
    with pytest.raises(ValidationError):
        evaluation_dispute_review(
            evaluation=evaluation, acting_user=org.lead_a1, endorse=False, note="改主意"
        )
    for wrong in (evaluator, plain, org.lead_a1, org.agent_a1):
        with pytest.raises(PermissionDenied):
            evaluation_dispute_resolve(
                evaluation=evaluation, acting_user=wrong, decision="revised", note="改", new_score=Decimal(99)
            )
    client.force_login(evaluator)
    response = client.post(
        f"/assessments/evaluations/{evaluation.pk}/resolve/", {"decision": "upheld", "note": "我自己的评分"}
    )
    assert response.status_code == 403
    assert Evaluation.objects.get(pk=evaluation.pk).dispute_status == "endorsed"
    evaluation_dispute_resolve(evaluation=evaluation, acting_user=lead, decision="upheld", note="评分无误")
    with pytest.raises(ValidationError):
        evaluation_dispute_resolve(evaluation=evaluation, acting_user=lead, decision="upheld", note="再次")


def test_a_team_lead_rejection_is_final_and_the_score_stands(rubric, org, qa, client):
    evaluator, lead, _plain = qa
    evaluation = evaluate(rubric, org.agent_a1, evaluator)
    evaluation_dispute(evaluation=evaluation, acting_user=org.agent_a1, reason="太严")
    client.force_login(org.lead_a1)
    client.post(
        f"/assessments/evaluations/{evaluation.pk}/review/", {"decision": "reject", "note": "评分符合标准"}
    )
    evaluation.refresh_from_db()
    assert (evaluation.dispute_status, evaluation.score, evaluation.dispute_review_note) == (
        "rejected",
        Decimal("100.00"),
        "评分符合标准",
    )
    with pytest.raises(ValidationError):
        evaluation_dispute_resolve(evaluation=evaluation, acting_user=lead, decision="upheld", note="维持")
    with pytest.raises(ValidationError):
        evaluation_dispute(evaluation=evaluation, acting_user=org.agent_a1, reason="再申诉")


def test_a_team_without_another_team_lead_sends_the_dispute_to_the_qa_leads(rubric, org, qa):
    evaluator, lead, _plain = qa
    evaluation = evaluate(rubric, org.agent_a2, evaluator)  # 热线二组 has no team lead
    evaluation = evaluation_dispute(evaluation=evaluation, acting_user=org.agent_a2, reason="录音不完整")
    assert evaluation.dispute_status == "endorsed"
    assert list(DisputeStep.objects.filter(evaluation=evaluation).values_list("kind", flat=True)) == [
        "disputed",
        "forwarded",
    ]
    evaluation_dispute_resolve(evaluation=evaluation, acting_user=lead, decision="upheld", note="维持")


def test_a_dispute_of_the_team_leads_own_evaluation_goes_to_the_qa_leads(rubric, org, qa):
    _evaluator, lead, _plain = qa
    team_lead = User.objects.get(employee_no="L0001")  # the only team lead of 热线一组, doing QA for it
    evaluation = evaluate(rubric, org.agent_a1, team_lead)
    evaluation = evaluation_dispute(evaluation=evaluation, acting_user=org.agent_a1, reason="组长评分有误")
    assert evaluation.dispute_status == "endorsed"
    assert DisputeStep.objects.filter(evaluation=evaluation, kind="forwarded").exists()
    evaluation_dispute_resolve(evaluation=evaluation, acting_user=lead, decision="upheld", note="维持")


def test_the_dispute_window_is_the_policys(rubric, org, qa):
    evaluator, *_ = qa
    ScoringPolicyVersion.objects.filter(effective_month__isnull=True).update(dispute_days=3)
    evaluation = evaluate(rubric, org.agent_a1, evaluator)
    recorded = timezone.localdate(evaluation.created_at)
    with pytest.raises(ValidationError, match="3 days"):
        evaluation_dispute(
            evaluation=evaluation, acting_user=org.agent_a1, reason="晚了", today=recorded + timedelta(days=4)
        )
    evaluation_dispute(
        evaluation=evaluation, acting_user=org.agent_a1, reason="及时", today=recorded + timedelta(days=3)
    )


def test_overdue_steps_are_escalated_to_hr_once_each_and_the_agent_sees_it(rubric, org, qa, hr_user, client):
    evaluator, lead, _plain = qa
    evaluation = evaluate(rubric, org.agent_a1, evaluator)
    evaluation_dispute(evaluation=evaluation, acting_user=org.agent_a1, reason="录音不完整")
    # The dispute was raised five days ago.
    Evaluation.objects.filter(pk=evaluation.pk).update(disputed_at=F("disputed_at") - timedelta(days=5))
    today = timezone.localdate()
    start = today - timedelta(days=5)

    reminders_run(today=start + timedelta(days=3))
    assert not Notification.objects.filter(kind="dispute_overdue").exists(), "due on the third day: not late"
    assert Notification.objects.filter(kind="decision_waiting", recipient=org.lead_a1).exists()
    reminders_run(today=start + timedelta(days=4))
    (escalated,) = Notification.objects.filter(kind="dispute_overdue")
    assert escalated.recipient == hr_user and org.agent_a1.name in escalated.body
    reminders_run(today=today)
    assert Notification.objects.filter(kind="dispute_overdue").count() == 1

    client.force_login(org.agent_a1)
    page = client.get(f"/assessments/evaluations/{evaluation.pk}/").content.decode()
    escalated_on = (start + timedelta(days=4)).isoformat()
    assert f'data-step="waiting" class="bad" data-escalated="{escalated_on}"' in page

    evaluation_dispute_review(evaluation=evaluation, acting_user=org.lead_a1, endorse=True, note="同意")
    reminders_run(today=today + timedelta(days=5))
    assert Notification.objects.filter(kind="dispute_overdue").count() == 1, "the QA lead has 5 days"
    assert Notification.objects.filter(kind="decision_waiting", recipient=lead).exists()
    assert not Notification.objects.filter(kind="decision_waiting", recipient=evaluator).exists()
    reminders_run(today=today + timedelta(days=6))
    assert Notification.objects.filter(kind="dispute_overdue", recipient=hr_user).count() == 2


def test_the_menus_link_disputes_to_leads_and_qa_and_the_hr_pages_to_hr(org, qa, hr_user, client):
    _evaluator, lead, _plain = qa
    client.force_login(org.lead_a1)
    assert "/assessments/evaluations/disputes/" in client.get("/portal/").content.decode()
    client.force_login(lead)
    assert "/assessments/evaluations/disputes/" in client.get("/portal/").content.decode()
    client.force_login(hr_user)
    html = client.get("/portal/").content.decode()
    assert "/assessments/qa-leads/" in html and "/assessments/evaluations/critical/" in html
    client.force_login(org.agent_a1)
    html = client.get("/portal/").content.decode()
    assert "/assessments/evaluations/disputes/" not in html and "/assessments/qa-leads/" not in html
    assert client.get("/assessments/evaluations/disputes/").status_code == 403
