import pytest

from courses.services import enrolment_assign
from tests.browser.conftest import log_in
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_sees_the_next_course_locked_completes_the_first_and_finds_it_open(page):
    basics = cf.programme(kind="course", title="投诉处理基础")
    lesson = cf.lesson(cf.module(basics, "基础"), title="倾听与共情", mode="online", hours="2")
    advanced = cf.programme(kind="course", title="投诉处理进阶")
    advanced.prerequisites.set([basics])
    advanced.due_days = 14
    cf.publish(advanced)
    cf.lesson(cf.module(advanced, "进阶"), title="升级投诉", mode="online", hours="2")
    agent = StaffFactory(employee_no="A0001", password="correct-horse-battery")
    enrolment_assign(staff_ids=[agent.pk], programme=basics, assigned_on=basics.first_published_at.date())

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "A0001", "correct-horse-battery")
    page.wait_for_url("**/portal/")
    page.goto("/courses/")
    lock = page.locator(f"[data-locked-programme='{advanced.pk}']")
    assert "未解锁" in lock.inner_text() and "投诉处理基础" in lock.inner_text()
    lock.get_by_role("link", name="投诉处理进阶").click()
    assert "投诉处理基础" in page.locator("#programme-lock").inner_text()

    page.goto(lesson.url)
    page.locator("#lesson-completion button[type=submit]").click()
    page.wait_for_url(f"**{lesson.url}")
    assert "投诉处理基础" in page.locator("#programme-end").inner_text()

    page.goto("/courses/")
    assert page.locator("[data-locked-programme]").count() == 0
    paths = page.locator("#learning-paths")
    paths.get_by_role("link", name="投诉处理进阶").click()
    page.wait_for_url(f"**{advanced.url}")
    assert page.locator("#programme-lock").count() == 0
    assert "截止" in page.inner_text("main") or "Due" in page.inner_text("main")
