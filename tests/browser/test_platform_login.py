import pytest

from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_staff_member_signs_in_through_dingtalk_and_lands_on_the_portal_home(page, dingtalk_fake):
    StaffFactory(employee_no="A0001", name="安小客")
    dingtalk_fake.sign_in_as(dingtalk_fake.add_member("ding-a0001", name="安小客", job_number="A0001"))
    page.goto("/accounts/login/")
    page.get_by_role("link", name="钉钉登录").click()
    page.click("main form button[type=submit]")  # allauth's "continue to DingTalk" confirmation
    page.wait_for_url("**/portal/")
    assert "安小客" in page.locator("h1").inner_text()
