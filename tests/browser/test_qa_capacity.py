"""HR on a phone: sets a QA evaluator's monthly capacity from the menu and sees it listed, then uploads a call
list and follows its import to the counts (the task runs at once under the test settings' immediate backend)."""

import pytest
from django.conf import settings
from django.test import Client

from assessments.models import Call, QaEvaluatorCapacity
from tests.conftest import give_totp, sign_in
from tests.factories import StaffFactory, make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
CALLS = (
    "call_id,employee_no,started_at,duration_s,channel,recording_url\n"
    "C1,A0001,2026-10-12 10:00,240,phone,\n"
    "C2,A0002,2026-10-12 11:00,180,chat,\n"
)


def _hr_phone(browser, live_server, user):
    client = sign_in(Client(), user)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
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


def test_hr_sets_an_evaluators_capacity_and_imports_a_call_list_on_a_phone(browser, live_server, tmp_path):
    make_org()
    StaffFactory(role="trainer", employee_no="Q0001", name="孙质检")
    hr = give_totp(StaffFactory(role="hr", employee_no="H0001"))
    context, page = _hr_phone(browser, live_server, hr)
    page.goto("/portal/")
    page.locator("label[for=nav-toggle]").click()
    page.locator("details.navmenu summary").click()
    page.locator("nav.mainnav").get_by_role("link", name="质检员月产能").click()
    page.wait_for_url("**/assessments/qa/capacity/")
    row = page.locator('#capacity tr[data-employee-no="Q0001"]')
    assert "300" in row.locator(".capacity").inner_text() and "政策默认" in row.inner_text()
    row.locator("a[href$='/capacity/Q0001/']").click()
    page.fill("#calls-per-month", "450")
    page.fill("#capacity-reason", "专职质检，产能更高")
    page.locator("#capacity-form button[type=submit]").click()
    page.wait_for_url("**/assessments/qa/capacity/")
    row = page.locator('#capacity tr[data-employee-no="Q0001"]')
    assert row.locator(".capacity").inner_text().strip() == "450"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert QaEvaluatorCapacity.objects.get().calls_per_month == 450

    calls = tmp_path / "十月通话.csv"
    calls.write_text(CALLS, encoding="utf-8")
    page.goto("/assessments/qa/calls/import/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_input_files("#call-file", str(calls))
    page.locator("#call-import-form input[name=check_only]").uncheck()
    page.locator("#call-import-form button[type=submit]").click()
    page.wait_for_selector('#job-status[data-status="done"]')
    assert "2" in page.locator('[data-count="created"]').inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Call.objects.count() == 2
    context.close()
