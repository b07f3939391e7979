from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses import hooks
from courses.models import Enrolment, LessonCompletion
from courses.services import (
    attendance_import,
    attendance_record,
    enrolment_assign,
    lesson_complete,
    lesson_complete_by_learner,
    onboarding_check,
)
from portal.models import User
from portal.months import first_of_month
from portal.services import month_lock_set
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 10)


@pytest.fixture
def new_hire():
    return StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)


@pytest.fixture
def onboarding(new_hire):
    prog, lessons = cf.onboarding(active_share="0")  # study time is tested in test_study_time
    enrolment_assign(staff_ids=[new_hire.pk], programme=prog, assigned_on=DAY)
    return prog, lessons


def test_a_learner_completes_an_online_lesson_and_its_hours_are_credited(new_hire, onboarding):
    _prog, lessons = onboarding
    completion = lesson_complete_by_learner(staff=new_hire, lesson=lessons[0], on_date=DAY)
    assert completion.hours == Decimal("4.00")
    assert completion.category == "onboarding"
    assert completion.via == "learner"
    again = lesson_complete_by_learner(staff=new_hire, lesson=lessons[0], on_date=date(2026, 11, 11))
    assert again.pk == completion.pk and again.completed_on == DAY


def test_a_learner_cannot_complete_an_offline_lesson(new_hire, onboarding):
    with pytest.raises(ValidationError):
        lesson_complete_by_learner(staff=new_hire, lesson=onboarding[1][2], on_date=DAY)
    assert not LessonCompletion.objects.exists()


def test_a_learner_cannot_complete_a_lesson_of_a_programme_not_assigned_to_them(onboarding):
    other = StaffFactory(employee_no="A0009")
    with pytest.raises(ValidationError):
        lesson_complete_by_learner(staff=other, lesson=onboarding[1][0], on_date=DAY)


def test_a_completion_gate_blocks_the_learner_until_it_opens(new_hire, onboarding):
    lesson = onboarding[1][0]
    passed = set()

    def quiz_gate(staff, gated_lesson):
        if gated_lesson.pk == lesson.pk and staff.pk not in passed:
            return "Pass the quiz first."
        return None

    hooks.register_completion_gate(quiz_gate)
    try:
        with pytest.raises(ValidationError, match="Pass the quiz first"):
            lesson_complete_by_learner(staff=new_hire, lesson=lesson, on_date=DAY)
        passed.add(new_hire.pk)
        lesson_complete_by_learner(staff=new_hire, lesson=lesson, on_date=DAY)
    finally:
        hooks._completion_gates.remove(quiz_gate)
    assert LessonCompletion.objects.filter(staff=new_hire, lesson=lesson).exists()


def test_onboarding_completes_when_every_required_lesson_is_done_and_sets_the_profile_date(
    new_hire, onboarding
):
    prog, lessons = onboarding
    for lesson in lessons[:-1]:
        lesson_complete(staff=new_hire, lesson=lesson, on_date=DAY, via="learner")
    new_hire.refresh_from_db()
    assert new_hire.onboarded_on is None
    lesson_complete(staff=new_hire, lesson=lessons[-1], on_date=date(2026, 11, 12), via="attendance")
    new_hire.refresh_from_db()
    assert new_hire.onboarded_on == date(2026, 11, 12)
    assert Enrolment.objects.get(staff=new_hire, programme=prog).completed_on == date(2026, 11, 12)


def test_onboarding_is_not_complete_while_a_required_lesson_is_missing_even_with_enough_hours(new_hire):
    prog, lessons = cf.onboarding(online=("4",), offline=("4",), optional_online=("8",))
    # 4 (online) + 8 (optional) = 12 hours ≥ 12 planned… but the required offline lesson is missing.
    lesson_complete(staff=new_hire, lesson=lessons[0], on_date=DAY, via="learner")
    lesson_complete(staff=new_hire, lesson=lessons[2], on_date=DAY, via="learner")
    assert not onboarding_check(staff=new_hire, programme=prog, on_date=DAY)
    new_hire.refresh_from_db()
    assert new_hire.onboarded_on is None


def test_onboarding_is_not_complete_until_the_hours_reach_the_programme_total(new_hire):
    prog, lessons = cf.onboarding(online=("4",), offline=("4",), optional_online=("2",))
    lesson_complete(staff=new_hire, lesson=lessons[0], on_date=DAY, via="learner")
    lesson_complete(staff=new_hire, lesson=lessons[1], on_date=DAY, via="attendance")
    # Every required lesson is done, but 8 of 10 planned hours.
    new_hire.refresh_from_db()
    assert new_hire.onboarded_on is None
    lesson_complete(staff=new_hire, lesson=lessons[2], on_date=DAY, via="learner")
    new_hire.refresh_from_db()
    assert new_hire.onboarded_on == DAY


def test_a_trainer_records_attendance_and_the_attendees_hours_move(new_hire, onboarding):
    prog, lessons = onboarding
    trainer = StaffFactory(role="trainer", employee_no="T0001")
    others = [StaffFactory(employee_no=f"A{i:04d}") for i in range(3)]
    outcome = attendance_record(
        lesson=lessons[2], on_date=DAY, staff_ids=[new_hire.pk, *[o.pk for o in others]], acting_user=trainer
    )
    assert outcome == {"recorded": 4, "already": 0}
    again = attendance_record(lesson=lessons[2], on_date=DAY, staff_ids=[new_hire.pk], acting_user=trainer)
    assert again == {"recorded": 0, "already": 1}
    rows = LessonCompletion.objects.filter(lesson=lessons[2])
    assert rows.count() == 4
    assert {r.hours for r in rows} == {Decimal("6.00")}
    assert {r.via for r in rows} == {"attendance"} and {r.recorded_by_id for r in rows} == {trainer.pk}


def test_attendance_that_finishes_onboarding_sets_the_completion_date(new_hire, onboarding):
    _prog, lessons = onboarding
    trainer = StaffFactory(role="trainer", employee_no="T0001")
    for lesson in lessons[:2]:
        lesson_complete(staff=new_hire, lesson=lesson, on_date=DAY, via="learner")
    attendance_record(lesson=lessons[2], on_date=DAY, staff_ids=[new_hire.pk], acting_user=trainer)
    attendance_record(
        lesson=lessons[3], on_date=date(2026, 11, 13), staff_ids=[new_hire.pk], acting_user=trainer
    )
    assert User.objects.get(pk=new_hire.pk).onboarded_on == date(2026, 11, 13)


def test_attendance_is_refused_for_online_lessons_and_locked_months(new_hire, onboarding):
    _prog, lessons = onboarding
    with pytest.raises(ValidationError):
        attendance_record(lesson=lessons[0], on_date=DAY, staff_ids=[new_hire.pk], acting_user=None)
    month_lock_set(month=date(2026, 10, 1), acting_user=None)
    with pytest.raises(ValidationError):
        attendance_record(
            lesson=lessons[2], on_date=date(2026, 10, 5), staff_ids=[new_hire.pk], acting_user=None
        )
    assert not LessonCompletion.objects.exists()


def test_a_paper_attendance_sheet_is_all_or_nothing_with_line_errors(new_hire, onboarding):
    _prog, lessons = onboarding
    StaffFactory(employee_no="00123")
    bad = b"employee_no\nN0001\nNOBODY\n00123\nN0001\n"
    result = attendance_import(data=bad, file_name="sheet.csv", lesson_id=lessons[2].pk, on_date=DAY)
    assert not result.ok
    assert [e.line for e in result.errors] == [3, 5]
    assert not LessonCompletion.objects.exists()
    good = "employee_no\nN0001\n00123\n".encode("gb18030")
    preview = attendance_import(
        data=good, file_name="sheet.csv", lesson_id=lessons[2].pk, on_date=DAY, dry_run=True
    )
    assert preview.ok and preview.counts == {"recorded": 2, "already": 0}
    assert not LessonCompletion.objects.exists()
    done = attendance_import(data=good, file_name="sheet.csv", lesson_id=lessons[2].pk, on_date=DAY)
    assert done.ok
    assert set(LessonCompletion.objects.values_list("staff__employee_no", flat=True)) == {"N0001", "00123"}


def test_monthly_module_enrolment_is_completed_when_all_its_lessons_are_done():
    month = first_of_month(timezone.localdate())
    prog, lessons = cf.monthly(month)
    agent = StaffFactory(employee_no="A0001")
    enrolment_assign(staff_ids=[agent.pk], programme=prog, assigned_on=month)
    lesson_complete(staff=agent, lesson=lessons[0], on_date=month, via="learner")
    assert Enrolment.objects.get(staff=agent, programme=prog).completed_on is None
    attendance_record(lesson=lessons[1], on_date=month, staff_ids=[agent.pk], acting_user=None)
    assert Enrolment.objects.get(staff=agent, programme=prog).completed_on == month
