"""A QA lead revises a scorecard evaluation criterion by criterion: the score is computed from the revised levels
as when it was made, and the page shows the revised criteria beside those first scored; after publication the
revised criteria wait beside the frozen ones until HR undoes the publication."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import Evaluation
from assessments.scorecards.services import (
    evaluation_dispute,
    evaluation_dispute_resolve,
    evaluation_dispute_review,
    scorecard_evaluate,
)
from incentives.services import service_star_publication_undo
from portal.models import User
from tests.assessments.test_appeal_chain import evaluate, qa, rubric  # noqa: F401
from tests.conftest import sign_in
from tests.factories import StaffFactory
from tests.incentives.factories import OCTOBER
from tests.incentives.test_disputes_after_publication import month, publish  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_revised_levels_make_the_score_and_the_page_shows_them_beside_the_first(rubric, org, qa, client):  # noqa: F811
    evaluator, lead, _plain = qa
    first, second = rubric.criteria.all()
    evaluation = evaluate(rubric, org.agent_a1, evaluator, levels=(0, 1))
    assert evaluation.score == 25
    evaluation_dispute(
        evaluation=evaluation, acting_user=org.agent_a1, reason="需求已确认", today=evaluation.date
    )
    evaluation_dispute_review(
        evaluation=evaluation, acting_user=User.objects.get(employee_no="L0001"), endorse=True, note="同意"
    )
    sign_in(client, lead)
    form = client.get(f"/assessments/evaluations/{evaluation.pk}/").content.decode()
    assert f'name="level_{first.pk}"' in form and 'name="new_score"' not in form
    client.post(
        f"/assessments/evaluations/{evaluation.pk}/resolve/",
        {"decision": "revised", f"level_{first.pk}": "1", f"level_{second.pk}": "1", "note": "录音中已确认"},
    )
    evaluation.refresh_from_db()
    assert (evaluation.dispute_status, evaluation.score, evaluation.original_score) == ("revised", 100, 25)
    assert [c["level"] for c in evaluation.criteria_scores] == ["达到", "达到"]
    assert [c["level"] for c in evaluation.original_criteria_scores] == ["未达到", "达到"]

    sign_in(client, org.agent_a1)
    page = client.get(
        f"/assessments/evaluations/{evaluation.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    table = page[page.index('id="evaluation-criteria"') :]
    assert "Before the dispute" in table and "未达到 · 0" in table


def _published_and_revised(month, rubric, *, scored: tuple[int, int], revised: tuple[int, int]):  # noqa: F811
    """Wang's evaluation of 20 October scored at `scored` levels, the month published, then disputed, endorsed
    and revised by the QA lead to `revised` levels."""
    wang, _li, lead, qa_lead, hr1, hr2 = month
    first, second = rubric.criteria.all()
    evaluation = scorecard_evaluate(
        staff=wang,
        rubric=rubric,
        on_date=date(2026, 10, 20),
        levels={first.pk: scored[0], second.pk: scored[1]},
        acting_user=StaffFactory(role="trainer", employee_no="QA09"),
    )
    publish(hr1, hr2)
    _to_the_qa_lead(evaluation, wang, lead)
    evaluation_dispute_resolve(
        evaluation=evaluation,
        acting_user=qa_lead,
        decision="revised",
        note="复核后改判",
        new_levels={first.pk: revised[0], second.pk: revised[1]},
    )
    evaluation.refresh_from_db()
    return evaluation


def test_a_revision_after_publication_keeps_the_criteria_beside_the_frozen_ones_until_undone(month, rubric):  # noqa: F811
    hr1 = month[4]
    evaluation = _published_and_revised(month, rubric, scored=(1, 1), revised=(0, 1))
    assert (evaluation.score, evaluation.revised_score_pending) == (100, 25)
    assert [c["level"] for c in evaluation.criteria_scores] == ["达到", "达到"], "the published criteria stay"
    assert [c["level"] for c in evaluation.revised_criteria_pending] == ["未达到", "达到"]

    service_star_publication_undo(month=OCTOBER, reason="复核结果生效", acting_user=hr1)
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    assert evaluation.score == 25 and evaluation.revised_criteria_pending == []
    assert [c["level"] for c in evaluation.criteria_scores] == ["未达到", "达到"]
    assert [c["level"] for c in evaluation.original_criteria_scores] == ["达到", "达到"]


def _revised(evaluation, agent, qa_lead, new_levels: dict[int, int], note="复核后改判"):
    """`evaluation` disputed by `agent`, endorsed by their team lead L0001 and revised by `qa_lead` to
    `new_levels`; as stored afterwards."""
    _to_the_qa_lead(evaluation, agent, User.objects.get(employee_no="L0001"))
    evaluation_dispute_resolve(
        evaluation=evaluation, acting_user=qa_lead, decision="revised", note=note, new_levels=new_levels
    )
    evaluation.refresh_from_db()
    return evaluation


def _to_the_qa_lead(evaluation, agent, team_lead):
    evaluation_dispute(evaluation=evaluation, acting_user=agent, reason="有误", today=timezone.localdate())
    evaluation_dispute_review(evaluation=evaluation, acting_user=team_lead, endorse=True, note="同意复核")


def test_a_revision_that_passes_the_critical_item_lifts_the_cap_and_hr_review(rubric, org, qa, client):  # noqa: F811
    evaluator, lead, _plain = qa
    first, second = rubric.criteria.all()
    evaluation = evaluate(rubric, org.agent_a1, evaluator, levels=(1, 0))
    assert (evaluation.score, evaluation.critical_failed, evaluation.hr_review_needed) == (0, True, True)
    evaluation = _revised(evaluation, org.agent_a1, lead, {first.pk: 1, second.pk: 1}, "录音中未报出手机号")
    assert (evaluation.score, evaluation.critical_failed, evaluation.score_before_cap) == (100, False, None)
    assert not evaluation.hr_review_needed
    sign_in(client, org.agent_a1)
    page = client.get(f"/assessments/evaluations/{evaluation.pk}/").content.decode()
    assert 'id="critical-failure"' not in page


def test_a_revision_that_fails_a_critical_item_scores_zero_and_asks_for_hr_review(rubric, org, qa):  # noqa: F811
    evaluator, lead, _plain = qa
    first, second = rubric.criteria.all()
    evaluation = evaluate(rubric, org.agent_a1, evaluator, levels=(0, 1))
    evaluation = _revised(evaluation, org.agent_a1, lead, {first.pk: 1, second.pk: 0}, "复听发现泄露客户信息")
    assert (evaluation.score, evaluation.score_before_cap) == (0, 75)
    assert evaluation.critical_failed and evaluation.hr_review_needed and evaluation.hr_reviewed_at is None


def test_a_scorecard_is_revised_by_its_criteria_never_by_a_bare_score(rubric, org, qa):  # noqa: F811
    evaluator, lead, _plain = qa
    evaluation = evaluate(rubric, org.agent_a1, evaluator, levels=(0, 1))
    _to_the_qa_lead(evaluation, org.agent_a1, User.objects.get(employee_no="L0001"))
    with pytest.raises(ValidationError):
        evaluation_dispute_resolve(
            evaluation=evaluation, acting_user=lead, decision="revised", note="改分", new_score=Decimal(90)
        )
    evaluation.refresh_from_db()
    assert (evaluation.score, evaluation.dispute_status) == (25, "endorsed")


def test_critical_flags_follow_a_revision_applied_when_hr_undoes_the_publication(month, rubric):  # noqa: F811
    hr1 = month[4]
    evaluation = _published_and_revised(month, rubric, scored=(1, 0), revised=(1, 1))
    assert evaluation.critical_failed and evaluation.score == 0, "the published evaluation stays as it was"
    service_star_publication_undo(month=OCTOBER, reason="复核结果生效", acting_user=hr1)
    evaluation.refresh_from_db()
    assert (evaluation.score, evaluation.critical_failed, evaluation.hr_review_needed) == (100, False, False)


def test_a_revision_failing_another_critical_item_waits_for_hr_again(org, qa, hr_user):  # noqa: F811
    from assessments.models import Rubric, RubricCriterion
    from assessments.scorecards.services import evaluation_critical_review

    evaluator, lead, _plain = qa
    levels = [{"percent": 0, "label": "未达到"}, {"percent": 100, "label": "达到"}]
    two = Rubric.objects.create(name="双关键项评分表", kind="spot_check")
    privacy = RubricCriterion.objects.create(
        rubric=two, name="客户信息保密", weight=1, levels=levels, critical=True
    )
    abuse = RubricCriterion.objects.create(
        rubric=two, name="文明用语", weight=1, levels=levels, critical=True, order=1
    )
    evaluation = scorecard_evaluate(
        staff=org.agent_a1,
        rubric=two,
        on_date=date(2026, 10, 12),
        levels={privacy.pk: 0, abuse.pk: 1},
        acting_user=evaluator,
    )
    evaluation_critical_review(evaluation=evaluation, acting_user=hr_user, note="已确认泄露")
    evaluation = _revised(
        evaluation, org.agent_a1, lead, {privacy.pk: 1, abuse.pk: 0}, "信息未泄露，但有不文明用语"
    )
    assert evaluation.critical_failed and evaluation.hr_review_needed and evaluation.hr_reviewed_at is None
    evaluation_critical_review(evaluation=evaluation, acting_user=hr_user, note="确认不文明用语")
