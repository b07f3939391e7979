"""Reads never write: every role opens every page that takes a month, for a far-future month, this month, the
next month, an open and a published past month and malformed months, and the read commands run for them; every
table is unchanged but sign-in bookkeeping (sessions, last login).

The company is built once for the module: a published month, an open month with stored scores, and this month
with KPI data written past the services (so its scores are computed on each read and must not be stored).
"""

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from assessments.models import KpiRecord, MonthlyScore
from incentives.services import service_star_round_approve, service_star_round_publish
from portal.months import add_months, first_of_month
from tests.assessments.factories import make_bank, single_choice
from tests.conftest import give_totp
from tests.factories import StaffFactory, make_org
from tests.incentives.factories import month_data

pytestmark = pytest.mark.django_db

# Sign-in bookkeeping: the only rows a read may touch.
SKIPPED_TABLES = {"django_session", "usersessions_usersession"}
SKIPPED_COLUMNS = {"portal_user": {"last_login"}}
ROLES = ("new_hire", "agent", "team_lead", "manager", "trainer", "hr", "admin")
MALFORMED = ("2026-13", "abc")
NO_DATA = "2030-06"


@dataclass
class World:
    clients: dict[str, Client]
    months: list[str]  # well-formed months every role opens: far future, this month, next month
    past: list[str]  # an open month with stored scores and a published one
    published: str
    open_stored: str
    this_month: str
    next_month: str


def _text(month: date) -> str:
    return f"{month:%Y-%m}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        this_month = first_of_month(timezone.localdate())
        published, open_stored = add_months(this_month, -2), add_months(this_month, -1)
        org = make_org()
        people = {
            "new_hire": StaffFactory(role="new_hire", onboarded_on=None),
            "agent": org.agent_a1,
            "team_lead": org.lead_a1,
            "manager": org.manager_a,
            "trainer": StaffFactory(role="trainer"),
            "hr": give_totp(StaffFactory(role="hr")),
            "admin": give_totp(StaffFactory(role="admin")),
        }
        for agent in (org.agent_a1, org.agent_a1b, org.agent_a2, org.lead_a1):
            month_data(agent, month=published)
            month_data(agent, month=open_stored, quality="80")
        service_star_round_approve(
            month=published, acting_user=people["hr"], reason="核对无误", acknowledgement="已知悉"
        )
        service_star_round_publish(month=published, acting_user=people["hr"], reason="按规则公示")
        # This month's KPI rows arrive without a service: reads compute its scores and must not store them.
        KpiRecord.objects.create(
            staff=org.agent_a1,
            month=this_month,
            contacts_handled=120,
            response_timeliness_rate=99,
            resolution_rate=96,
            satisfaction_rate=93,
            complaint_rate="0.3",
            major_complaints=0,
        )
        single_choice(make_bank("服务规范"))
        clients = {}
        for role, person in people.items():
            clients[role] = Client()
            clients[role].force_login(person)
        months = [NO_DATA, _text(this_month), _text(add_months(this_month, 1))]
        yield World(
            clients=clients,
            months=months,
            past=[_text(open_stored), _text(published)],
            published=_text(published),
            open_stored=_text(open_stored),
            this_month=_text(this_month),
            next_month=months[2],
        )
        transaction.set_rollback(True)


def _snapshot() -> dict[str, tuple[int, str]]:
    """Per table: the row count and a checksum of every row (rows sorted, so the order read does not matter)."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in SKIPPED_TABLES:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected names)
            names = [column[0] for column in cursor.description]
            keep = [i for i, name in enumerate(names) if name not in SKIPPED_COLUMNS.get(table, ())]
            rows = sorted(repr(tuple(row[i] for i in keep)) for row in cursor.fetchall())
            tables[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return tables


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


def _month_pages(month: str) -> list[str]:
    query = f"?month={month}"
    return [
        f"/assessments/scores/me/{query}",
        f"/assessments/scores/staff/A0001/{query}",
        f"/assessments/scores/{query}",
        f"/assessments/scores/{query}&after=A0001",
        f"/assessments/scores/{query}&before=B0001&team=1",
        f"/assessments/scores/export/{query}&format=csv",
        f"/assessments/scores/export/{query}&format=xlsx",
        f"/incentives/stars/{query}",
        f"/incentives/stars/{month}/",
        f"/incentives/stars/{month}/?after=A0001",
        f"/incentives/stars/{month}/?before=Z9999",
        f"/incentives/stars/{month}/letters.pdf",
        f"/incentives/payroll/{month}.csv",
        f"/incentives/payroll/{month}.xlsx",
        f"/incentives/spend/{query}",
        f"/incentives/me/{query}",
        f"/incentives/staff/A0001/{query}",
        f"/courses/team/{query}",
        f"/courses/report/{query}",
        f"/courses/report/{query}&format=csv&rows=people",
        f"/assessments/qa/coverage/{query}",
        f"/assessments/qa/capacity/{query}",
        f"/assessments/qa/calibration/report/{query}",
        f"/assessments/qa/calibration/report/{query}&format=xlsx",
        f"/assessments/qa/calibration/reviews/{query}",
    ]


# Pages without a month that show scores or stars (the home panels, the wall, the defaults of the score pages).
OTHER_PAGES = [
    "/portal/",
    "/incentives/wall/",
    "/incentives/me/",
    "/incentives/stars/",
    "/assessments/scores/me/",
    "/assessments/scores/",
    "/assessments/scores/policy/",
    "/courses/",
    "/assessments/qa/coverage/",
    "/assessments/qa/calls/",
    "/assessments/qa/policy/",
    "/assessments/qa/capacity/",
    "/notifications/queue/",
    "/assessments/qa/calibration/",
    "/courses/search/?q=心理",
]


def _open_every_page(client, months, others=()) -> None:
    for month in months:
        for url in _month_pages(month):
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), url
            if month in MALFORMED and response.status_code == 200:
                assert "YYYY-MM" in response.content.decode(), url  # the month form says what is wrong
    for url in others:
        assert client.get(url).status_code in (200, 302, 403, 404), url


@pytest.mark.parametrize("role", ROLES)
def test_no_page_writes_anything_for_any_month(world, role):
    world.clients[role].get("/portal/")  # a session's first request notes its second factor (session only)
    before = _snapshot()
    _open_every_page(world.clients[role], [*world.months, *MALFORMED], OTHER_PAGES)
    assert _changed(before, _snapshot()) == []


@pytest.mark.parametrize("role", ["agent", "team_lead", "hr"])
def test_no_page_writes_anything_for_a_past_open_or_published_month(world, role):
    world.clients[role].get("/portal/")
    before = _snapshot()
    _open_every_page(world.clients[role], world.past)
    assert _changed(before, _snapshot()) == []


def test_a_month_without_data_says_so_and_a_malformed_month_is_the_404(world):
    agent, hr = world.clients["agent"], world.clients["hr"]
    for month in (NO_DATA, world.next_month):
        for client, url in (
            (agent, f"/assessments/scores/me/?month={month}"),
            (hr, f"/assessments/scores/?month={month}"),
            (hr, f"/incentives/stars/{month}/"),
        ):
            page = client.get(url).content.decode()
            assert 'data-testid="no-data"' in page and "本月暂无数据" in page, url
            assert "0.00" not in page.split('data-testid="no-data"')[1][:200], url
    for month in MALFORMED:
        assert agent.get(f"/assessments/scores/me/?month={month}").status_code == 404
        assert hr.get(f"/incentives/stars/{month}/").status_code == 404
        assert hr.get(f"/courses/report/?month={month}").status_code == 404


def test_this_month_is_computed_on_each_read_and_never_stored(world):
    page = world.clients["hr"].get(f"/assessments/scores/?month={world.this_month}")
    assert page.context["count"] == 5 and not page.context["no_data"]
    assert not MonthlyScore.objects.filter(month=date.fromisoformat(f"{world.this_month}-01")).exists()


def _command(*args) -> tuple[int, dict | str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_info:
        code = exit_info.code
    text = out.getvalue()
    return code, json.loads(text) if "--json" in args else text, err.getvalue()


def test_the_read_commands_write_nothing_and_refuse_a_malformed_month(world):
    before = _snapshot()
    for month in [*world.months, *world.past]:
        code, scores, _err = _command("performance_scores", "--month", month, "--json")
        assert code == 0 and set(scores) == {"month", "scores"}
        code, stars, _err = _command("service_stars", "--month", month, "--json")
        assert code == 0 and set(stars) == {"month", "status", "winners", "ineligible"}
        if month in (NO_DATA, world.next_month):
            assert scores["scores"] == [] and stars["winners"] == stars["ineligible"] == []
        else:
            assert scores["scores"] and stars["ineligible"]
            assert bool(stars["winners"]) == (month != world.this_month)
        for command in ("performance_scores", "service_stars"):
            code, text, _err = _command(command, "--month", month)
            assert code == 0 and month in text
    for month in MALFORMED:
        for command, empty in (("performance_scores", "scores"), ("service_stars", "winners")):
            code, refused, err = _command(command, "--month", month, "--json")
            assert code == 1 and refused[empty] == [] and "YYYY-MM" in refused["errors"][0]["message"]
    assert (
        _command("suggestion_award", "--scores", "4,3.5,5,2,1", "--scores", "3,4,4,2.5,1", "--json")[0] == 0
    )
    assert "服务规范" not in _command("export_questions", "--bank", "服务规范")[1]  # GIFT text of the bank
    assert _changed(before, _snapshot()) == []


def _quiz_with_ended_attempts(world):
    """A timed quiz and a guarded one, each with an attempt of the agent that the clock has ended but nobody has
    closed yet: one past its time limit with a correct answer saved, one idle past the quiz's idle limit."""
    from assessments.quizzes import services as quiz_services
    from tests.assessments import factories as quiz_factories

    staff = get_user_model().objects.get(pk=world.clients["agent"].session["_auth_user_id"])
    bank = quiz_factories.make_bank("考试窗口")
    question = quiz_factories.single_choice(bank, text="先做什么？")
    timed = quiz_factories.make_quiz([question], title="限时测验", time_limit_minutes=20, max_attempts=0)
    guarded = quiz_factories.make_quiz([question], title="防离开测验", idle_submit_minutes=5, max_attempts=0)
    hour_ago = timezone.now() - timedelta(hours=1)
    late = quiz_services.attempt_start(quiz=timed, staff=staff, now=hour_ago)
    item = late.items.get()
    quiz_services.attempt_answer_save(
        attempt=late,
        slot=item.slot,
        post={f"q{item.slot}": str(item.order.index(0))},
        version=0,
        now=hour_ago,
    )
    idle = quiz_services.attempt_start(quiz=guarded, staff=staff, now=hour_ago)
    return timed, guarded, late, idle


def test_quiz_pages_show_an_attempt_the_clock_ended_as_ended_without_writing(world):
    from assessments.models import Attempt, AttemptStatus
    from portal.models import AuditEvent

    client = world.clients["agent"]
    timed, guarded, late, idle = _quiz_with_ended_attempts(world)
    client.get("/portal/")
    before = _snapshot()
    detail = client.get(f"/assessments/quizzes/{timed.pk}/")
    assert detail.status_code == 200 and detail.context["open_attempt"] is None
    assert 'id="start-quiz"' in detail.content.decode()  # the time is up: a new attempt may start
    assert client.get(f"/assessments/attempts/{late.pk}/")["Location"].endswith(f"/{late.pk}/result/")
    result = client.get(f"/assessments/attempts/{late.pk}/result/")
    page = result.content.decode()
    assert result.status_code == 200 and "100.00%" in page  # graded in memory as its closing will store it
    assert result.context["attempt"].closed_by == "deadline"
    idle_result = client.get(f"/assessments/attempts/{idle.pk}/result/")
    assert idle_result.status_code == 200 and idle_result.context["attempt"].closed_by == "idle"
    assert client.get(f"/assessments/quizzes/{guarded.pk}/").context["open_attempt"] is None
    assert client.get("/assessments/quizzes/").status_code == 200
    assert _changed(before, _snapshot()) == []
    assert Attempt.objects.get(pk=late.pk).status == AttemptStatus.IN_PROGRESS

    # The next write closes and grades it, as the page showed it, exactly once; the command finds nothing left.
    save = client.post(f"/assessments/attempts/{late.pk}/answer/", {"slot": 1, "version": 1, "q1": "1"})
    assert save.status_code == 403 and save.json()["closed"]
    late.refresh_from_db()
    assert (late.status, late.closed_by, late.percent) == (AttemptStatus.GRADED, "deadline", 100)
    assert late.submitted_at == late.deadline
    graded_at = late.graded_at
    client.post(f"/assessments/attempts/{late.pk}/submit/", {})
    late.refresh_from_db()
    assert late.graded_at == graded_at  # not graded again
    assert _command("close_expired_attempts")[1].strip() == "Closed 1 attempt(s)."  # the idle one
    assert _command("close_expired_attempts")[1].strip() == "Closed 0 attempt(s)."
    idle.refresh_from_db()
    assert idle.closed_by == "idle" and idle.events.filter(kind="idle_submit").count() == 1
    assert AuditEvent.objects.filter(action="quiz.idle_submit", target_id=str(idle.pk)).count() == 1
