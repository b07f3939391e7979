"""The month close HR can trust: approve and publish only an ended month with its KPIs and no open dispute, a
reason for every money decision, and the password again when this session signed in over 15 minutes ago."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import Evaluation, ScoringPolicyVersion
from assessments.scorecards.services import evaluation_dispute
from incentives.models import AwardPolicy, RoundStatus, ServiceStarRound
from incentives.services import (
    case_nominate,
    service_star_round_approve,
    service_star_round_publish,
    suggestion_submit,
)
from portal.models import AuditEvent
from portal.months import first_of_month
from tests.conftest import sign_in
from tests.factories import StaffFactory
from tests.incentives.factories import OCTOBER, hr, month_data

pytestmark = pytest.mark.django_db

MONTH_URL = reverse("incentives:star-month", args=["2026-10"])
APPROVE = {"action": "approve", "reason": "核对无误", "acknowledgement": "已知悉"}


@pytest.fixture
def winner(db):
    return month_data(StaffFactory(employee_no="S0001", name="王伟"))


def test_the_month_in_progress_cannot_be_approved_and_the_page_says_why(winner, client):
    this_month = first_of_month(timezone.localdate())
    month_data(winner, month=this_month)
    user = hr("HR1")
    with pytest.raises(ValidationError, match="has not ended"):
        service_star_round_approve(month=this_month, acting_user=user, reason="x", acknowledgement="y")
    sign_in(client, user)
    page = client.get(reverse("incentives:star-month", args=[f"{this_month:%Y-%m}"]))
    assert 'data-check="month_ended" class="bad"' in page.content.decode()
    assert 'id="approve-form"' not in page.content.decode()
    client.post(reverse("incentives:star-month", args=[f"{this_month:%Y-%m}"]), APPROVE)
    assert not ServiceStarRound.objects.filter(status=RoundStatus.APPROVED).exists()


def test_a_month_without_its_kpi_import_cannot_be_approved(client):
    month_data(StaffFactory(employee_no="S0002"), contacts=None)
    with pytest.raises(ValidationError, match="KPIs have not been imported"):
        service_star_round_approve(month=OCTOBER, acting_user=hr("HR1"), reason="x", acknowledgement="y")


def test_an_open_dispute_on_a_candidates_evaluation_holds_approval_and_publication_naming_it(winner):
    evaluation = Evaluation.objects.get(staff=winner)
    user = hr("HR1")
    service_star_round_approve(month=OCTOBER, acting_user=user, reason="核对无误")
    evaluation_dispute(evaluation=evaluation, reason="抽查录音不是我的", acting_user=winner)
    assert Evaluation.objects.get(pk=evaluation.pk).dispute_is_open
    with pytest.raises(ValidationError) as refused:
        service_star_round_publish(month=OCTOBER, acting_user=hr("HR2"), reason="公示")
    text = " ".join(refused.value.messages)
    assert "S0001 王伟" in text and f"evaluation {evaluation.pk}" in text
    with pytest.raises(ValidationError, match="Open disputes"):
        service_star_round_approve(month=OCTOBER, acting_user=user, reason="再次审核")
    assert ServiceStarRound.objects.get().status == RoundStatus.APPROVED


def test_warnings_need_a_written_acknowledgement_kept_with_the_approval(winner):
    StaffFactory(employee_no="S0009", name="李娜")  # scored, but no KPI row this month
    user = hr("HR1")
    with pytest.raises(ValidationError) as refused:
        service_star_round_approve(month=OCTOBER, acting_user=user, reason="核对无误")
    assert "S0009 李娜" in " ".join(refused.value.messages)
    service_star_round_approve(
        month=OCTOBER, acting_user=user, reason="核对无误", acknowledgement="李娜本月调岗"
    )
    event = AuditEvent.objects.get(action="incentives.star.approve")
    assert event.reason == "核对无误"
    assert event.data["acknowledgement"] == "李娜本月调岗" and event.data["warnings"] == ["kpis_complete"]


def test_approve_publish_and_award_approval_each_need_a_reason(winner):
    user = hr("HR1")
    with pytest.raises(ValidationError, match="reason for the approval"):
        service_star_round_approve(month=OCTOBER, acting_user=user, reason=" ")
    service_star_round_approve(month=OCTOBER, acting_user=user, reason="核对无误")
    with pytest.raises(ValidationError, match="reason for publishing"):
        service_star_round_publish(month=OCTOBER, acting_user=user, reason="")


def test_the_review_page_says_who_may_approve_before_the_click(winner, client):
    hr1 = hr("HR1", name="何人力")
    hr("HR2", name="韩质量")
    sign_in(client, hr1)
    client.post(MONTH_URL, {"action": "exclude", "employee_no": "S0001", "reason": "投诉核查中"})
    html = client.get(MONTH_URL).content.decode()
    who = html.split('id="who-approves">')[1].split("</p>")[0]
    assert "韩质量" in who and "何人力" not in who


def _old_session(client, user):
    """This session signed in 16 minutes ago; the same person signed in on another device just now."""
    sign_in(client, user, seconds_ago=16 * 60)
    type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())


def _asks_for_password(response) -> bool:
    return response.status_code == 302 and "reauthenticate" in response["Location"]


def test_every_money_decision_asks_for_the_password_in_a_session_signed_in_16_minutes_ago(
    winner, client, org
):
    user = hr("HR1")
    _old_session(client, user)
    for action in (
        {**APPROVE},
        {"action": "publish", "reason": "公示"},
        {"action": "undo", "reason": "更正"},
    ):
        assert _asks_for_password(client.post(MONTH_URL, action)), action
    assert not ServiceStarRound.objects.exists()

    suggestion = suggestion_submit(
        title="缩短转接等待", problem="p", proposal="q", expected_benefit="r", acting_user=org.agent_a1
    )
    url = reverse("incentives:suggestion-detail", args=[suggestion.pk])
    assert _asks_for_password(client.post(url, {"action": "approve_award", "reason": "复核"}))

    nomination = case_nominate(
        nominee=org.agent_a1,
        month=OCTOBER,
        title="老人来电一站式办理",
        situation="s",
        action="a",
        result="r",
        acting_user=org.lead_a1,
    )
    url = reverse("incentives:case-detail", args=[nomination.pk])
    assert _asks_for_password(client.post(url, {"decision": "approve", "note": "有推广价值"}))

    versions = ScoringPolicyVersion.objects.count()
    assert _asks_for_password(client.post(reverse("assessments:policy-new"), {"reason": "调整"}))
    assert ScoringPolicyVersion.objects.count() == versions

    policy = AwardPolicy.objects.get()
    edit = reverse("awardpolicy:edit", args=[policy.pk])
    response = client.post(edit, {"change_reason": "调整"})
    assert _asks_for_password(response), response.status_code


def test_a_fresh_session_decides_without_being_asked_again(winner, client):
    user = hr("HR1")
    sign_in(client, user, seconds_ago=60)
    client.post(MONTH_URL, APPROVE)
    assert ServiceStarRound.objects.get().status == RoundStatus.APPROVED
    assert timezone.now() - ServiceStarRound.objects.get().approved_at < timedelta(minutes=1)
