import pytest

from notifications.services import notify
from tests.browser.conftest import log_in
from tests.factories import StaffFactory
from tests.notifications.conftest import due_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_counts_unread_messages_and_the_list_marks_them_read_on_a_phone(page):
    person = StaffFactory(employee_no="A0001", name="安小客", password="correct-horse-battery")
    notify(person, "module_due", due_context(title="第一条专题"))
    notify(person, "module_due", due_context(title="第二条专题"))
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "A0001", "correct-horse-battery")
    page.wait_for_url("**/portal/")
    bell = page.locator("#notification-bell")
    assert bell.is_visible() and bell.locator(".badge").inner_text() == "2"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing wider than the phone"

    bell.click()
    page.wait_for_url("**/notifications/")
    items = page.locator("#notification-list .notification.unread")
    assert items.count() == 2
    items.filter(has_text="第一条专题").get_by_role("button", name="标为已读").click()
    page.wait_for_url("**/notifications/")
    assert page.locator("#notification-bell .badge").inner_text() == "1"
    assert page.locator("#notification-list .notification.unread").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_url("**/notifications/")
    assert page.locator("#notification-bell .badge").count() == 0
    assert page.locator("#notification-list .notification.unread").count() == 0
