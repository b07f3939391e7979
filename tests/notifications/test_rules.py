"""The pure rules of notifications: channels, quiet hours, the retry schedule, due steps (no database)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifications import rules

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT = (time(21, 0), time(8, 0))


def at(hour, minute=0, day=2):
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def test_the_portal_always_gets_the_message_and_the_default_applies_until_a_person_chooses():
    default = ["email", "dingtalk"]
    assert rules.delivery_channels(
        chosen=None, default=default, enabled_platforms=["dingtalk"], has_email=True
    ) == ["portal", "email", "dingtalk"]
    assert rules.delivery_channels(
        chosen=[], default=default, enabled_platforms=["dingtalk"], has_email=True
    ) == ["portal"]
    assert rules.delivery_channels(
        chosen=["feishu", "email"], default=default, enabled_platforms=["dingtalk"], has_email=False
    ) == ["portal"], "no address, and Feishu is not switched on here"


@pytest.mark.parametrize(
    "moment, held_until",
    [
        (at(20, 59), None),
        (at(21, 0), at(8, 0, day=3)),
        (at(23, 30), at(8, 0, day=3)),
        (at(0, 15), at(8, 0)),
        (at(7, 59), at(8, 0)),
        (at(8, 0), None),
        (at(12, 0), None),
    ],
)
def test_quiet_hours_over_midnight_end_the_next_morning(moment, held_until):
    assert rules.quiet_hours_end(moment, *NIGHT) == held_until


def test_quiet_hours_within_a_day_and_none_when_start_equals_end():
    assert rules.quiet_hours_end(at(12, 30), time(12, 0), time(13, 30)) == at(13, 30)
    assert rules.quiet_hours_end(at(14, 0), time(12, 0), time(13, 30)) is None
    assert rules.quiet_hours_end(at(23, 0), time(0, 0), time(0, 0)) is None


def test_an_urgent_message_is_never_held():
    assert rules.first_attempt_at(at(23, 0), urgent=True, start=NIGHT[0], end=NIGHT[1]) == (at(23, 0), False)
    assert rules.first_attempt_at(at(23, 0), urgent=False, start=NIGHT[0], end=NIGHT[1]) == (
        at(8, 0, day=3),
        True,
    )


def test_retries_wait_longer_each_time_and_stop_after_the_last_attempt():
    moment = at(10, 0)
    waits = [
        rules.next_attempt_at(moment, attempts_made=n, urgent=True, start=NIGHT[0], end=NIGHT[1]) - moment
        for n in range(1, rules.MAX_ATTEMPTS)
    ]
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
    ]
    assert (
        rules.next_attempt_at(
            moment, attempts_made=rules.MAX_ATTEMPTS, urgent=True, start=NIGHT[0], end=NIGHT[1]
        )
        is None
    )


def test_a_retry_that_would_fall_in_quiet_hours_waits_for_the_morning_unless_urgent():
    evening = at(20, 0)
    assert rules.next_attempt_at(evening, attempts_made=4, urgent=False, start=NIGHT[0], end=NIGHT[1]) == at(
        8, 0, day=3
    )
    assert rules.next_attempt_at(evening, attempts_made=4, urgent=True, start=NIGHT[0], end=NIGHT[1]) == at(
        22, 0
    )


@pytest.mark.parametrize(
    "days_left, step", [(9, None), (8, None), (7, 7), (5, 7), (3, 3), (2, 3), (1, 1), (0, 1), (-1, 0)]
)
def test_a_due_date_reaches_the_7_3_1_steps_even_if_a_day_is_missed(days_left, step):
    assert rules.due_reminder_step(days_left) == step


def test_a_rendered_template_gives_its_first_line_as_title():
    assert rules.split_message("\n  标题  \n你好，\n\n正文\n") == ("标题", "你好，\n\n正文")
