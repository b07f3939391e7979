"""Learning paths: prerequisites set in a programme's page settings, locked programmes shown with what unlocks
them, and completing a programme enrolling the learner in what it unlocks (with that programme's due date)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html

from courses.models import Enrolment, LessonCompletion, ProgrammePage
from courses.rules import locked_ahead, prerequisite_errors, programmes_unlocked
from courses.selectors import learner_overview
from courses.services import (
    PATH_REASON,
    attendance_record,
    enrolment_assign,
    enrolment_update,
    lesson_complete_by_learner,
)
from notifications.models import Notification
from tests.conftest import give_totp
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def course(title, *, requires=(), due_days=0, mode="online", hours="2"):
    """A learning-path course with one lesson, published with its prerequisites."""
    programme = cf.programme(kind="course", title=title)
    programme.prerequisites.set(requires)
    programme.due_days = due_days
    cf.publish(programme)
    lesson = cf.lesson(cf.module(programme, title), title=f"{title}·1", mode=mode, hours=hours)
    return programme, lesson


def enrolment(staff, programme):
    return Enrolment.objects.filter(staff=staff, programme=programme).first()


# --- Rules -------------------------------------------------------------------------------------------------------


def test_a_programme_unlocks_only_when_every_prerequisite_is_completed():
    requires = {3: {1, 2}, 4: {3}}
    assert programmes_unlocked(requires, {1}) == set()
    assert programmes_unlocked(requires, {1, 2}) == {3}
    assert programmes_unlocked(requires, {1, 2, 3}) == {3, 4}


def test_the_whole_path_ahead_is_locked_with_what_is_still_missing():
    requires = {3: {1, 2}, 4: {3}, 9: {8}}
    # Enrolled in 1 (not done): 3 waits for 1 and 2, 4 for 3; 9 is on no path of theirs.
    assert locked_ahead(requires, enrolled={1}, completed=set()) == {3: {1, 2}, 4: {3}}
    # Enrolled in 3 now: it is no longer locked, only 4 is.
    assert locked_ahead(requires, enrolled={1, 2, 3}, completed={1, 2}) == {4: {3}}


def test_policy_programmes_keep_their_rule_and_circles_are_refused():
    assert prerequisite_errors(kind="monthly", programme_id=5, prerequisite_ids={1}, requires={}) == [
        "policy_kind"
    ]
    assert prerequisite_errors(kind="onboarding", programme_id=5, prerequisite_ids=set(), requires={}) == []
    assert prerequisite_errors(kind="course", programme_id=5, prerequisite_ids={5}, requires={}) == ["itself"]
    # 1 requires 2, 2 requires 5: making 5 require 1 closes the circle.
    assert prerequisite_errors(
        kind="course", programme_id=5, prerequisite_ids={1}, requires={1: {2}, 2: {5}}
    ) == ["circle"]
    assert prerequisite_errors(kind="course", programme_id=5, prerequisite_ids={1}, requires={1: {2}}) == []


# --- Completion through the real paths -------------------------------------------------------------------------


def test_completing_a_course_online_enrols_the_learner_in_what_it_unlocks_due_by_its_rule(client):
    basics, basics_lesson = course("投诉处理基础")
    advanced, _advanced_lesson = course("投诉处理进阶", requires=[basics], due_days=14)
    agent = StaffFactory(employee_no="A0001")
    enrolment_assign(staff_ids=[agent.pk], programme=basics, assigned_on=date(2026, 3, 2))
    client.force_login(agent)

    # Before: the advanced course is shown locked, with the course that unlocks it.
    page = client.get("/courses/").content.decode()
    assert f'data-locked-programme="{advanced.pk}"' in page and basics.title in page
    programme_page = client.get(advanced.url)
    assert programme_page.context["lock"].missing[0]["programme"].pk == basics.pk
    assert enrolment(agent, advanced) is None

    # The learner opens the lesson and completes it as on the page.
    client.get(basics_lesson.url)
    client.post(f"/courses/lessons/{basics_lesson.pk}/complete/")
    today = timezone.localdate()
    assert enrolment(agent, basics).completed_on == today
    unlocked = enrolment(agent, advanced)
    assert unlocked.assigned_on == today
    assert unlocked.due_on == today + timedelta(days=14)
    assert unlocked.reason == PATH_REASON
    notice = Notification.objects.get(recipient=agent, kind="course_unlocked")
    assert advanced.title in notice.body and notice.url == advanced.url
    overview = learner_overview(user=agent, today=today)
    assert [e.programme.pk for e in overview.other] == [basics.pk, advanced.pk]
    assert overview.locked == []
    assert client.get(advanced.url).context["lock"] is None


def test_a_course_with_two_prerequisites_waits_for_both_and_an_offline_attendance_completes_one():
    first, first_lesson = course("沟通技巧强化")
    second, second_lesson = course("情景模拟", mode="offline")
    both, _ = course("高级客服", requires=[first, second])
    agent = StaffFactory(employee_no="A0001")
    trainer = StaffFactory(role="trainer", employee_no="TR001")
    for programme in (first, second):
        enrolment_assign(staff_ids=[agent.pk], programme=programme, assigned_on=date(2026, 3, 2))

    lesson_complete_by_learner(staff=agent, lesson=first_lesson, on_date=date(2026, 3, 3))
    assert enrolment(agent, both) is None
    assert [lock.programme.pk for lock in learner_overview(user=agent, today=date(2026, 3, 3)).locked] == [
        both.pk
    ]

    attendance_record(
        lesson=second_lesson, on_date=date(2026, 3, 5), staff_ids=[agent.pk], acting_user=trainer
    )
    assert LessonCompletion.objects.filter(staff=agent, lesson=second_lesson).exists()
    unlocked = enrolment(agent, both)
    assert unlocked.assigned_on == date(2026, 3, 5) and unlocked.due_on is None  # no days set: no due date


def test_completing_onboarding_unlocks_a_course_that_requires_it_and_onboarding_keeps_its_rule(
    django_capture_on_commit_callbacks,
):
    onboarding, lessons = cf.onboarding(online=("1",), offline=())
    ProgrammePage.objects.filter(pk=onboarding.pk).update(active_share_percent=0)  # no study time asked here
    after, _ = course("新员工进阶", requires=[onboarding], due_days=30)
    with django_capture_on_commit_callbacks(execute=True):
        new_hire = StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)
    assert enrolment(new_hire, onboarding) is not None  # assigned by the policy, as before
    assert enrolment(new_hire, after) is None

    lesson_complete_by_learner(staff=new_hire, lesson=lessons[0], on_date=date(2026, 3, 10))
    new_hire.refresh_from_db()
    assert new_hire.onboarded_on == date(2026, 3, 10)
    assert enrolment(new_hire, after).due_on == date(2026, 4, 9)


def test_publishing_a_course_enrols_those_who_already_completed_its_prerequisites():
    basics, lesson = course("基础")
    done, not_done = StaffFactory(employee_no="A0001"), StaffFactory(employee_no="A0002")
    enrolment_assign(staff_ids=[done.pk, not_done.pk], programme=basics, assigned_on=date(2026, 3, 2))
    lesson_complete_by_learner(staff=done, lesson=lesson, on_date=date(2026, 3, 3))

    later, _ = course("后来发布的课程", requires=[basics])
    assert set(Enrolment.objects.filter(programme=later).values_list("staff__employee_no", flat=True)) == {
        "A0001"
    }


def test_a_locked_programme_is_marked_on_the_training_centre_page(client):
    basics, _ = course("基础")
    advanced, _ = course("进阶", requires=[basics])
    agent = StaffFactory(employee_no="A0001")
    client.force_login(agent)
    rows = {row["programme"].pk: row for row in client.get("/learn/").context["programme_rows"]}
    assert rows[advanced.pk]["lock"].missing[0]["programme"].pk == basics.pk
    assert rows[basics.pk]["lock"] is None


# --- The page settings in the Wagtail admin --------------------------------------------------------------------


def _edit(client, programme, prerequisites):
    url = f"/admin/pages/{programme.pk}/edit/"
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.setlist("prerequisites", [str(p.pk) for p in prerequisites])
    data["action-publish"] = "action-publish"
    return client.post(url, data)


def test_an_editor_sets_prerequisites_in_the_page_settings_and_circles_and_monthly_modules_are_refused(
    client,
):
    basics, _ = course("基础")
    advanced, _ = course("进阶")
    monthly, _ = cf.monthly(date(2026, 3, 1))
    client.force_login(give_totp(StaffFactory(role="admin", employee_no="ADM01")))

    response = _edit(client, advanced, [basics])
    assert response.status_code == 302
    assert list(ProgrammePage.objects.get(pk=advanced.pk).prerequisites.all()) == [basics]

    response = _edit(client, basics, [advanced])
    assert response.status_code == 200
    assert "make a circle" in response.content.decode() or "形成循环" in response.content.decode()
    assert not ProgrammePage.objects.get(pk=basics.pk).prerequisites.exists()

    response = _edit(client, monthly, [basics])
    assert response.status_code == 200
    assert "keep that rule" in response.content.decode() or "保持原有规则" in response.content.decode()
    assert not ProgrammePage.objects.get(pk=monthly.pk).prerequisites.exists()


def test_hr_marking_a_prerequisite_complete_by_hand_unlocks_the_next_course(hr_user):
    basics, _ = course("基础")
    advanced, _ = course("进阶", requires=[basics], due_days=7)
    agent = StaffFactory(employee_no="A0001")
    enrolment_assign(staff_ids=[agent.pk], programme=basics, assigned_on=date(2026, 3, 2))

    enrolment_update(
        enrolment=enrolment(agent, basics),
        changes={"completed_on": date(2026, 3, 20)},
        reason="纸质考试通过",
        acting_user=hr_user,
    )
    unlocked = enrolment(agent, advanced)
    assert (unlocked.assigned_on, unlocked.due_on) == (date(2026, 3, 20), date(2026, 3, 27))


def test_people_already_onboarded_without_an_onboarding_enrolment_count_as_having_completed_it():
    onboarding, _lessons = cf.onboarding(online=("1",), offline=())
    veteran = StaffFactory(employee_no="A0001", onboarded_on=date(2025, 2, 1))  # imported, never enrolled
    new_hire = StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)
    after, _ = course("老员工进阶", requires=[onboarding], due_days=10)
    assert enrolment(veteran, after) is not None
    assert enrolment(new_hire, after) is None
