from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Enrolment
from courses.rules import quarter_start
from courses.services import enrolments_for_programme
from portal.months import add_months, first_of_month, last_of_month
from portal.services import staff_update
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=False)


def this_month():
    return first_of_month(timezone.localdate())


def enrolled(programme):
    return set(Enrolment.objects.filter(programme=programme).values_list("staff__employee_no", flat=True))


def test_a_new_hire_is_enrolled_in_the_current_onboarding_programme(django_capture_on_commit_callbacks):
    prog, _lessons = cf.onboarding()
    with django_capture_on_commit_callbacks(execute=True):
        StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)
    assert enrolled(prog) == {"N0001"}


def test_an_agent_gets_this_and_future_monthly_modules_but_not_past_ones(django_capture_on_commit_callbacks):
    past, _ = cf.monthly(add_months(this_month(), -1), title="客户心理学")
    current, _ = cf.monthly(this_month(), title="沟通技巧")
    future, _ = cf.monthly(add_months(this_month(), 1), title="新产品知识")
    with django_capture_on_commit_callbacks(execute=True):
        StaffFactory(employee_no="A0001")
    assert enrolled(current) == enrolled(future) == {"A0001"}
    assert enrolled(past) == set()
    enrolment = Enrolment.objects.get(programme=current)
    assert enrolment.due_on == last_of_month(this_month())


def test_a_manager_gets_the_leadership_course_of_this_quarter(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    current = cf.programme(kind="leadership", title="服务战略与领导力", quarter_start=quarter_start(today))
    previous = cf.programme(
        kind="leadership", title="旧", quarter_start=quarter_start(add_months(quarter_start(today), -3))
    )
    with django_capture_on_commit_callbacks(execute=True):
        StaffFactory(role="manager", employee_no="M0001")
        StaffFactory(role="agent", employee_no="A0001")
    assert enrolled(current) == {"M0001"}
    assert enrolled(previous) == set()


def test_a_role_change_to_agent_assigns_the_monthly_module(django_capture_on_commit_callbacks):
    current, _ = cf.monthly(this_month())
    with django_capture_on_commit_callbacks(execute=True):
        person = StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)
    assert enrolled(current) == set()
    with django_capture_on_commit_callbacks(execute=True):
        staff_update(user=person, acting_user=None, role="agent", onboarded_on=date(2026, 1, 5))
    assert enrolled(current) == {"N0001"}


def test_publishing_next_months_module_assigns_it_to_every_in_service_staff_member_once(org):
    inactive = StaffFactory(employee_no="X0001")
    inactive.is_active = False
    inactive.save()
    prog, _lessons = cf.monthly(add_months(this_month(), 1))
    expected = {"L0001", "A0001", "A0002", "A0003", "B0001"}
    assert enrolled(prog) == expected
    cf.publish(prog)  # republished: nobody twice
    assert Enrolment.objects.filter(programme=prog).count() == len(expected)
    assert enrolled(prog) == expected


def test_publishing_assigns_without_one_query_per_person():
    prog, _ = cf.monthly(add_months(this_month(), 1))
    for i in range(5):
        StaffFactory(employee_no=f"S{i:04d}")
    Enrolment.objects.all().delete()
    with CaptureQueriesContext(connection) as few:
        assert enrolments_for_programme(programme=prog, today=timezone.localdate()) == 5
    for i in range(5, 40):
        StaffFactory(employee_no=f"S{i:04d}")
    Enrolment.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        assert enrolments_for_programme(programme=prog, today=timezone.localdate()) == 40
    # bulk_create batches are the only thing that may grow (SQLite caps a batch); 40 people fit in one.
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_past_months_module_published_late_assigns_nobody(org):
    prog, _ = cf.monthly(add_months(this_month(), -2))
    assert enrolled(prog) == set()


def test_the_roster_import_enrols_every_imported_person_set_based(django_capture_on_commit_callbacks):
    from pathlib import Path

    from portal.services import staff_import

    current, _ = cf.monthly(this_month())
    data = Path("/work/shared/samples/staff.csv").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        result = staff_import(data=data, file_name="staff.csv")
    assert result.ok
    agents = result.counts["created"]
    assert Enrolment.objects.filter(programme=current).count() <= agents
    assert (
        Enrolment.objects.filter(programme=current).count()
        == Enrolment.objects.filter(programme=current, staff__role__in=["agent", "team_lead"]).count()
    )
    assert Enrolment.objects.filter(programme=current).exists()


def test_publishing_the_leadership_course_assigns_it_to_managers_and_onboarding_to_new_hires(org):
    today = timezone.localdate()
    new_hire = StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)
    leadership = cf.programme(kind="leadership", title="服务战略与领导力", quarter_start=quarter_start(today))
    assert enrolled(leadership) == {"M0001", "M0002"}
    onboarding, _ = cf.onboarding()
    assert enrolled(onboarding) == {new_hire.employee_no}
    # A second onboarding programme does not enrol people already in one.
    second = cf.programme(kind="onboarding", title="新版入职培训")
    assert enrolled(second) == set()


def test_a_team_lead_asking_for_another_team_gets_404(client, org):
    cf.monthly(this_month())
    client.force_login(org.lead_a1)
    assert client.get(f"/courses/team/?team={org.team_a1.pk}").status_code == 200
    assert client.get(f"/courses/team/?team={org.team_b1.pk}").status_code == 404
