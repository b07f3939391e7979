"""A learner's home panels (training, awards) are kept rendered in the shared cache until a write of the person's
own learning or recognition, or of the curriculum, changes them: after each kind of write the home page equals
the page computed with an empty cache.

Each test runs against a real Redis on 127.0.0.1:6379 (skipped when none answers) and against the local-memory
cache, where nothing personal outlives its request.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.services import attendance_record, enrolment_assign, enrolment_update, lesson_complete
from incentives.services import (
    service_star_round_approve,
    service_star_round_publish,
    suggestion_submit,
)
from portal.months import add_months, first_of_month
from tests.conftest import same_with_an_empty_cache
from tests.courses import factories as cf
from tests.factories import StaffFactory
from tests.incentives.factories import hr, month_data

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _main(client) -> str:
    response = client.get("/portal/")
    assert response.status_code == 200
    html = response.content.decode()
    return CSRF.sub("", html.split("<main", 1)[1].split("</main>", 1)[0])


def assert_as_from_scratch(client) -> str:
    return same_with_an_empty_cache(lambda: _main(client))


def test_the_learners_home_follows_their_learning_and_awards_on_the_next_request(cache_backend):
    this_month = first_of_month(timezone.localdate())
    agent = StaffFactory(employee_no="A0001", hire_date=date(2024, 1, 8), onboarded_on=date(2024, 3, 1))
    trainer = StaffFactory(role="trainer", employee_no="T0001")
    prog, lessons = cf.monthly(this_month, title="沟通技巧")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(agent)
    assert "沟通技巧" in assert_as_from_scratch(client)  # enrolled when the month's module was published
    agent.enrolments.all().delete()  # each row's delete is announced
    empty = assert_as_from_scratch(client)
    assert "我的建议" not in empty and "/incentives/wall/" not in empty and "沟通技巧" not in empty

    enrolment_assign(staff_ids=[agent.pk], programme=prog, assigned_on=this_month)  # in bulk
    assigned = assert_as_from_scratch(client)
    assert "沟通技巧" in assigned

    lesson_complete(staff=agent, lesson=lessons[0], on_date=timezone.localdate(), via="learner")
    one_done = assert_as_from_scratch(client)
    assert one_done != assigned
    attendance_record(
        lesson=lessons[1], on_date=timezone.localdate(), staff_ids=[agent.pk], acting_user=trainer
    )
    assert assert_as_from_scratch(client) != one_done

    enrolment = agent.enrolments.get()
    enrolment_update(
        enrolment=enrolment,
        changes={"due_on": add_months(this_month, 1)},
        reason="延期",
        acting_user=hr("H0009"),
    )
    assert_as_from_scratch(client)

    suggestion_submit(
        title="缩短等待时间",
        problem="高峰时段排队",
        proposal="增加回拨",
        expected_benefit="减少投诉",
        acting_user=agent,
    )
    assert "我的建议" in assert_as_from_scratch(client)

    # Published Service Stars: the agent's award and the latest month on the panel.
    month = add_months(this_month, -1)
    month_data(agent, month=month)
    people, publisher = hr("H0001"), hr("H0002")
    service_star_round_approve(month=month, acting_user=people, reason="核对无误", acknowledgement="已知悉")
    service_star_round_publish(month=month, acting_user=publisher, reason="按规则公示")
    published = assert_as_from_scratch(client)
    assert "服务之星" in published and "/incentives/wall/" in published


def test_with_redis_a_learners_second_home_page_reads_no_learning_rows(cache_backend):
    if cache_backend != "redis":
        pytest.skip("the local-memory cache renders the panels on every request")
    this_month = first_of_month(timezone.localdate())
    agent = StaffFactory(employee_no="A0001", hire_date=date(2024, 1, 8))
    prog, _lessons = cf.monthly(this_month)
    enrolment_assign(staff_ids=[agent.pk], programme=prog, assigned_on=this_month)
    client = Client()
    client.force_login(agent)
    client.get("/portal/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/portal/").status_code == 200
    read = " ".join(q["sql"] for q in queries.captured_queries)
    for table in (
        "courses_enrolment",
        "courses_lessoncompletion",
        "incentives_award",
        "incentives_suggestion",
    ):
        assert table not in read, table


def _page_main(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return CSRF.sub("", html.split("<main", 1)[1].split("</main>", 1)[0])


def test_programme_and_lesson_pages_follow_the_learners_enrolment_and_completions(cache_backend):
    this_month = first_of_month(timezone.localdate())
    agent = StaffFactory(employee_no="A0001", hire_date=date(2024, 1, 8))
    trainer = StaffFactory(role="trainer", employee_no="T0001")
    programme, lessons = cf.monthly(this_month, title="沟通技巧")
    client = Client()
    client.force_login(agent)
    pages = [programme.url, lessons[0].url, lessons[1].url]

    def assert_pages_as_from_scratch() -> list[str]:
        return same_with_an_empty_cache(lambda: [_page_main(client, url) for url in pages])

    assert_pages_as_from_scratch()
    agent.enrolments.all().delete()  # enrolled when the month's module was published; each delete is announced
    not_enrolled = assert_pages_as_from_scratch()
    enrolment_assign(staff_ids=[agent.pk], programme=programme, assigned_on=this_month)
    enrolled = assert_pages_as_from_scratch()
    assert enrolled != not_enrolled
    lesson_complete(staff=agent, lesson=lessons[0], on_date=timezone.localdate(), via="learner")
    one_done = assert_pages_as_from_scratch()
    assert one_done[0] != enrolled[0] and one_done[1] != enrolled[1]
    attendance_record(
        lesson=lessons[1], on_date=timezone.localdate(), staff_ids=[agent.pk], acting_user=trainer
    )
    both_done = assert_pages_as_from_scratch()
    assert both_done[0] != one_done[0] and both_done[2] != one_done[2]


@pytest.mark.parametrize(
    "template",
    [
        "assessments/scores/_overview_figures.html",
        "assessments/scores/_overview_coaching.html",
        "assessments/scores/_overview_scores.html",
        "assessments/scores/person_body.html",
        "courses/team_matrix_body.html",
        "courses/panels/my_training.html",
        "incentives/panels/awards.html",
    ],
)
def test_a_section_kept_rendered_in_the_cache_holds_no_csrf_token(template):
    """A token rendered into a cached section would outlive the session's CSRF secret (a new sign-in rotates it);
    the Service Star review, which has forms, puts the reader's token in when it is served instead."""
    from django.template import loader

    source = loader.get_template(template).template.source
    includes = re.findall(r'{% include "([^"]+)"', source)
    for name in [template, *includes]:
        assert "csrf_token" not in loader.get_template(name).template.source, name
