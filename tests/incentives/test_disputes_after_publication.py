"""Disputes hold the payout at every step of the appeal chain, and a dispute decided after publication is kept
beside the frozen score: when it would change the winners HR is told and decides (undo and republish, or keep with
a written reason, with step-up), nothing changing silently."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.models import DisputeStep, Evaluation, MonthlyScore, ScoringPolicyVersion
from assessments.scorecards.services import (
    evaluation_dispute,
    evaluation_dispute_resolve,
    evaluation_dispute_review,
    qa_lead_appoint,
)
from incentives.models import RevisionReviewStatus, ServiceStarEntry, StarRevisionReview
from incentives.services import (
    service_star_publication_undo,
    service_star_round_approve,
    service_star_round_publish,
    star_revision_keep,
)
from notifications.models import Notification
from portal.models import AuditEvent
from portal.services import month_is_locked
from tests.conftest import sign_in
from tests.factories import StaffFactory, TeamFactory
from tests.incentives.factories import OCTOBER, hr, month_data

pytestmark = pytest.mark.django_db

MONTH_URL = reverse("incentives:star-month", args=["2026-10"])


@pytest.fixture
def month():
    """October with one Service Star place: 王伟 (quality 90) wins over 李娜 (quality 80); their team lead and a
    QA lead who did not make the evaluations."""
    ScoringPolicyVersion.objects.filter(effective_month__isnull=True).update(winners=1)
    team = TeamFactory(name="热线一组")
    wang = month_data(StaffFactory(employee_no="S0001", name="王伟", team=team), quality="90")
    li = month_data(StaffFactory(employee_no="S0002", name="李娜", team=team), quality="80")
    lead = StaffFactory(role="team_lead", team=team, employee_no="L0001")
    hr1, hr2 = hr("HR1"), hr("HR2")
    qa_lead = StaffFactory(role="trainer", employee_no="QA02")
    qa_lead_appoint(user=qa_lead, acting_user=hr1, reason="质检组长")
    return wang, li, lead, qa_lead, hr1, hr2


def publish(hr1, hr2):
    service_star_round_approve(
        month=OCTOBER, acting_user=hr1, reason="核对无误", acknowledgement="组长本月不考核KPI"
    )
    service_star_round_publish(month=OCTOBER, acting_user=hr2, reason="公示")


def through_the_chain(evaluation, staff, lead, qa_lead, new_score):
    evaluation_dispute(evaluation=evaluation, acting_user=staff, reason="抽查录音不是我的")
    evaluation_dispute_review(evaluation=evaluation, acting_user=lead, endorse=True, note="同意复核")
    return evaluation_dispute_resolve(
        evaluation=evaluation, acting_user=qa_lead, decision="revised", note="复核后调整", new_score=new_score
    )


def test_an_endorsed_dispute_still_holds_approval_naming_it(month):
    wang, _li, lead, _qa_lead, hr1, _hr2 = month
    evaluation = Evaluation.objects.get(staff=wang)
    evaluation_dispute(evaluation=evaluation, acting_user=wang, reason="抽查录音不是我的")
    evaluation_dispute_review(evaluation=evaluation, acting_user=lead, endorse=True, note="同意复核")
    with pytest.raises(ValidationError) as refused:
        service_star_round_approve(month=OCTOBER, acting_user=hr1, reason="核对无误")
    assert f"evaluation {evaluation.pk}" in " ".join(refused.value.messages)


def test_a_revision_after_publication_that_changes_the_winners_is_flagged_to_hr_and_changes_nothing(
    month, client, django_capture_on_commit_callbacks
):
    wang, _li, lead, qa_lead, hr1, hr2 = month
    publish(hr1, hr2)
    frozen = MonthlyScore.objects.get(staff=wang, month=OCTOBER).composite
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = through_the_chain(Evaluation.objects.get(staff=wang), wang, lead, qa_lead, Decimal(40))

    evaluation.refresh_from_db()
    assert (evaluation.dispute_status, evaluation.score, evaluation.revised_score_pending) == (
        "revised",
        Decimal("90.00"),
        Decimal("40.00"),
    )
    assert month_is_locked(OCTOBER)
    assert MonthlyScore.objects.get(staff=wang, month=OCTOBER).composite == frozen
    assert list(ServiceStarEntry.objects.filter(winner=True).values_list("employee_no", flat=True)) == [
        "S0001"
    ]
    review = StarRevisionReview.objects.get()
    assert (review.status, review.winners_published, review.winners_revised) == (
        "pending",
        ["S0001"],
        ["S0002"],
    )
    assert {n.recipient for n in Notification.objects.filter(kind="star_revision")} == {hr1, hr2}

    sign_in(client, hr1)
    assert (
        "/incentives/stars/2026-10/"
        in client.get("/portal/").content.decode().split('id="star-revisions-panel"')[1]
    )
    page = client.get(MONTH_URL).content.decode()
    assert 'id="revision-reviews"' in page and f'data-review="{review.pk}" data-status="pending"' in page
    client.force_login(wang)
    mine = client.get(f"/assessments/evaluations/{evaluation.pk}/").content.decode()
    assert 'id="revised-after-publication"' in mine and "40.00" in mine


def test_a_revision_that_leaves_the_winners_as_they_are_is_only_recorded_beside_the_score(
    month, django_capture_on_commit_callbacks
):
    _wang, li, lead, qa_lead, hr1, hr2 = month
    publish(hr1, hr2)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = through_the_chain(Evaluation.objects.get(staff=li), li, lead, qa_lead, Decimal(70))
    assert evaluation.revised_score_pending == Decimal("70.00") and evaluation.score == Decimal("80.00")
    assert (
        not StarRevisionReview.objects.exists()
        and not Notification.objects.filter(kind="star_revision").exists()
    )


def test_hr_keeps_the_published_list_with_a_reason_after_step_up(month, client):
    wang, _li, lead, qa_lead, hr1, hr2 = month
    publish(hr1, hr2)
    evaluation = through_the_chain(Evaluation.objects.get(staff=wang), wang, lead, qa_lead, Decimal(40))
    review = StarRevisionReview.objects.get()
    with pytest.raises(PermissionDenied):
        star_revision_keep(review=review, acting_user=lead, reason="x")
    with pytest.raises(ValidationError):
        star_revision_keep(review=review, acting_user=hr1, reason=" ")

    keep = {"action": "keep_revision", "review": review.pk, "reason": "奖金已发放，下月补偿"}
    sign_in(client, hr1, seconds_ago=16 * 60)
    response = client.post(MONTH_URL, keep)
    assert "reauthenticate" in response.headers.get("Location", "")
    assert StarRevisionReview.objects.get().status == "pending"
    sign_in(client, hr1)
    client.post(MONTH_URL, keep)
    review.refresh_from_db()
    assert (review.status, review.decided_by, review.reason) == ("kept", hr1, "奖金已发放，下月补偿")
    event = AuditEvent.objects.get(action="incentives.star.revision_keep")
    assert event.actor == hr1 and event.reason == "奖金已发放，下月补偿"
    assert DisputeStep.objects.filter(
        evaluation=evaluation, kind="hr_kept", note="奖金已发放，下月补偿"
    ).exists()
    assert month_is_locked(OCTOBER)
    assert Evaluation.objects.get(pk=evaluation.pk).score == Decimal("90.00")
    with pytest.raises(ValidationError):
        star_revision_keep(review=review, acting_user=hr2, reason="再次")


def test_undoing_the_publication_applies_the_revision_and_the_month_republishes_with_the_new_winner(month):
    wang, _li, lead, qa_lead, hr1, hr2 = month
    publish(hr1, hr2)
    evaluation = through_the_chain(Evaluation.objects.get(staff=wang), wang, lead, qa_lead, Decimal(40))
    service_star_publication_undo(month=OCTOBER, reason="申诉改分，重新评选", acting_user=hr2)

    evaluation.refresh_from_db()
    assert (evaluation.score, evaluation.original_score, evaluation.revised_score_pending) == (
        Decimal("40.00"),
        Decimal("90.00"),
        None,
    )
    review = StarRevisionReview.objects.get()
    assert (review.status, review.reason) == (RevisionReviewStatus.UNDONE, "申诉改分，重新评选")
    assert AuditEvent.objects.get(action="incentives.star.undo").data["revisions_applied"] == [evaluation.pk]
    assert DisputeStep.objects.filter(evaluation=evaluation, kind="hr_undone").exists()
    publish(hr1, hr2)
    assert list(
        ServiceStarEntry.objects.filter(winner=True, publication__undone_at__isnull=True).values_list(
            "employee_no", flat=True
        )
    ) == ["S0002"]
