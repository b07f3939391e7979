"""The database router against a real PostgreSQL primary and its streaming replica (`make replica-check`): report
reads come from the replica, who is signed in and everything inside a write from the primary, and a reader's own
write is visible on their next page although the replica has not replayed it."""

import time
from contextlib import contextmanager

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.services import api_client_create
from portal.db_routing import report_reads
from portal.models import Department
from tests.conftest import give_totp, sign_in
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(databases=["default", "replica"], transaction=True)


def _scalar(alias: str, sql: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def replica_caught_up(timeout: float = 10.0) -> None:
    target = _scalar("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while not _scalar("replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


@contextmanager
def replay_paused():
    """The replica stops applying the primary's changes: whatever is written meanwhile exists on the primary only."""
    replica_caught_up()
    _scalar("replica", "SELECT pg_wal_replay_pause()::text")
    try:
        yield
    finally:
        _scalar("replica", "SELECT pg_wal_replay_resume()::text")


def test_the_replica_is_a_streaming_standby():
    assert _scalar("replica", "SELECT pg_is_in_recovery()") is True
    assert _scalar("default", "SELECT pg_is_in_recovery()") is False


def test_a_report_read_comes_from_the_replica_and_an_ordinary_read_from_the_primary():
    Department.objects.create(name="报表部")
    with replay_paused():
        Department.objects.create(name="新成立部")
        with report_reads():
            assert set(Department.objects.values_list("name", flat=True)) >= {"报表部"}
            assert not Department.objects.filter(name="新成立部").exists()
        assert Department.objects.filter(name="新成立部").exists()


def test_inside_a_write_every_read_is_the_primary_s():
    with report_reads(), transaction.atomic():
        Department.objects.create(name="事务中")
        assert Department.objects.filter(name="事务中").exists()


def test_the_hr_overview_reads_the_replica_but_who_is_signed_in_from_the_primary(client):
    hr = give_totp(StaffFactory(role="hr", employee_no="HR001"))
    sign_in(client, hr)
    replica_caught_up()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(reverse("assessments:scores-overview"), {"month": "2026-10"})
    assert response.status_code == 200
    assert on_replica.captured_queries, "the overview's figures come from the replica"
    assert not any("django_session" in q["sql"] for q in on_replica.captured_queries)
    assert any("django_session" in q["sql"] for q in on_primary.captured_queries)


def test_after_my_own_write_my_next_pages_read_the_primary(client):
    hr = give_totp(StaffFactory(role="hr", employee_no="HR001"))
    sign_in(client, hr)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get(reverse("assessments:scores-overview")).status_code == 200
    assert on_replica.captured_queries == []


def test_an_api_read_answers_from_the_replica_after_checking_the_client_on_the_primary(client):
    _client, token = api_client_create(name="bi", scopes=["scores:read"])
    with replay_paused():
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            response = client.get("/api/v1/months/2026-10/scores", HTTP_AUTHORIZATION=f"Bearer {token}")
    # The client was created while the replica was still replaying: the token is checked on the primary.
    assert response.status_code == 200, response.content
    assert on_replica.captured_queries
    assert not any("api_apiclient" in q["sql"] for q in on_replica.captured_queries)
