"""The daily reminders: what each finder finds, each reminder once per person and trigger, the team leads'
digest, kinds HR switched off."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments.certificates.reminders import certificate_expiring_reminders
from assessments.models import Evaluation
from assessments.scorecards.services import evaluation_dispute_review, qa_lead_appoint
from courses.models import Enrolment, SopAcknowledgement, SopRevision
from courses.services import enrolment_assign
from incentives.services import suggestion_submit
from notifications.models import Notification, NotificationPolicy, ReminderSent
from notifications.reminders import reminders_run
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def kinds_of(person):
    return sorted(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


@pytest.fixture
def module(org):
    programme, _lessons = cf.monthly(date(2026, 3, 1), title="客户心理学")
    Enrolment.objects.filter(programme=programme).delete()
    enrolment_assign(
        staff_ids=[org.agent_a1.pk, org.agent_a1b.pk],
        programme=programme,
        assigned_on=date(2026, 3, 1),
        due_on=date(2026, 3, 13),
    )
    Enrolment.objects.filter(staff=org.agent_a1b).update(completed_on=date(2026, 3, 5))
    return programme


def test_a_module_due_in_three_days_is_reminded_once_however_often_the_run_runs(org, module):
    first = reminders_run(today=TODAY)
    assert kinds_of(org.agent_a1) == ["module_due"] and kinds_of(org.agent_a1b) == []
    assert first.as_json()["by_kind"]["module_due"] == 2  # the notification centre and e-mail
    assert ReminderSent.objects.get(recipient=org.agent_a1).key.endswith(":due3")
    again = reminders_run(today=TODAY)
    assert (again.send.sent, again.send.held) == (0, 0)
    reminders_run(today=TODAY + timedelta(days=1))  # two days left: the 3-day step is already sent
    assert kinds_of(org.agent_a1) == ["module_due"]
    reminders_run(today=TODAY + timedelta(days=2))
    assert kinds_of(org.agent_a1) == ["module_due", "module_due"]


def test_an_overdue_module_reaches_the_person_and_their_team_leads_digest(org, module):
    reminders_run(today=date(2026, 3, 14))
    assert kinds_of(org.agent_a1) == ["module_overdue"]
    digest = Notification.objects.get(recipient=org.lead_a1)
    assert digest.kind == "lead_digest"
    assert org.agent_a1.name in digest.body and "客户心理学" in digest.body
    assert kinds_of(org.agent_a2) == [], "another team's lead and members hear nothing"
    reminders_run(today=date(2026, 3, 14))
    assert Notification.objects.filter(recipient=org.lead_a1).count() == 1, "one digest a day"
    reminders_run(today=date(2026, 3, 15))
    assert kinds_of(org.agent_a1) == ["module_overdue"], "the person is told once"
    assert Notification.objects.filter(recipient=org.lead_a1).count() == 2, "the lead every day it is overdue"


def test_a_kind_switched_off_is_not_sent_and_not_recorded(org, module):
    NotificationPolicy.objects.update(disabled_kinds=["module_due"])
    result = reminders_run(today=TODAY)
    assert result.as_json()["by_kind"]["module_due"] == 0 and not ReminderSent.objects.exists()
    NotificationPolicy.objects.update(disabled_kinds=[])
    assert reminders_run(today=TODAY).as_json()["by_kind"]["module_due"] == 2


def test_an_sop_change_unread_after_three_days_is_reminded_to_who_has_not_confirmed(org):
    programme, (lesson,) = cf.onboarding(online=("1",), offline=())
    revision = SopRevision.objects.create(
        lesson=lesson, title="投诉处理SOP", published_on=TODAY - timedelta(days=2)
    )
    SopAcknowledgement.objects.create(sop_revision=revision, staff=org.agent_a1b)
    reminders_run(today=TODAY)
    assert not Notification.objects.filter(kind="sop_unread").exists(), "two days: not yet"
    reminders_run(today=TODAY + timedelta(days=1))
    unread = set(
        Notification.objects.filter(kind="sop_unread").values_list("recipient__employee_no", flat=True)
    )
    assert {"A0001", "A0003", "B0001", "L0001"} <= unread and "A0002" not in unread
    assert "M0001" not in unread, "managers do not re-read SOPs"


def test_onboarding_behind_its_pace_is_reminded_weekly(org):
    programme, lessons = cf.onboarding(online=("4", "4"), offline=("6", "6"))
    new_hire = StaffFactory(role="new_hire", team=org.team_a1, onboarded_on=None)
    Enrolment.objects.filter(staff=new_hire).delete()
    enrolment_assign(
        staff_ids=[new_hire.pk], programme=programme, assigned_on=TODAY, due_on=TODAY + timedelta(days=10)
    )
    reminders_run(today=TODAY)
    assert kinds_of(new_hire) == [], "nothing is expected on the first day"
    reminders_run(today=TODAY + timedelta(days=2))
    (behind,) = Notification.objects.filter(recipient=new_hire)
    assert behind.kind == "onboarding_behind" and "4.00" in behind.body, "20 hours × 2/10 days"
    assert Notification.objects.filter(recipient=org.lead_a1, kind="lead_digest").exists()
    reminders_run(today=TODAY + timedelta(days=3))  # the same calendar week
    assert kinds_of(new_hire) == ["onboarding_behind"]
    reminders_run(today=TODAY + timedelta(days=7))  # the next week, still behind
    assert kinds_of(new_hire) == ["onboarding_behind", "onboarding_behind"]


def test_a_dispute_waiting_more_than_two_days_is_reminded_to_the_team_lead_then_the_qa_leads(org, hr_user):
    first_qa = StaffFactory(role="trainer", employee_no="QA01")
    second_qa = StaffFactory(role="trainer", employee_no="QA02")
    for qa in (first_qa, second_qa):
        qa_lead_appoint(user=qa, acting_user=hr_user, reason="质检组长")
    evaluation = Evaluation.objects.create(
        staff=org.agent_a1,
        date=date(2026, 3, 2),
        kind="spot_check",
        score=60,
        evaluator="QA01",
        evaluator_user=first_qa,
        dispute_status="open",
        dispute_reason="录音不完整",
        disputed_at=timezone.make_aware(timezone.datetime(2026, 3, 7, 18, 0)),
    )
    reminders_run(today=date(2026, 3, 9))
    assert not Notification.objects.filter(kind="decision_waiting").exists(), "two days: not yet"
    reminders_run(today=date(2026, 3, 10))
    (waiting,) = Notification.objects.filter(kind="decision_waiting")
    assert waiting.recipient == org.lead_a1
    assert org.agent_a1.name in waiting.body and waiting.url.endswith(f"/evaluations/{evaluation.pk}/")

    evaluation_dispute_review(evaluation=evaluation, acting_user=org.lead_a1, endorse=True, note="同意复核")
    endorsed_on = timezone.localdate()
    reminders_run(today=endorsed_on + timedelta(days=3))
    (to_qa,) = Notification.objects.filter(kind="decision_waiting", recipient__role="trainer")
    assert to_qa.recipient == second_qa, "never the QA lead who made the evaluation"


def test_the_monthly_suggestion_status_goes_out_once_on_the_first_run_of_the_next_month(org, hr_user):
    suggestion_submit(
        title="缩短转接等待", problem="p", proposal="q", expected_benefit="b", acting_user=org.agent_a1
    )
    submitted = timezone.localdate()
    next_month = (submitted.replace(day=1) + timedelta(days=32)).replace(day=1)
    reminders_run(today=next_month)
    (status,) = Notification.objects.filter(kind="suggestion_status")
    assert status.recipient == org.agent_a1 and "缩短转接等待" in status.body
    reminders_run(today=next_month + timedelta(days=1))
    assert Notification.objects.filter(kind="suggestion_status").count() == 1


def test_without_certificates_none_is_expiring():
    assert certificate_expiring_reminders(TODAY) == []
