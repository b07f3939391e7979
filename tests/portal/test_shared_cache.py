"""Signed-in pages read the person, their permissions, the unread count, the curriculum's routing and the
recognition wall from the cache, and the write that changes any of them shows on the very next request.

Each test runs against a real Redis on 127.0.0.1:6379 (skipped when none answers) and against the local-memory
cache, where nothing about a person outlives their request.
"""

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.services import enrolment_assign
from incentives.services import service_star_round_approve, service_star_round_publish
from notifications.services import notifications_mark_all_read, notify
from portal.models import User
from portal.months import add_months, first_of_month
from portal.roles import group_name
from portal.services import staff_update
from tests.conftest import give_totp
from tests.courses import factories as cf
from tests.factories import StaffFactory, TeamFactory, make_org
from tests.incentives.factories import month_data

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queries(client, path) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries.captured_queries), response


def test_a_deactivated_person_is_signed_out_on_their_next_request(cache_backend):
    agent = StaffFactory(employee_no="A0001")
    client = _signed_in(agent)
    assert client.get("/portal/").status_code == 200
    assert client.get("/portal/").status_code == 200
    agent.is_active = False
    agent.save()  # without ending the sessions: the cached person must not let them in
    response = client.get("/portal/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deactivation_through_the_service_ends_every_session_at_once(cache_backend):
    hr = give_totp(StaffFactory(role="hr", employee_no="H0001"))
    agent = StaffFactory(employee_no="A0001")
    phone, desk = _signed_in(agent), _signed_in(agent)
    for client in (phone, desk):
        assert client.get("/portal/").status_code == 200
    staff_update(user=agent, acting_user=hr, is_active=False)
    for client in (phone, desk):
        assert client.get("/portal/").status_code == 302


def test_without_redis_nothing_about_a_person_outlives_the_request(cache_backend):
    """A write past every service and signal still shows at once when the cache is per process."""
    if cache_backend == "redis":
        pytest.skip(
            "with Redis the services invalidate the person; this is the per-process cache's guarantee"
        )
    agent = StaffFactory(employee_no="A0001")
    client = _signed_in(agent)
    assert client.get("/portal/").status_code == 200
    User.objects.filter(pk=agent.pk).update(is_active=False)
    assert client.get("/portal/").status_code == 302
    User.objects.filter(pk=agent.pk).update(is_active=True, name="改名后")
    client = _signed_in(User.objects.get(pk=agent.pk))
    assert "改名后" in client.get("/portal/").content.decode()


def test_a_permission_given_to_a_role_group_or_a_person_applies_on_the_next_request(cache_backend):
    agent = StaffFactory(employee_no="A0001")
    client = _signed_in(agent)
    attendance = "/courses/attendance/"
    for _ in range(2):
        assert client.get(attendance).status_code == 403
    permission = Permission.objects.get(content_type__app_label="courses", codename="record_attendance")
    group = Group.objects.get(name=group_name("agent"))
    group.permissions.add(permission)
    assert client.get(attendance).status_code == 200
    group.permissions.remove(permission)
    assert client.get(attendance).status_code == 403
    agent.user_permissions.add(permission)
    assert client.get(attendance).status_code == 200
    agent.user_permissions.remove(permission)
    assert client.get(attendance).status_code == 403


def test_a_role_change_changes_the_menu_on_the_next_request(cache_backend):
    hr = give_totp(StaffFactory(role="hr", employee_no="H0001"))
    agent = StaffFactory(employee_no="A0001")
    client = _signed_in(agent)
    assert "/courses/attendance/" not in client.get("/portal/").content.decode()
    staff_update(user=agent, acting_user=hr, role="trainer")
    assert "/courses/attendance/" in client.get("/portal/").content.decode()


def test_a_renamed_team_shows_on_the_next_request(cache_backend):
    team = TeamFactory(name="热线一组")
    agent = StaffFactory(employee_no="A0001", team=team)
    client = _signed_in(agent)
    assert "热线一组" in client.get("/portal/").content.decode()
    team.name = "热线九组"
    team.save()
    assert "热线九组" in client.get("/portal/").content.decode()


def test_publishing_moving_and_unpublishing_curriculum_pages_shows_on_the_next_request(cache_backend):
    learner = StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)
    prog, lessons = cf.onboarding()
    client = _signed_in(learner)
    lesson = lessons[0]
    url = lesson.url
    for _ in range(2):
        assert lesson.title in client.get(url).content.decode()
    lesson.title = "客户心理学（修订）"
    cf.publish(lesson)
    assert "客户心理学（修订）" in client.get(url).content.decode()
    lesson.slug = "renamed"
    cf.publish(lesson)
    assert client.get(url).status_code == 404
    assert client.get(lesson.url).status_code == 200
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404


def test_a_view_restriction_added_to_the_curriculum_applies_on_the_next_request(cache_backend):
    from wagtail.models import PageViewRestriction

    learner = StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)
    prog, lessons = cf.onboarding()
    client = _signed_in(learner)
    assert client.get(lessons[0].url).status_code == 200
    restriction = PageViewRestriction.objects.create(page=prog, restriction_type="groups")
    restriction.groups.add(Group.objects.get(name=group_name("hr")))
    assert client.get(lessons[0].url).status_code == 302
    restriction.delete()
    assert client.get(lessons[0].url).status_code == 200


def test_the_unread_count_follows_new_and_read_notifications(cache_backend):
    agent = StaffFactory(employee_no="A0001")
    client = _signed_in(agent)
    assert 'data-unread="' not in client.get("/portal/").content.decode()
    notify(agent, "sop_unread", {"lessons": [], "url": "/portal/"}, urgent=True)
    assert 'data-unread="1"' in client.get("/portal/").content.decode()
    notifications_mark_all_read(acting_user=agent)
    assert 'data-unread="' not in client.get("/portal/").content.decode()


def test_the_recognition_wall_shows_a_publication_and_a_renamed_winner_on_the_next_request(cache_backend):
    org = make_org()
    hr = give_totp(StaffFactory(role="hr", employee_no="H0001"))
    month = add_months(first_of_month(timezone.localdate()), -1)
    for agent in (org.agent_a1, org.agent_a1b):
        month_data(agent, month=month)
    client = _signed_in(org.agent_a2)
    assert org.agent_a1.name not in client.get("/incentives/wall/").content.decode()
    service_star_round_approve(month=month, acting_user=hr, reason="核对无误", acknowledgement="已知悉")
    service_star_round_publish(month=month, acting_user=hr, reason="按规则公示")
    assert org.agent_a1.name in client.get("/incentives/wall/").content.decode()
    staff_update(user=org.agent_a1, acting_user=hr, name="新名字")
    assert "新名字" in client.get("/incentives/wall/").content.decode()


# --- Query counts: constant as the data grows -----------------------------------------------------------------


def _grow(team, size: int, prefix: str, programme) -> None:
    people = [StaffFactory(team=team, employee_no=f"{prefix}{i:03d}") for i in range(size)]
    enrolment_assign(staff_ids=[p.pk for p in people], programme=programme, assigned_on=programme.month)


def test_learner_and_content_pages_take_the_same_queries_as_the_data_grows(
    cache_backend, django_assert_max_num_queries
):
    this_month = first_of_month(timezone.localdate())
    team = TeamFactory(name="T1")
    agent = StaffFactory(employee_no="A0001", team=team, hire_date=date(2024, 1, 8))
    lead = StaffFactory(role="team_lead", employee_no="L0001", team=team)
    prog, lessons = cf.monthly(this_month)
    enrolment_assign(staff_ids=[agent.pk, lead.pk], programme=prog, assigned_on=this_month)
    learner, team_lead = _signed_in(agent), _signed_in(lead)
    pages = [
        (learner, "/portal/"),
        (learner, prog.url),
        (learner, lessons[0].url),
        (learner, "/assessments/scores/me/"),
        (learner, "/incentives/wall/"),
        (team_lead, "/courses/team/"),
    ]
    for client, path in pages:
        client.get(path)  # fill the caches
    small = {path: _queries(client, path)[0] for client, path in pages}
    _grow(team, 15, "M", prog)
    cf.monthly(add_months(this_month, 1), title="下月")
    for client, path in pages:
        client.get(path)  # the first request after a page is published fills the caches again
    for client, path in pages:
        with django_assert_max_num_queries(small[path], info=path):
            assert client.get(path).status_code == 200, path


def test_with_redis_a_learners_page_reads_only_their_own_records(cache_backend):
    """The session, the person, their permissions, the unread count, the site, the route and the view
    restrictions come from Redis: what is left are the learner's own rows and the page's."""
    if cache_backend != "redis":
        pytest.skip("the local-memory cache reads the person from the database on every request")
    this_month = first_of_month(timezone.localdate())
    agent = StaffFactory(employee_no="A0001", hire_date=date(2024, 1, 8))
    prog, lessons = cf.monthly(this_month)
    enrolment_assign(staff_ids=[agent.pk], programme=prog, assigned_on=this_month)
    client = _signed_in(agent)
    for path in ("/incentives/wall/", prog.url, lessons[0].url):
        client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/incentives/wall/").status_code == 200
    assert queries.captured_queries == []
    with CaptureQueriesContext(connection) as queries:
        assert client.get(prog.url).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    for lookup in (
        "django_session",
        "auth_permission",
        "wagtailcore_site",
        "wagtailcore_pageviewrestriction",
    ):
        assert lookup not in tables, lookup


def test_a_learners_home_runs_no_decision_finder(cache_backend):
    agent = StaffFactory(employee_no="A0001")
    client = _signed_in(agent)
    client.get("/portal/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/portal/").status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    for work in (
        "assessments_sampledcall",
        "assessments_calibrationparticipant",
        "assessments_qalead",
        "courses_offlinesession",
        "incentives_suggestionreview",
        "incentives_servicestarround",
    ):
        assert work not in tables, work


def test_wagtails_own_curriculum_urls_beside_the_cached_serve_still_answer(client):
    from django.urls import reverse

    assert reverse("wagtail_serve", args=["a/b/"]) == "/learn/a/b/"
    assert client.get(reverse("wagtailcore_login")).status_code == 200


def test_my_scores_follow_a_kpi_import_stored_scores_and_a_lock_on_the_next_request(cache_backend):
    """The latest month, whether it is published and whether it has stored scores are kept between requests
    with Redis; each write that changes them shows on the next request."""
    from assessments.scoring.services import kpi_month_import
    from portal.services import month_lock_release, month_lock_set
    from tests.assessments.scoring_helpers import kpi_csv
    from tests.incentives.factories import hr as hr_user
    from tests.sample_month import OCTOBER

    hr = hr_user("H0001")
    agent = StaffFactory(employee_no="A0001", hire_date=date(2025, 1, 1))
    month_data(agent, month=OCTOBER)
    client = _signed_in(agent)
    for _ in range(2):
        response = client.get("/assessments/scores/me/")
        assert response.context["month"] == OCTOBER and response.context["stored"] is not None
        assert not response.context["locked"]

    november = add_months(OCTOBER, 1)
    kpi_month_import(
        data=kpi_csv("A0001,120,98.00,95.00,90.00,0.50,0"), file_name="k.csv", month=november, recompute=False
    )
    response = client.get("/assessments/scores/me/")
    assert response.context["month"] == november and response.context["stored"] is None
    assert not response.context["no_data"]

    month_data(agent, month=november, contacts=None)  # stores November's scores through the service
    response = client.get("/assessments/scores/me/")
    assert response.context["month"] == november and response.context["stored"] is not None

    month_lock_set(month=november, acting_user=hr, reason="发布")
    assert client.get("/assessments/scores/me/").context["locked"]
    assert client.get(f"/assessments/scores/me/?month={november:%Y-%m}").context["locked"]
    month_lock_release(month=november, acting_user=hr, reason="更正")
    assert not client.get("/assessments/scores/me/").context["locked"]
    assert not client.get(f"/assessments/scores/me/?month={november:%Y-%m}").context["locked"]


def test_my_scores_read_the_months_facts_from_redis_only(cache_backend):
    """With Redis the month's facts take no query once cached; without it every request reads them again, so
    a write in another process (which could not reach this one's cache) still shows at once."""
    from assessments.models import KpiRecord
    from tests.sample_month import OCTOBER

    agent = StaffFactory(employee_no="A0001", hire_date=date(2025, 1, 1))
    month_data(agent, month=OCTOBER)
    client = _signed_in(agent)
    _queries(client, "/assessments/scores/me/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/assessments/scores/me/")
    month_queries = [
        q["sql"]
        for q in queries.captured_queries
        if 'MAX("assessments_' in q["sql"] or "portal_monthlock" in q["sql"]
    ]
    assert (month_queries == []) == (cache_backend == "redis")

    # A row written past every service: only the per-process path sees it at once.
    november = add_months(OCTOBER, 1)
    KpiRecord.objects.create(
        staff=agent,
        month=november,
        contacts_handled=1,
        response_timeliness_rate=1,
        resolution_rate=1,
        satisfaction_rate=1,
        complaint_rate=0,
        major_complaints=0,
    )
    if cache_backend != "redis":
        assert client.get("/assessments/scores/me/").context["month"] == november


def test_a_quiz_added_renamed_closed_or_deleted_shows_on_the_lesson_page_at_once(cache_backend):
    from tests.assessments.factories import make_quiz

    learner = StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)
    _prog, lessons = cf.onboarding()
    lesson = lessons[0]
    client = _signed_in(learner)
    for _ in range(2):
        assert "quiz-panel" not in client.get(lesson.url).content.decode()
    quiz = make_quiz([], lesson=lesson, title="投诉处理测验")
    for _ in range(2):
        assert "投诉处理测验" in client.get(lesson.url).content.decode()
    quiz.title = "投诉处理测验（修订）"
    quiz.save()
    assert "投诉处理测验（修订）" in client.get(lesson.url).content.decode()
    quiz.is_active = False
    quiz.save()
    assert "quiz-panel" not in client.get(lesson.url).content.decode()
    quiz.is_active = True
    quiz.save()
    assert "quiz-panel" in client.get(lesson.url).content.decode()
    quiz.delete()
    assert "quiz-panel" not in client.get(lesson.url).content.decode()


def test_with_redis_the_person_and_their_unread_count_come_in_one_round_trip(cache_backend, monkeypatch):
    if cache_backend != "redis":
        pytest.skip("nothing personal is cached without Redis")
    from django.core.cache import caches

    agent = StaffFactory(employee_no="A0001")
    client = _signed_in(agent)
    client.get("/portal/")
    backend = caches["default"]
    original = backend.get_many
    trips = []

    def counted(keys, *args, **kwargs):
        trips.append(list(keys))
        return original(keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", counted)
    assert client.get("/portal/").status_code == 200
    monkeypatch.undo()
    person_trips = [keys for keys in trips if any(":principal:" in k for k in keys)]
    assert len(person_trips) == 1 and any(":unread:" in k for k in person_trips[0])
    assert not any(":unread:" in k for keys in trips if keys not in person_trips for k in keys)
    # The count read with the person is the current one.
    notify(agent, "sop_unread", {"lessons": [], "url": "/portal/"}, urgent=True)
    assert client.get("/portal/").context["notification_bell"]["count"] == 1


def test_after_an_upgrade_no_entry_shaped_by_the_older_code_is_read(tmp_path, settings):
    """Entries carry a fingerprint of the code and templates in their key: a changed template (a new shape of
    the cached HTML) makes every entry of the older code unreadable instead of served."""
    from django.core.cache import cache

    from portal import cache as portal_cache

    (tmp_path / "app").mkdir()
    template = tmp_path / "app" / "section.html"
    template.write_text("<p>{{ figures }}</p>")
    (tmp_path / "app" / "views.py").write_text("x = 1\n")
    settings.BASE_DIR = tmp_path
    portal_cache.code_release.cache_clear()
    try:
        assert portal_cache.cached("upgrade-probe", ["upgrade"], lambda: "old shape") == "old shape"
        assert portal_cache.cached("upgrade-probe", ["upgrade"], lambda: "not computed") == "old shape"
        template.write_text("<section>{{ figures }}</section>")
        portal_cache.code_release.cache_clear()  # a new process after the upgrade
        assert portal_cache.cached("upgrade-probe", ["upgrade"], lambda: "new shape") == "new shape"
    finally:
        portal_cache.code_release.cache_clear()
        cache.clear()
