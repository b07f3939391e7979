"""Online hours that mean something: an online lesson credits its planned hours only after the learner was active
on it for the programme's share of them, measured by the lesson page's heartbeat on the server's clock."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from courses import rules
from courses.models import LessonCompletion, LessonStudyTime
from courses.services import enrolment_assign, lesson_activity_record, lesson_complete_by_learner
from tests.courses import factories as cf
from tests.factories import StaffFactory

T0 = datetime(2026, 11, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = T0.date()


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


# --- Rules (no database) --------------------------------------------------------------------------------------


def test_onboarding_asks_half_the_planned_time_by_default_and_other_programmes_none():
    assert rules.active_share_percent("onboarding", None) == Decimal(50)
    assert rules.active_share_percent("monthly", None) == Decimal(0)
    assert rules.active_share_percent("monthly", Decimal(30)) == Decimal(30)
    assert rules.active_share_percent("onboarding", Decimal(0)) == Decimal(0)
    assert rules.required_active_seconds(Decimal("0.05"), Decimal(50)) == 90
    assert rules.required_active_seconds(Decimal("1"), Decimal("33.33")) == 1200  # 1199.88 s, rounded up


def test_a_beat_credits_the_time_since_the_previous_one_at_most_one_interval():
    clock = rules.clock_beat(rules.StudyClock(), at(0), 30)
    assert clock.active_seconds == 0  # the first beat starts a chain
    clock = rules.clock_beat(clock, at(30), 30)
    assert clock.active_seconds == 30
    clock = rules.clock_beat(clock, at(75), 30)  # a late beat: still one interval at most
    assert clock.active_seconds == 60
    clock = rules.clock_beat(clock, at(300), 30)  # after a long gap (page closed, offline): nothing
    assert clock.active_seconds == 60 and clock.chain_seconds == 0


def test_idle_time_already_credited_is_taken_back_when_the_prompt_appears():
    clock = rules.StudyClock()
    for second in (0, 30, 60, 90, 120):
        clock = rules.clock_beat(clock, at(second), 30)
    assert clock.active_seconds == 120
    # The last input was at 60 s; the prompt appears at 130 s after 70 s without input.
    clock = rules.clock_pause(clock, at(130), 30, idle_seconds=70)
    assert clock.active_seconds == 60 and clock.last_beat_at is None


def test_hiding_the_page_credits_the_active_tail_and_stops_the_clock():
    clock = rules.clock_beat(rules.StudyClock(), at(0), 30)
    clock = rules.clock_pause(clock, at(20), 30)
    assert clock.active_seconds == 20 and clock.last_beat_at is None
    clock = rules.clock_beat(
        clock, at(500), 30
    )  # coming back starts a new chain: the hidden time is not counted
    assert clock.active_seconds == 20


# --- Services and pages ---------------------------------------------------------------------------------------


@pytest.fixture
def learner():
    return StaffFactory(role="new_hire", employee_no="N0101", onboarded_on=None)


@pytest.fixture
def lesson(learner):
    # 0.05 h = 180 s planned; onboarding's default 50% asks 90 s of activity.
    prog, lessons = cf.onboarding(online=("0.05",), offline=())
    enrolment_assign(staff_ids=[learner.pk], programme=prog, assigned_on=DAY)
    return lessons[0]


def beats(learner, lesson, seconds):
    status = None
    for second in seconds:
        status = lesson_activity_record(staff=learner, lesson=lesson, kind="beat", now=at(second))
    return status


@pytest.mark.django_db
def test_a_lesson_opened_and_closed_at_once_credits_nothing(learner, lesson):
    beats(learner, lesson, [0])
    lesson_activity_record(staff=learner, lesson=lesson, kind="hidden", now=at(2))
    with pytest.raises(ValidationError, match="more minutes? first"):
        lesson_complete_by_learner(staff=learner, lesson=lesson, on_date=DAY)
    assert not LessonCompletion.objects.exists()
    assert LessonStudyTime.objects.get(staff=learner, lesson=lesson).active_seconds == 2


@pytest.mark.django_db
def test_a_lesson_studied_for_the_required_share_credits_its_planned_hours(learner, lesson):
    status = beats(learner, lesson, [0, 30, 60])
    assert status.remaining_seconds == 30 and not status.met
    status = beats(learner, lesson, [90])
    assert status.met
    completion = lesson_complete_by_learner(staff=learner, lesson=lesson, on_date=DAY)
    assert completion.hours == Decimal("0.05") and completion.via == "learner"


@pytest.mark.django_db
def test_idle_time_does_not_count(learner, lesson):
    beats(learner, lesson, [0, 30, 60, 90])  # the learner stopped touching the page at 20 s
    status = lesson_activity_record(staff=learner, lesson=lesson, kind="idle", idle_seconds=70, now=at(90))
    assert status.active_seconds == 20 and not status.met
    status = beats(learner, lesson, [400])  # "still studying?" answered much later: the wait is not counted
    assert status.active_seconds == 20
    with pytest.raises(ValidationError):
        lesson_complete_by_learner(staff=learner, lesson=lesson, on_date=DAY)


@pytest.mark.django_db
def test_a_completed_lesson_asks_no_more_time_and_its_beats_change_nothing(learner, lesson):
    LessonCompletion.objects.create(
        staff=learner,
        lesson=lesson,
        completed_on=DAY,
        hours=Decimal("0.05"),
        category="onboarding",
        via="quiz",
    )
    assert lesson_activity_record(staff=learner, lesson=lesson, kind="beat", now=at(0)) is None
    assert not LessonStudyTime.objects.exists()
    assert lesson_complete_by_learner(staff=learner, lesson=lesson, on_date=DAY).via == "quiz"


@pytest.mark.django_db
def test_a_video_lesson_is_completed_by_watching_the_video_not_by_time(learner, lesson):
    lesson.completion_rule = "video"
    lesson.body = [("video", {"title": "开场", "url": "https://videos.example.com/a.mp4", "transcript": ""})]
    lesson.save()
    with pytest.raises(ValidationError, match="video"):
        lesson_complete_by_learner(staff=learner, lesson=lesson, on_date=DAY)
    status = lesson_activity_record(staff=learner, lesson=lesson, kind="video_ended", now=at(0))
    assert status.met
    assert lesson_complete_by_learner(staff=learner, lesson=lesson, on_date=DAY).hours == Decimal("0.05")


@pytest.mark.django_db
def test_a_programme_may_ask_no_study_time_and_active_time_is_still_measured(learner):
    prog, lessons = cf.onboarding(online=("2",), offline=(), active_share="0")
    enrolment_assign(staff_ids=[learner.pk], programme=prog, assigned_on=DAY)
    status = beats(learner, lessons[0], [0, 30])
    assert status.met and status.active_seconds == 30
    assert lesson_complete_by_learner(staff=learner, lesson=lessons[0], on_date=DAY).hours == Decimal("2")


@pytest.mark.django_db
def test_someone_not_enrolled_is_not_measured(lesson):
    stranger = StaffFactory(employee_no="A0999")
    with pytest.raises(ValidationError):
        lesson_activity_record(staff=stranger, lesson=lesson, kind="beat", now=at(0))
    assert not LessonStudyTime.objects.exists()


@pytest.mark.django_db
def test_the_lesson_page_shows_the_time_still_needed_and_the_heartbeat_is_a_post(client, learner, lesson):
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert "data-heartbeat-url" in page and "portal/heartbeat" in page
    assert "2 分钟" in page or "2 more minutes" in page  # 90 s rounds up to 2 minutes
    assert 'id="complete-lesson" data-study-complete disabled' in page
    assert not LessonStudyTime.objects.exists()  # opening the page records nothing
    url = f"/courses/lessons/{lesson.pk}/activity/"
    assert client.get(url).status_code == 405
    body = client.post(url, {"kind": "beat"}).json()
    assert body["ok"] and body["remaining_seconds"] == 90 and not body["ready"]
    assert client.post(url, {"kind": "jump"}).status_code == 400


@pytest.mark.django_db
def test_hr_sees_active_time_per_learner_in_the_completion_report(client):
    from django.utils import timezone

    from portal.months import first_of_month
    from tests.conftest import give_totp

    month = first_of_month(timezone.localdate())
    agent = StaffFactory(role="agent", employee_no="A0201")
    prog, lessons = cf.monthly(month, hours=("1", "1"), modes=("online", "online"))
    enrolment_assign(staff_ids=[agent.pk], programme=prog, assigned_on=month)
    LessonStudyTime.objects.create(staff=agent, lesson=lessons[0], active_seconds=1500)
    LessonStudyTime.objects.create(staff=agent, lesson=lessons[1], active_seconds=300)
    hr = give_totp(StaffFactory(role="hr"))
    client.force_login(hr)
    page = client.get(f"/courses/report/?month={month:%Y-%m}").content.decode()
    assert 'data-active-minutes="30"' in page
    export = client.get(f"/courses/report/?month={month:%Y-%m}&format=csv&rows=people").content.decode(
        "utf-8-sig"
    )
    assert "A0201" in export and "0.50" in export.split("A0201")[1].splitlines()[0]


@pytest.mark.django_db
def test_a_lesson_completed_by_its_video_needs_a_video(lesson):
    lesson.completion_rule = "video"
    with pytest.raises(ValidationError, match="video"):
        lesson.full_clean()
    lesson.body = [("video", {"title": "开场", "url": "https://videos.example.com/a.mp4", "transcript": ""})]
    lesson.full_clean()
