"""What waits for my decision, on my home page: every approval, dispute and review I may take, however recent
(the daily reminders repeat only what has waited more than two days), never what I may not decide."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Evaluation
from incentives.models import RoundStatus, ServiceStarRound
from incentives.services import suggestion_submit
from tests.assessments.factories import kpi_record
from tests.conftest import give_totp, sign_in
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def home_text(client, user) -> str:
    sign_in(client, user)
    return client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_an_ended_month_with_kpis_waits_for_hr_until_its_stars_are_published(client, org, hr_user):
    kpi_record(org.agent_a1, date(2026, 3, 1))
    this_month = timezone.localdate().replace(day=1)
    kpi_record(org.agent_a1, this_month)
    page = home_text(client, hr_user)
    assert "Service Stars to approve · 2026-03" in page
    assert f"{this_month:%Y-%m}" not in page, "a month in progress is not waiting for anyone"

    ServiceStarRound.objects.create(month=date(2026, 3, 1), status=RoundStatus.PUBLISHED)
    assert "waiting-for-me" not in home_text(client, hr_user)


def test_a_dispute_opened_today_waits_for_the_other_evaluators_only(client, org):
    first_qa = StaffFactory(role="trainer", employee_no="QA01")
    second_qa = StaffFactory(role="trainer", employee_no="QA02")
    Evaluation.objects.create(
        staff=org.agent_a1,
        date=date(2026, 3, 2),
        kind="spot_check",
        score=60,
        evaluator="QA01",
        evaluator_user=first_qa,
        dispute_status="open",
        dispute_reason="录音不完整",
        disputed_at=timezone.now(),
    )
    assert f"Disputed evaluation · {org.agent_a1.name} · 2026-03-02" in home_text(client, second_qa)
    assert "waiting-for-me" not in home_text(client, first_qa)
    assert "waiting-for-me" not in home_text(client, org.agent_a1)


def test_a_suggestion_waits_for_reviewers_but_not_for_its_submitter(client, org, hr_user):
    reviewer = give_totp(StaffFactory(role="hr", employee_no="HR002"))
    suggestion_submit(
        acting_user=hr_user,
        title="工单模板合并",
        problem="重复录入",
        proposal="合并模板",
        expected_benefit="省时",
    )
    assert "Suggestion to review · 工单模板合并" in home_text(client, reviewer)
    assert "工单模板合并" not in home_text(client, hr_user)


def test_the_list_speaks_chinese_by_default(client, org, hr_user):
    kpi_record(org.agent_a1, date(2026, 3, 1))
    sign_in(client, hr_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "等待我决定" in page and "待审批的服务之星 · 2026-03" in page
