import pytest
from playwright.sync_api import expect

from courses.services import enrolment_assign
from tests.browser.conftest import log_in
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_on_phones_the_trainer_shows_the_code_a_learner_checks_in_and_closing_credits_the_hours(
    browser, live_server
):
    programme, lessons = cf.onboarding(online=("4",), offline=("6",))
    StaffFactory(role="trainer", employee_no="T0001", password="correct-horse-battery")
    learner = StaffFactory(
        role="new_hire", employee_no="N0001", onboarded_on=None, password="correct-horse-battery"
    )
    enrolment_assign(
        staff_ids=[learner.pk], programme=programme, assigned_on=programme.first_published_at.date()
    )
    trainer_phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True
    )
    learner_phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True
    )
    trainer, learner_page = trainer_phone.new_page(), learner_phone.new_page()
    try:
        log_in(trainer, "T0001", "correct-horse-battery")
        trainer.wait_for_url("**/portal/")
        trainer.goto("/courses/sessions/")
        trainer.select_option("select[name=lesson]", str(lessons[1].pk))
        trainer.fill("input[name=starts_at]", "2026-12-06T09:00")
        trainer.fill("input[name=room]", "A301")
        trainer.locator("main form.card button[type=submit]").click()
        trainer.locator("#start-session").click()
        code = trainer.locator("[data-check-in-url]")
        assert code.locator("svg").count() == 1
        scanned_url = code.get_attribute("data-check-in-url")

        log_in(learner_page, "N0001", "correct-horse-battery")
        learner_page.wait_for_url("**/portal/")
        assert learner_page.locator("#my-training-panel [data-progress-done]").first.inner_text() == "0"
        learner_page.goto(scanned_url)
        learner_page.locator("#confirm-check-in").click()
        expect(learner_page.locator("#check-in-done")).to_have_count(1)

        trainer.locator("#present-list [data-employee-no=N0001]").wait_for()  # the live list refreshes itself
        trainer.locator("#close-session").click()
        trainer.wait_for_url("**/courses/sessions/*/")
        assert trainer.locator("#close-session").count() == 0

        learner_page.goto("/portal/")
        assert learner_page.locator("#my-training-panel [data-progress-done]").first.inner_text() == "6"
    finally:
        trainer_phone.close()
        learner_phone.close()
