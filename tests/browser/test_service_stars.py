"""Browser journey: HR excludes a candidate with a reason, another HR user approves and publishes, and a staff
member sees the recognition wall.

HR users need TOTP: they get an authenticator (give_totp) and a session made with `Client.force_login`, whose
cookie is copied into their own browser context (the MFA middleware only checks that an authenticator exists).
"""

import pytest
from django.conf import settings
from django.test import Client

from incentives.models import Award, RoundStatus, ServiceStarRound
from tests.browser.conftest import log_in
from tests.conftest import sign_in
from tests.factories import StaffFactory
from tests.incentives.factories import OCTOBER, hr, month_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def hr_page(browser, live_server, user):
    client = sign_in(Client(), user)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_hr_excludes_approves_and_publishes_and_staff_see_the_wall(browser, live_server, page):
    best = month_data(StaffFactory(employee_no="S0001", name="白最佳"), quality="99")
    second = month_data(StaffFactory(employee_no="S0002", name="石第二"), quality="90")
    viewer = StaffFactory(employee_no="S0009", name="韦观看", password="correct-horse-battery")
    hr1, hr2 = hr("HR1"), hr("HR2")

    context1, page1 = hr_page(browser, live_server, hr1)
    page1.goto("/incentives/stars/2026-10/")
    winners = page1.locator("#winners tbody tr")
    assert winners.first.get_attribute("data-employee-no") == "S0001"
    row = page1.locator('#winners tr[data-employee-no="S0001"]')
    row.locator("input[name=reason]").fill("服务态度投诉仍在核查")
    row.locator("button[type=submit]").click()
    page1.wait_for_selector('#ineligible tr[data-employee-no="S0001"]')
    assert "服务态度投诉仍在核查" in page1.locator('#ineligible tr[data-employee-no="S0001"]').inner_text()
    assert page1.locator("#winners tbody tr").first.get_attribute("data-employee-no") == "S0002"
    context1.close()

    context2, page2 = hr_page(browser, live_server, hr2)
    page2.goto("/incentives/stars/2026-10/")
    checklist = page2.locator("#close-checklist")
    assert checklist.locator('[data-check="month_ended"]').get_attribute("class").strip() == "ok"
    assert checklist.locator('[data-check="kpis_complete"]').get_attribute("class").strip() == "warn"
    assert "S0009 韦观看" in checklist.inner_text()  # scored, but without a KPI row: HR acknowledges it
    assert "韦观看" not in page2.locator("#who-approves").inner_text()
    page2.locator("#approve-reason").fill("名单与规则核对一致")
    page2.locator("#approve-ack").fill("韦观看本月在外培训，无KPI")
    page2.locator("#approve-form button").click()
    page2.wait_for_selector('#round-status[data-status="approved"]')
    page2.locator("#publish-reason").fill("按规则公示")
    page2.locator("#publish-form button").click()
    page2.wait_for_selector('#round-status[data-status="published"]')
    context2.close()

    assert ServiceStarRound.objects.get(month=OCTOBER).status == RoundStatus.PUBLISHED
    assert list(Award.objects.values_list("staff__employee_no", flat=True)) == [second.employee_no]

    log_in(page, viewer.employee_no, "correct-horse-battery")
    page.wait_for_url("**/portal/")
    page.goto("/incentives/wall/")
    wall = page.locator("main").inner_text()
    assert "石第二" in wall and "白最佳" not in wall
    assert best.name not in wall
