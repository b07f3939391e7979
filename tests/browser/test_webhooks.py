"""Browser journey on a phone: an administrator opens Webhooks from the menu, registers the payroll system's
address, copies the secret shown once, and finds the delivery log."""

import pytest
from playwright.sync_api import expect

from events.models import WebhookEndpoint
from tests.browser.test_service_stars import hr_page
from tests.conftest import give_totp
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_an_administrator_registers_an_endpoint_on_a_phone_and_sees_the_secret_once(
    browser, live_server, settings
):
    settings.WEBHOOKS_ALLOW_LOCAL_HTTP = True
    admin = give_totp(StaffFactory(role="admin", employee_no="ADM01", name="管理员"))
    context, page = hr_page(browser, live_server, admin)
    page.set_viewport_size(PHONE)
    try:
        page.goto("/portal/")
        page.goto(page.locator('a[href="/portal/webhooks/"]').first.get_attribute("href"))
        assert page.locator("#endpoints .empty").count() == 1
        page.fill("input[name=name]", "薪资系统")
        page.fill("input[name=url]", "http://127.0.0.1:8001/hooks/portal")
        page.check("input[name=events][value='month.published']")
        page.check("input[name=events][value='month.unpublished']")
        page.locator("#endpoint-form button[type=submit]").click()
        secret = page.locator("#new-secret code").inner_text()
        assert secret == WebhookEndpoint.objects.get().secret and secret.startswith("whsec_")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.reload()
        assert page.locator("#new-secret").count() == 0
        assert "薪资系统" in page.locator("#endpoints").inner_text()
        page.locator('main a[href="/portal/webhooks/deliveries/"]').click()
        page.wait_for_url("**/portal/webhooks/deliveries/")
        expect(page.locator("#deliveries .empty")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
