"""Offline sessions with QR check-in: the code's window, who may check in, the trainer's list, close credits hours."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courses import check_in_codes, rules
from courses.models import LessonCompletion, OfflineSession, SessionCheckIn
from courses.services import (
    enrolment_assign,
    offline_session_close,
    offline_session_create,
    offline_session_start,
    session_attendee_add,
    session_attendee_remove,
    session_check_in,
)
from tests.courses import factories as cf
from tests.factories import StaffFactory

# --------------------------------------------------------------------------- the code's window, no database


def test_a_code_counts_in_its_own_30_second_window():
    assert rules.check_in_window(60.0) == rules.check_in_window(89.9) == 2
    assert rules.check_in_code_is_current(2, 75.0)


def test_a_code_just_replaced_still_counts_for_a_few_seconds_then_not():
    assert rules.check_in_code_is_current(2, 90.0 + 4.9)
    assert not rules.check_in_code_is_current(2, 90.0 + 5.0)


def test_an_older_code_or_one_from_the_future_is_refused():
    assert not rules.check_in_code_is_current(1, 75.0)
    assert not rules.check_in_code_is_current(3, 75.0)


def test_a_tampered_code_is_not_ours():
    token = check_in_codes.qr_token(session_id=1, window=2)
    with pytest.raises(check_in_codes.BadCode):
        check_in_codes.qr_token_read(token[:-2] + "xx")


# --------------------------------------------------------------------------- services and pages


@pytest.fixture
def setup(db):
    programme, lessons = cf.onboarding(online=("4",), offline=("6",))
    learner = StaffFactory(role="new_hire", employee_no="N0001", onboarded_on=None)
    outsider = StaffFactory(role="new_hire", employee_no="N0002", onboarded_on=None)
    trainer = StaffFactory(role="trainer", employee_no="T0001")
    enrolment_assign(staff_ids=[learner.pk], programme=programme, assigned_on=timezone.localdate())
    session = offline_session_create(
        lesson=lessons[1], starts_at=timezone.now(), room="A301", acting_user=trainer
    )
    offline_session_start(session=session, acting_user=trainer)
    return {
        "lesson": lessons[1],
        "learner": learner,
        "outsider": outsider,
        "trainer": trainer,
        "session": session,
    }


def current_token(session):
    import time

    return check_in_codes.qr_token(session_id=session.pk, window=rules.check_in_window(time.time()))


def test_a_learner_scans_confirms_and_is_on_the_list(client, setup):
    client.force_login(setup["learner"])
    url = f"/courses/check-in/{current_token(setup['session'])}/"

    page = client.get(url)
    assert page.status_code == 200 and not SessionCheckIn.objects.exists()  # a GET records nothing
    confirm = page.context["confirm"]
    done = client.post(url, {"confirm": confirm})

    assert done.status_code == 200 and done.context["done"]
    assert list(SessionCheckIn.objects.values_list("staff_id", "via")) == [(setup["learner"].pk, "qr")]


def test_a_code_older_than_its_window_is_refused_with_a_clear_message(client, setup):
    import time

    old = check_in_codes.qr_token(
        session_id=setup["session"].pk, window=rules.check_in_window(time.time()) - 2
    )
    client.force_login(setup["learner"])

    page = client.get(f"/courses/check-in/{old}/")

    assert page.status_code == 400
    assert "已过期" in page.context["refused"]  # the page speaks Chinese by default


def test_a_confirmation_made_for_someone_else_is_refused(client, setup):
    confirm = check_in_codes.confirm_token(session_id=setup["session"].pk, user_id=setup["learner"].pk)
    client.force_login(setup["outsider"])

    page = client.post(f"/courses/check-in/{current_token(setup['session'])}/", {"confirm": confirm})

    assert page.status_code == 400 and not SessionCheckIn.objects.exists()


def test_a_learner_not_enrolled_is_refused(setup):
    with pytest.raises(ValidationError, match="not enrolled"):
        session_check_in(session_id=setup["session"].pk, staff=setup["outsider"])


def test_checking_in_twice_is_refused(setup):
    session_check_in(session_id=setup["session"].pk, staff=setup["learner"])

    with pytest.raises(ValidationError, match="already checked in"):
        session_check_in(session_id=setup["session"].pk, staff=setup["learner"])


def test_a_session_that_is_not_running_refuses_check_in(setup):
    OfflineSession.objects.filter(pk=setup["session"].pk).update(status="scheduled")

    with pytest.raises(ValidationError, match="not running"):
        session_check_in(session_id=setup["session"].pk, staff=setup["learner"])


def test_the_trainer_adds_and_removes_with_a_reason_and_close_credits_only_the_present(setup):
    session, trainer = setup["session"], setup["trainer"]
    session_check_in(session_id=session.pk, staff=setup["learner"])
    with pytest.raises(ValidationError):
        session_attendee_add(session=session, staff=setup["outsider"], reason=" ", acting_user=trainer)
    session_attendee_add(session=session, staff=setup["outsider"], reason="手机没电", acting_user=trainer)
    session_attendee_remove(session=session, staff=setup["learner"], reason="扫码后离开", acting_user=trainer)

    outcome = offline_session_close(session=session, acting_user=trainer)

    assert outcome == {"recorded": 1, "already": 0}
    assert list(LessonCompletion.objects.values_list("staff_id", flat=True)) == [setup["outsider"].pk]
    with pytest.raises(ValidationError, match="closed"):
        session_attendee_add(session=session, staff=setup["learner"], reason="late", acting_user=trainer)


def test_hours_credited_at_close_equal_the_attendance_pages(client, setup):
    session, trainer, lesson = setup["session"], setup["trainer"], setup["lesson"]
    session_check_in(session_id=session.pk, staff=setup["learner"])
    offline_session_close(session=session, acting_user=trainer)
    client.force_login(trainer)
    day = timezone.localdate(session.starts_at)
    client.post(
        "/courses/attendance/",
        {"lesson": lesson.pk, "on_date": day.isoformat(), "staff": [setup["outsider"].pk]},
    )

    by_qr, by_page = (LessonCompletion.objects.get(staff=p) for p in (setup["learner"], setup["outsider"]))

    fields = ("lesson_id", "completed_on", "hours", "category", "via", "recorded_by_id")
    assert [getattr(by_qr, f) for f in fields] == [getattr(by_page, f) for f in fields]
    assert by_qr.hours == Decimal("6.00")


def test_only_trainers_run_sessions(client, setup):
    with pytest.raises(PermissionDenied):
        offline_session_close(session=setup["session"], acting_user=setup["learner"])
    client.force_login(setup["learner"])
    assert client.get(f"/courses/sessions/{setup['session'].pk}/").status_code == 403


def test_the_trainer_screen_shows_the_code_and_the_live_list(client, setup):
    session_check_in(session_id=setup["session"].pk, staff=setup["learner"])
    client.force_login(setup["trainer"])

    page = client.get(f"/courses/sessions/{setup['session'].pk}/live/")

    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert b"<svg" in page.content and b"N0001" in page.content
    assert page.context["check_in_url"].startswith("http://testserver/courses/check-in/")
    assert timedelta(0) <= timezone.now() - setup["session"].starts_at
