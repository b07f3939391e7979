import pytest

from tests.browser.conftest import log_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_staff_member_logs_in_and_sees_their_home_page(page):
    StaffFactory(employee_no="A0001", name="安小客", password="correct-horse-battery")
    log_in(page, "A0001", "correct-horse-battery")
    page.wait_for_url("**/portal/")
    assert "安小客" in page.locator("h1").inner_text()
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/portal/")
    assert "Hello" in page.locator("h1").inner_text()
