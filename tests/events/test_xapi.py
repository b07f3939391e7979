"""xAPI: a learner's lesson, quiz, attendance and certificate become statements that a learning record store on
127.0.0.1 (strict about the xAPI 1.0.3 rules) accepts and returns for the person's account; the learner's
request never waits for the LRS, and a store that is down gets them later."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
import time_machine
from django.utils import timezone

from assessments.models import Attempt
from courses.services import attendance_record, enrolment_assign
from events.models import SendStatus, XapiStatement
from portal.months import first_of_month
from tests.assessments import factories as af
from tests.conftest import give_totp
from tests.courses import factories as cf
from tests.events.conftest import committed, run_worker
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _answers(attempt, *, correct: bool) -> dict:
    """The quiz page's fields: display positions of the chosen options, each item's version."""
    post = {}
    for item in attempt.items.all():
        post[f"v{item.slot}"] = str(item.version)
        if item.snapshot["qtype"] == "single_choice":
            post[f"q{item.slot}"] = str(item.order.index(0 if correct else 1))
        else:
            post[f"q{item.slot}"] = "95588" if correct else "110"
    return post


def _take_quiz(client, quiz, *, correct: bool) -> Attempt:
    client.post(f"/assessments/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.filter(quiz=quiz).latest("pk")
    with committed():
        client.post(f"/assessments/attempts/{attempt.pk}/submit/", _answers(attempt, correct=correct))
    attempt.refresh_from_db()
    return attempt


def _statements_of(lrs, employee_no: str, home_page: str) -> list[dict]:
    agent = json.dumps({"account": {"homePage": home_page, "name": employee_no}})
    response = requests.get(
        f"{lrs.endpoint}statements",
        params={"agent": agent},
        auth=("portal-key", "portal-secret"),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=5,
    )
    assert response.status_code == 200
    return response.json()["statements"]


@pytest.fixture
def learning(settings):
    """An enrolled learner, an online lesson and a lesson whose quiz (60 % to pass) completes it."""
    settings.PORTAL_BASE_URL = "https://portal.example.cn"
    learner = StaffFactory(employee_no="A1001", name="李小梅", email="xiaomei@example.cn")
    programme = cf.programme(kind="monthly", month=first_of_month(timezone.localdate()))
    module = cf.module(programme)
    reading = cf.lesson(module, title="倾听的技巧")
    practice = cf.lesson(module, title="投诉处理练习")
    bank = af.make_bank()
    quiz = af.make_quiz(
        [af.single_choice(bank), af.short_answer(bank)], lesson=practice, pass_percent=Decimal(60)
    )
    enrolment_assign(
        staff_ids=[learner.pk], programme=programme, assigned_on=first_of_month(timezone.localdate())
    )
    return learner, reading, quiz


def test_a_completed_lesson_and_a_passed_quiz_are_statements_the_lrs_accepts_and_returns(
    database_tasks, lrs, learning, client
):
    learner, reading, quiz = learning
    client.force_login(learner)
    assert client.get(reading.url).status_code == 200
    with committed():
        response = client.post(f"/courses/lessons/{reading.pk}/complete/")
    assert response.status_code == 302 and response["Location"] == reading.url
    attempt = _take_quiz(client, quiz, correct=True)
    assert attempt.passed
    assert lrs.statements == {}, "the learner's requests do not wait for the LRS"

    run_worker()

    assert lrs.rejected == []
    got = _statements_of(lrs, "A1001", "https://portal.example.cn")
    by_verb = {}
    for statement in got:
        by_verb.setdefault(statement["verb"]["id"].rsplit("/", 1)[1], []).append(statement)
    assert sorted(by_verb) == ["completed", "passed"]
    completed_ids = sorted(s["object"]["id"] for s in by_verb["completed"])
    assert completed_ids == sorted(
        f"https://portal.example.cn{lesson.url}" for lesson in (reading, quiz.lesson.specific)
    ), "the online lesson, and the quiz's lesson its pass completed"
    (passed,) = by_verb["passed"]
    assert passed["object"]["id"] == f"https://portal.example.cn/assessments/quizzes/{quiz.pk}/"
    assert passed["result"]["score"]["scaled"] == 1.0 and passed["result"]["success"] is True
    assert all(
        s["actor"]["account"] == {"homePage": "https://portal.example.cn", "name": "A1001"} for s in got
    )
    assert "xiaomei@example.cn" not in json.dumps(got) and "mbox" not in json.dumps(got)
    assert {str(row.pk) for row in XapiStatement.objects.all()} == {s["id"] for s in got}
    assert set(XapiStatement.objects.values_list("status", "response_code")) == {(SendStatus.SENT, 204)}
    assert _statements_of(lrs, "B2002", "https://portal.example.cn") == []


def test_attendance_and_a_failed_quiz_wait_for_a_store_that_is_down_and_arrive_later(
    database_tasks, lrs, learning, client, settings
):
    learner, _reading, quiz = learning
    trainer = give_totp(StaffFactory(role="trainer", employee_no="T0001"))
    session = cf.lesson(quiz.lesson.get_parent(), title="线下情景演练", mode="offline", hours="2")
    lrs_url = settings.XAPI_LRS_URL
    settings.XAPI_LRS_URL = "http://127.0.0.1:9/xAPI/"  # nothing listens there
    client.force_login(learner)
    attempt = _take_quiz(client, quiz, correct=False)
    assert attempt.passed is False
    with committed():
        attendance_record(
            lesson=session, on_date=timezone.localdate(), staff_ids=[learner.pk], acting_user=trainer
        )
    run_worker()
    rows = list(XapiStatement.objects.order_by("verb"))
    assert [(r.verb, r.status, r.attempts, r.error_code) for r in rows] == [
        ("attended", SendStatus.QUEUED, 1, "ConnectionError"),
        ("failed", SendStatus.QUEUED, 1, "ConnectionError"),
    ]

    settings.XAPI_LRS_URL = lrs_url  # the store is back before the next attempt
    with time_machine.travel(max(r.next_attempt_at for r in rows) + timedelta(seconds=1), tick=True):
        run_worker()
    assert lrs.rejected == []
    got = {
        s["verb"]["id"].rsplit("/", 1)[1]: s
        for s in _statements_of(lrs, "A1001", "https://portal.example.cn")
    }
    assert sorted(got) == ["attended", "failed"]
    assert got["failed"]["result"]["score"]["scaled"] == 0.0 and got["failed"]["result"]["success"] is False
    assert got["attended"]["object"]["id"] == f"https://portal.example.cn{session.url}"
    assert set(XapiStatement.objects.values_list("status", flat=True)) == {SendStatus.SENT}
