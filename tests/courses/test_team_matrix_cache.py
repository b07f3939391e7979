"""A team lead's training matrix is kept rendered in the shared cache until a member's learning, the curriculum or
the team's people change: after each kind of write the page equals the page computed with an empty cache.

Each test runs against a real Redis on 127.0.0.1:6379 (skipped when none answers) and against the local-memory
cache, where nothing personal outlives its request.
"""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from courses.services import attendance_record, enrolment_assign, lesson_complete
from portal.months import first_of_month
from portal.services import staff_update
from tests.conftest import same_with_an_empty_cache
from tests.courses import factories as cf
from tests.factories import StaffFactory, TeamFactory
from tests.incentives.factories import hr

pytestmark = pytest.mark.django_db


def _body(client) -> str:
    response = client.get("/courses/team/")
    assert response.status_code == 200
    return response.context["body"]


def assert_as_from_scratch(client) -> str:
    return same_with_an_empty_cache(lambda: _body(client))


def test_the_team_matrix_follows_its_members_learning_on_the_next_request(cache_backend):
    this_month = first_of_month(timezone.localdate())
    today = timezone.localdate()
    team = TeamFactory(name="热线一组")
    lead = StaffFactory(role="team_lead", employee_no="L0001", team=team)
    agent = StaffFactory(employee_no="A0001", team=team, hire_date=date(2024, 1, 8))
    trainer = StaffFactory(role="trainer", employee_no="T0001")
    programme, lessons = cf.monthly(this_month, title="沟通技巧")
    client = Client()
    client.force_login(lead)
    assert_as_from_scratch(client)

    enrolment_assign(staff_ids=[agent.pk, lead.pk], programme=programme, assigned_on=this_month)
    assigned = assert_as_from_scratch(client)

    lesson_complete(staff=agent, lesson=lessons[0], on_date=today, via="learner")
    one_done = assert_as_from_scratch(client)
    assert one_done != assigned
    attendance_record(lesson=lessons[1], on_date=today, staff_ids=[agent.pk], acting_user=trainer)
    assert assert_as_from_scratch(client) != one_done

    people = hr("H0001")
    staff_update(user=agent, acting_user=people, name="王小明（已改名）")
    assert "王小明（已改名）" in assert_as_from_scratch(client)
    newcomer = StaffFactory(employee_no="A0002", team=team, name="新同事")
    assert "新同事" in assert_as_from_scratch(client)
    staff_update(user=newcomer, acting_user=people, team=TeamFactory(name="热线二组"))
    assert "新同事" not in assert_as_from_scratch(client)

    cf.monthly(this_month, title="投诉处理")  # another module published this month
    assert "投诉处理" in assert_as_from_scratch(client)
