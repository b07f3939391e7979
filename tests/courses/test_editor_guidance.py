from decimal import Decimal
from html import unescape

import pytest

from courses.rules import check_plan, due_date, progress_of, text_diff
from courses.selectors import programme_plan, programme_plan_messages
from tests.courses import factories as cf

pytestmark = pytest.mark.django_db


def test_the_plan_check_warns_when_hours_or_split_differ_from_policy():
    assert check_plan("onboarding", Decimal("29"), Decimal("43")).warnings == []
    codes = [code for code, _ in check_plan("onboarding", Decimal("40"), Decimal("40")).warnings]
    assert codes == ["hours", "split"]
    assert check_plan("monthly", Decimal("1.5"), Decimal("2.5")).warnings == []
    assert [c for c, _ in check_plan("monthly", Decimal("3"), Decimal("0")).warnings] == ["hours"]
    assert check_plan("leadership", Decimal("1"), Decimal("0")).warnings == []


def test_due_dates_follow_the_month_or_quarter():
    from datetime import date

    assert due_date(
        kind="monthly", month=date(2026, 2, 1), quarter=None, due_days=0, assigned_on=date(2026, 2, 3)
    ) == date(2026, 2, 28)
    assert due_date(
        kind="monthly", month=date(2026, 2, 1), quarter=None, due_days=10, assigned_on=date(2026, 2, 3)
    ) == date(2026, 2, 10)
    assert due_date(
        kind="leadership", month=None, quarter=date(2026, 10, 1), due_days=0, assigned_on=date(2026, 11, 3)
    ) == date(2026, 12, 31)
    assert (
        due_date(kind="onboarding", month=None, quarter=None, due_days=0, assigned_on=date(2026, 11, 3))
        is None
    )


def test_progress_counts_required_lessons_and_hours():
    lessons = [
        {"pk": 1, "delivery_mode": "online", "planned_hours": Decimal("2"), "required": True},
        {"pk": 2, "delivery_mode": "offline", "planned_hours": Decimal("3"), "required": True},
        {"pk": 3, "delivery_mode": "online", "planned_hours": Decimal("1"), "required": False},
    ]
    p = progress_of(lessons, {1: Decimal("2")})
    assert (p.done_online, p.done_offline, p.planned, p.required_left, p.next_lesson_id) == (
        Decimal("2"),
        Decimal("0"),
        Decimal("6"),
        (2,),
        2,
    )
    assert not p.complete and p.percent_done == 33
    assert progress_of(lessons, {1: Decimal("2"), 2: Decimal("3"), 3: Decimal("1")}).complete


def test_text_diff_marks_added_and_removed_lines():
    assert text_diff(["a", "b", "c"], ["a", "B", "c"]) == [
        ("same", "a"),
        ("removed", "b"),
        ("added", "B"),
        ("same", "c"),
    ]


def test_the_programme_edit_page_shows_its_planned_hours_and_warns(client):
    from tests.conftest import give_totp
    from tests.factories import StaffFactory

    prog, _lessons = cf.onboarding(online=("4",), offline=("4",))
    admin = give_totp(StaffFactory(role="admin", employee_no="ADM01"))
    client.force_login(admin)
    html = unescape(client.get(f"/admin/pages/{prog.pk}/edit/").content.decode())
    assert "data-programme-plan" in html
    plan = programme_plan(programme=prog, kind="onboarding")
    assert (plan.total, plan.online, plan.offline) == (Decimal("8.00"), Decimal("4.00"), Decimal("4.00"))
    for message in programme_plan_messages(plan):  # hours differ (8 of 72) and online is 50%, not ~40%
        assert message in html
    assert len(programme_plan_messages(plan)) == 2
