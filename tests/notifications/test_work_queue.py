"""One work queue for trainers and QA: sampled calls to evaluate, calibration calls to score and references to
set, evaluations to review, offline sessions to sign (and the existing disputes and essays), with due dates,
overdue first, and counts on the home page."""

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.calibration import services as calibration
from assessments.models import Call, QaLead, Rubric, RubricCriterion
from assessments.qa.rules import spot_check_due_on
from assessments.qa.services import call_import, qa_sample_draw
from courses.services import offline_session_close, offline_session_create
from notifications import rules
from notifications.reminders import decisions_waiting_for, reminders_find, work_queue_for
from portal.models import MonthLock, User
from tests.conftest import sign_in
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
LEVELS = [{"percent": 0, "label": "否"}, {"percent": 100, "label": "是"}]


# --- The order, without a database -----------------------------------------------------------------------------


def test_overdue_work_comes_first_then_by_due_date_then_the_longest_waiting():
    today = date(2026, 11, 10)
    at = datetime(2026, 11, 1, 9, 0)
    items = {
        "no due date, waiting longest": (None, at - timedelta(days=9)),
        "due later": (date(2026, 11, 20), at),
        "due today": (date(2026, 11, 10), at),
        "overdue by 1 day": (date(2026, 11, 9), at),
        "overdue by 5 days": (date(2026, 11, 5), at + timedelta(days=3)),
        "no due date": (None, at),
    }
    ordered = sorted(
        items, key=lambda k: rules.work_queue_key(due_on=items[k][0], since=items[k][1], today=today, key=k)
    )
    assert ordered == [
        "overdue by 5 days",
        "overdue by 1 day",
        "due today",
        "due later",
        "no due date, waiting longest",
        "no due date",
    ]


def test_counts_per_kind_of_work_with_the_overdue_among_them():
    entries = [
        ("Call to evaluate", False),
        ("Essay", False),
        ("Call to evaluate", True),
        ("Call to evaluate", False),
    ]
    assert rules.queue_counts(entries) == [("Call to evaluate", 3, 1), ("Essay", 1, 0)]


def test_a_sampled_call_is_due_by_its_months_end_or_a_week_after_a_late_draw():
    assert spot_check_due_on(date(2026, 10, 1), date(2026, 10, 3)) == date(2026, 10, 31)
    assert spot_check_due_on(date(2026, 10, 1), date(2026, 10, 28)) == date(2026, 11, 4)


# --- The queue of one trainer/QA evaluator ---------------------------------------------------------------------


@pytest.fixture
def busy(org):
    """Q0001 has an overdue calibration call, an overdue offline session, and a sampled call to evaluate."""
    today = timezone.localdate()
    evaluator = StaffFactory(role="trainer", employee_no="Q0001")
    other = StaffFactory(role="trainer", employee_no="Q0002")
    lead = StaffFactory(role="trainer", employee_no="Q0009")
    QaLead.objects.create(user=lead, reason="calibration tests")
    lead = User.objects.get(pk=lead.pk)
    call_import(
        data=(
            "call_id,employee_no,started_at,duration_s,channel,recording_url,transcript\n"
            f"C-1,A0001,{today:%Y-%m-%d} 08:00,300,phone,,\n"
        ).encode(),
        file_name="calls.csv",
    )
    call = Call.objects.get()
    rubric = Rubric.objects.create(name="录音抽查", kind="spot_check")
    RubricCriterion.objects.create(rubric=rubric, name="礼貌用语", weight=D(1), levels=LEVELS)
    five_days_ago = timezone.now() - timedelta(days=5)
    session = calibration.calibration_session_open(
        call=call,
        rubric=rubric,
        evaluators=[evaluator, other],
        score_by=today - timedelta(days=3),
        acting_user=lead,
        now=five_days_ago,
    )
    _programme, lessons = cf.onboarding(online=(), offline=("6",))
    offline = offline_session_create(
        lesson=lessons[0], starts_at=timezone.now() - timedelta(days=2), room="A301", acting_user=evaluator
    )
    # Only Q0001 takes spot checks this month: the other two are moved out of the trainer role for the draw.
    User.objects.filter(pk__in=[other.pk, lead.pk]).update(role="hr")
    qa_sample_draw(month=today)
    User.objects.filter(pk__in=[other.pk, lead.pk]).update(role="trainer")
    return {
        "evaluator": evaluator,
        "other": other,
        "lead": lead,
        "session": session,
        "offline": offline,
        "call": call,
        "today": today,
    }


def test_the_queue_lists_each_kind_of_work_overdue_first_with_due_dates(busy):
    items = work_queue_for(busy["evaluator"], timezone.now())
    today = busy["today"]
    assert [(str(i.data["what"]), i.due_on, i.data["overdue"]) for i in items] == [
        ("Calibration call to score", today - timedelta(days=3), True),
        ("Offline session to sign", today - timedelta(days=2), True),
        ("Call to evaluate", spot_check_due_on(today.replace(day=1), today), False),
    ]
    assert items[0].url == reverse("assessments:calibration-session", args=[busy["session"].pk])
    assert items[1].url == reverse("courses:session", args=[busy["offline"].pk])


def test_work_done_leaves_the_queue(busy):
    calibration.calibration_scores_submit(
        session_id=busy["session"].pk,
        levels={busy["session"].criteria.get().pk: 1},
        acting_user=busy["evaluator"],
    )
    offline_session_close(session=busy["offline"], acting_user=busy["evaluator"])
    assert [str(i.data["what"]) for i in work_queue_for(busy["evaluator"], timezone.now())] == [
        "Call to evaluate"
    ]
    # The lead now has a reference to set, due on the session's scoring date.
    (lead_item,) = work_queue_for(busy["lead"], timezone.now())
    assert str(lead_item.data["what"]) == "Calibration reference to set" and lead_item.data["overdue"]


def test_a_sampled_call_of_a_published_month_leaves_the_queue(busy):
    MonthLock.objects.create(month=busy["today"].replace(day=1))
    assert "Call to evaluate" not in {
        str(i.data["what"]) for i in work_queue_for(busy["evaluator"], timezone.now())
    }


def test_nobody_sees_another_persons_work(busy):
    other = {str(i.data["what"]) for i in decisions_waiting_for(busy["other"], timezone.now())}
    assert other == {"Calibration call to score"}
    assert decisions_waiting_for(busy["call"].staff, timezone.now()) == []


def test_the_daily_run_reminds_of_the_work_waiting_more_than_two_days_only(busy):
    found = {r.key for r in reminders_find(busy["today"]) if r.recipient_id == busy["evaluator"].pk}
    assert f"calibration:{busy['session'].pk}" in found
    assert not any(key.startswith(("qa-call:", "offline-session:")) for key in found), "waiting under 3 days"


def test_the_queue_page_and_the_home_page_show_counts_and_overdue_first(busy, client):
    sign_in(client, busy["evaluator"])
    page = client.get(reverse("notifications:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 items waiting" in page and "2 overdue" in page
    assert (
        page.index("Calibration call to score")
        < page.index("Offline session to sign")
        < page.index("Call to evaluate")
    )
    home = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 items waiting for my decision" in home and "2 overdue" in home
    assert "Call to evaluate: 1" in home and reverse("notifications:queue") in home
    chinese = client.get(reverse("notifications:queue")).content.decode()
    assert "我的待办" in chinese and "待评分的校准录音" in chinese


def test_an_empty_queue_says_what_will_appear(client, org):
    sign_in(client, StaffFactory(role="trainer", employee_no="Q0005"))
    page = client.get(reverse("notifications:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing is waiting for you" in page
