import pytest

from courses.services import enrolment_assign
from tests.browser.conftest import log_in
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_hire_opens_a_lesson_completes_it_and_sees_the_progress_bar_move(page):
    # No study time asked here: the heartbeat's crediting has its own browser test (test_study_time).
    programme, lessons = cf.onboarding(online=("28.8",), offline=("43.2",), active_share="0")
    new_hire = StaffFactory(
        role="new_hire", employee_no="N0001", onboarded_on=None, password="correct-horse-battery"
    )
    enrolment_assign(
        staff_ids=[new_hire.pk], programme=programme, assigned_on=programme.first_published_at.date()
    )

    log_in(page, "N0001", "correct-horse-battery")
    page.wait_for_url("**/portal/")
    panel = page.locator("#my-training-panel")
    assert panel.locator("[data-progress-done]").first.inner_text() == "0"
    assert panel.locator("[role=progressbar]").first.get_attribute("aria-valuenow") == "0"

    panel.get_by_role("link", name=lessons[0].title).click()
    page.wait_for_url(f"**{lessons[0].url}")
    page.locator("#lesson-completion button[type=submit]").click()
    page.wait_for_url(f"**{lessons[0].url}")
    assert page.locator("#lesson-completion .pill.ok").count() == 1

    page.goto("/portal/")
    panel = page.locator("#my-training-panel")
    assert panel.locator("[data-progress-done]").first.inner_text() == "28.80"
    assert panel.locator("[data-progress-online]").first.inner_text() == "28.80"
    assert panel.locator("[role=progressbar]").first.get_attribute("aria-valuenow") == "40"
    # The next lesson is now the offline one.
    assert lessons[1].title in panel.inner_text()
