"""The activity heartbeat in a real browser: a lesson page credits its hours once the learner has studied the
required share (tiny here, with a 1-second heartbeat), and an exam page left too long submits the attempt."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Attempt, AttemptEvent
from courses.models import LessonCompletion, LessonStudyTime
from courses.services import enrolment_assign
from tests.assessments import factories as f
from tests.browser.conftest import log_in
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def _set_visibility(page, state):
    """What the browser does when the learner switches to another app and back (headless Chromium never hides a
    page by itself)."""
    page.evaluate(
        """state => {
            Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        state,
    )


def test_the_heartbeat_credits_a_lesson_after_the_required_share(page, settings):
    settings.ACTIVITY_HEARTBEAT_SECONDS = 1
    learner = StaffFactory(role="new_hire", employee_no="N0301", onboarded_on=None, password=PASSWORD)
    # 0.01 h = 36 s planned; 10% asks 4 s of activity.
    prog, lessons = cf.onboarding(online=("0.01",), offline=(), active_share="10")
    enrolment_assign(staff_ids=[learner.pk], programme=prog, assigned_on=timezone.localdate())
    log_in(page, "N0301", PASSWORD)
    page.wait_for_url("**/portal/")
    page.goto(lessons[0].url)
    button = page.locator("#complete-lesson")
    expect(button).to_be_disabled()
    expect(page.locator("[data-heartbeat-message]")).to_contain_text("还需学习 1 分钟")
    for _ in range(8):  # the learner scrolls and reads: input within the idle window
        page.mouse.wheel(0, 40)
        page.wait_for_timeout(700)
    expect(button).to_be_enabled(timeout=10000)
    assert LessonStudyTime.objects.get(staff=learner).active_seconds >= 4
    button.click()
    expect(page.locator("#lesson-completion")).to_contain_text("已完成")
    assert LessonCompletion.objects.get(staff=learner).hours == lessons[0].planned_hours


def test_leaving_the_exam_page_over_the_limit_submits_the_attempt(page, settings):
    settings.ACTIVITY_HEARTBEAT_SECONDS = 1
    StaffFactory(employee_no="A0301", name="钱小多", password=PASSWORD)
    bank = f.make_bank()
    quiz = f.make_quiz([f.single_choice(bank), f.short_answer(bank)], title="期末考试", leave_limit=0)
    log_in(page, "A0301", PASSWORD)
    page.wait_for_url("**/portal/")
    page.goto(f"/assessments/quizzes/{quiz.pk}/")
    expect(page.locator("#leave-limit-rule")).to_contain_text("15 秒")
    page.click("#start-quiz")
    page.wait_for_url("**/assessments/attempts/*/")
    expect(page.locator("[data-leave-count]")).to_contain_text("0 次")
    page.get_by_label("倾听并致歉").check()
    expect(page.locator('fieldset[data-slot="1"] .item-version')).to_have_value("1")
    _set_visibility(page, "hidden")
    attempt = Attempt.objects.get()
    left = AttemptEvent.objects.filter(attempt=attempt, kind="left")
    for _ in range(50):
        if left.exists():
            break
        page.wait_for_timeout(100)
    # Away for half a minute (the clock is moved rather than waited for).
    left.update(at=left.get().at - timedelta(seconds=30))
    _set_visibility(page, "visible")
    page.wait_for_url("**/result/")
    expect(page.locator("#leave-limit-notice")).to_be_visible()
    expect(page.locator('[data-kind="returned"]')).to_contain_text("计数")
    attempt.refresh_from_db()
    assert attempt.closed_by == "leave_limit" and attempt.review == "flagged"
    assert attempt.percent == 50  # the answer saved before leaving was graded
