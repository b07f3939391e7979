"""A learner takes a timed quiz in the browser: countdown visible, answers autosaved, result shown."""

import pytest

from assessments.models import Attempt, AttemptItem
from tests.assessments import factories as f
from tests.browser.conftest import log_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_takes_a_timed_quiz_and_sees_the_result(page):
    StaffFactory(employee_no="A0001", name="安小客", password="correct-horse-battery")
    bank = f.make_bank()
    quiz = f.make_quiz(
        [f.single_choice(bank), f.short_answer(bank)],
        lesson=f.make_lesson(),
        title="沟通技巧测验",
        time_limit_minutes=10,
    )
    log_in(page, "A0001", "correct-horse-battery")
    page.wait_for_url("**/portal/")
    page.goto(f"/assessments/quizzes/{quiz.pk}/")
    page.click("#start-quiz")
    page.wait_for_url("**/assessments/attempts/*/")
    countdown = page.locator("#quiz-countdown")
    assert countdown.inner_text().startswith(("9:", "10:"))
    page.get_by_label("倾听并致歉").check()
    page.wait_for_function("document.querySelector('fieldset[data-slot=\"1\"] .item-version').value === '1'")
    assert AttemptItem.objects.get(slot=1).response == {"choice": 0}  # saved before submitting
    page.locator("input[type=text]").fill("９５５８８")
    page.click("#submit-quiz")
    page.wait_for_url("**/result/")
    assert "100.00%" in page.locator("#quiz-result").inner_text()
    attempt = Attempt.objects.get()
    assert attempt.passed and attempt.closed_by == "learner"
