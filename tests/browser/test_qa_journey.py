"""The whole QA journey through the pages people click: a QA evaluator opens a sampled call from their work queue,
confirms the transcript findings and submits; the agent (on a phone) disputes; their team lead endorses from
their queue; a QA lead who did not make the evaluation revises it from theirs; each reads the dispute timeline."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import CriterionRule, Rubric, RubricCriterion, SampledCall
from assessments.qa.services import call_import, qa_sample_draw
from assessments.scorecards.services import qa_lead_appoint
from assessments.scoring.selectors import scoring_policy_for_month
from tests.browser.conftest import log_in
from tests.factories import StaffFactory, make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
LEVELS = [{"percent": 0, "label": "未达到"}, {"percent": 100, "label": "达到"}]
CALLS = (
    "call_id,employee_no,started_at,duration_s,channel,recording_url,transcript\n"
    'C1,A0001,2026-10-12 10:00,240,phone,https://rec.example.com/C1.mp3,"[00:00] 坐席：您好，很高兴为您服务\n'
    '[00:05] 客户：我要改套餐\n[00:12] 坐席：你有并吧\n[00:20] 坐席：请问还有什么可以帮您"\n'
)


def _signed_in(browser, live_server, user, viewport=None):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, user.employee_no, PASSWORD)
    page.wait_for_url("**/portal/")
    return context, page


def _open_work_queue(page):
    page.locator("details.navmenu summary").click()
    page.locator("nav.mainnav").get_by_role("link", name="我的待办").click()
    page.wait_for_url("**/notifications/queue/")


def _timeline(page):
    return page.locator("#dispute-timeline li").evaluate_all("items => items.map(i => i.dataset.step)")


def test_a_sampled_call_travels_from_the_evaluators_queue_through_the_appeal_chain(browser, live_server):
    org = make_org()
    agent, lead = org.agent_a1, org.lead_a1
    evaluator = StaffFactory(role="trainer", employee_no="Q0001", name="孙质检")
    rubric = Rubric.objects.create(name="录音抽查", kind="spot_check")
    courtesy = RubricCriterion.objects.create(
        rubric=rubric, name="礼貌用语", weight=Decimal(1), levels=LEVELS
    )
    RubricCriterion.objects.create(rubric=rubric, name="业务准确", weight=Decimal(1), levels=LEVELS, order=1)
    CriterionRule.objects.create(
        criterion=courtesy, kind="required", phrase="您好，很高兴为您服务", stage="opening"
    )
    CriterionRule.objects.create(criterion=courtesy, kind="forbidden", phrase="你有病吧")
    assert call_import(data=CALLS.encode(), file_name="calls.csv").ok
    qa_sample_draw(month=date(2026, 10, 1))
    # The QA lead is appointed after the draw, so the call goes to the one evaluator, not to the lead.
    qa_lead = StaffFactory(role="trainer", employee_no="Q0009", name="钱组长")
    qa_lead_appoint(user=qa_lead, acting_user=StaffFactory(role="hr", employee_no="H0001"), reason="质检组长")
    for user in (agent, lead, evaluator, qa_lead):
        user.set_password(PASSWORD)
        user.save()
    assert SampledCall.objects.get().evaluator_id == evaluator.pk

    # The evaluator finds the call in their work queue and opens it from there.
    context, page = _signed_in(browser, live_server, evaluator)
    _open_work_queue(page)
    queue = page.locator("#work-queue tbody tr")
    assert queue.count() == 1 and "待质检的录音" in queue.inner_text()
    queue.get_by_role("link", name=f"{agent.name} · C1").click()
    page.wait_for_url("**/assessments/qa/calls/*/")
    # Pre-filled: the greeting found, the abuse found despite its typo, so courtesy suggested "not met".
    assert page.locator("#transcript li.highlight").count() == 2
    assert page.locator(".finding .pill.ok").count() == 1 and page.locator(".finding .pill.bad").count() == 1
    assert page.locator(f"input[name=c{courtesy.pk}][value='0']").is_checked()
    page.locator("#evaluation-form fieldset").nth(1).get_by_label("达到 (100%)").check()
    page.locator("#evaluation-form button[type=submit]").click()
    page.wait_for_url("**/assessments/qa/calls/")
    _open_work_queue(page)
    assert page.locator("#work-queue").count() == 0
    context.close()
    evaluation = SampledCall.objects.get().evaluation
    assert evaluation.score == Decimal("50.00")
    url = f"/assessments/evaluations/{evaluation.pk}/"

    # The agent, on a phone, opens the evaluation from their menu and disputes it.
    agent_context, agent_page = _signed_in(browser, live_server, agent, PHONE)
    agent_page.locator("label[for=nav-toggle]").click()
    agent_page.locator("nav.mainnav").get_by_role("link", name="我的质检评估").click()
    agent_page.locator(f"a[href='{url}']").click()
    assert agent_page.locator("#evaluation-score").inner_text() == "50.00"
    agent_page.fill("#dispute-reason", "客户先骂人，我没有说脏话")
    agent_page.locator("#dispute-form button[type=submit]").click()
    agent_page.wait_for_selector("#dispute-status[data-status=open]")
    assert _timeline(agent_page) == ["disputed", "waiting"]
    assert "等待班组长" in agent_page.locator("#dispute-timeline li[data-step=waiting]").inner_text()
    assert agent_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The team lead finds the dispute in their queue, reads the reason and endorses it.
    policy, today = scoring_policy_for_month(date(2026, 10, 1)), timezone.localdate()
    context, page = _signed_in(browser, live_server, lead)
    _open_work_queue(page)
    due = today + timedelta(days=policy.endorse_days)
    assert page.locator("#work-queue tbody td").nth(2).inner_text() == f"{due:%Y-%m-%d}"
    page.locator("#work-queue").get_by_role("link", name=f"{agent.name} · 2026-10-12").click()
    assert "客户先骂人，我没有说脏话" in page.locator("#review-form").inner_text()
    page.fill("#review-note", "录音里是客户先骂人，请复核")
    page.locator("#review-form button[value=endorse]").click()
    page.wait_for_selector("#dispute-status[data-status=endorsed]")
    assert _timeline(page) == ["disputed", "endorsed", "waiting"]
    context.close()

    # The QA lead decides from their queue: courtesy was met after all, so the score is computed again.
    context, page = _signed_in(browser, live_server, qa_lead)
    _open_work_queue(page)
    due = today + timedelta(days=policy.decide_days)
    assert page.locator("#work-queue tbody td").nth(2).inner_text() == f"{due:%Y-%m-%d}"
    page.locator("#work-queue").get_by_role("link", name=f"{agent.name} · 2026-10-12").click()
    assert "录音里是客户先骂人，请复核" in page.locator("#decide-form").inner_text()
    page.check("#decide-form input[value=revised]")
    page.select_option(f"#level-{courtesy.pk}", label="达到 (100%)")
    page.fill("#decide-note", "坐席没有说脏话，礼貌用语达到")
    page.locator("#decide-form button[type=submit]").click()
    page.wait_for_selector("#dispute-status[data-status=revised]")
    assert page.locator("#evaluation-score").inner_text() == "100.00"
    context.close()

    # The agent reads the whole chain: who did what, the score change and the QA lead's reason.
    agent_page.reload()
    assert agent_page.locator("#evaluation-score").inner_text() == "100.00"
    assert _timeline(agent_page) == ["disputed", "endorsed", "revised"]
    steps = agent_page.locator("#dispute-timeline li")
    assert lead.name in steps.nth(1).inner_text() and "录音里是客户先骂人" in steps.nth(1).inner_text()
    decided = steps.nth(2).inner_text()
    assert qa_lead.name in decided and "50.00 → 100.00" in decided and "礼貌用语达到" in decided
    assert agent_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    agent_context.close()
