"""The appeal chain in a browser: the agent disputes, the team lead endorses, the QA lead decides (phone width)."""

from datetime import date
from decimal import Decimal

import pytest

from assessments.models import Evaluation
from assessments.scorecards.services import qa_lead_appoint
from tests.browser.conftest import log_in
from tests.factories import StaffFactory, make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _as(browser, live_server, user):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, user.employee_no, PASSWORD)
    page.wait_for_url("**/portal/")
    return context, page


def test_agent_disputes_lead_endorses_and_qa_lead_decides(browser, live_server):
    org = make_org()
    qa_lead = StaffFactory(role="trainer", employee_no="QA02", name="钱质检")
    hr_user = StaffFactory(role="hr", employee_no="HR001")
    qa_lead_appoint(user=qa_lead, acting_user=hr_user, reason="质检组长")
    for user in (org.agent_a1, org.lead_a1, qa_lead):
        user.set_password(PASSWORD)
        user.save()
    evaluation = Evaluation.objects.create(
        staff=org.agent_a1,
        date=date(2026, 10, 12),
        kind="spot_check",
        score=Decimal(60),
        evaluator="QA01",
    )
    url = f"/assessments/evaluations/{evaluation.pk}/"

    context, page = _as(browser, live_server, org.agent_a1)
    page.goto("/assessments/evaluations/")
    page.locator(f"a[href='{url}']").click()
    page.fill("#dispute-reason", "录音里我已确认客户需求")
    page.locator("#dispute-form button[type=submit]").click()
    page.wait_for_selector("#dispute-status[data-status=open]")
    assert page.locator("#dispute-timeline li[data-step=waiting]").count() == 1
    context.close()

    context, page = _as(browser, live_server, org.lead_a1)
    page.goto("/assessments/evaluations/disputes/")
    page.locator(f"#as-lead a[href='{url}']").click()
    page.fill("#review-note", "同意复核")
    page.locator("#review-form button[value=endorse]").click()
    page.wait_for_selector("#dispute-status[data-status=endorsed]")
    context.close()

    context, page = _as(browser, live_server, qa_lead)
    page.goto("/assessments/evaluations/disputes/")
    page.locator(f"#as-qa-lead a[href='{url}']").click()
    page.check("#decide-form input[value=revised]")
    page.fill("#decide-form input[name=new_score]", "85")
    page.fill("#decide-note", "复核录音后上调")
    page.locator("#decide-form button[type=submit]").click()
    page.wait_for_selector("#dispute-status[data-status=revised]")
    assert page.locator("#evaluation-score").inner_text() == "85.00"
    steps = page.locator("#dispute-timeline li").evaluate_all("items => items.map(i => i.dataset.step)")
    assert steps == ["disputed", "endorsed", "revised"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
