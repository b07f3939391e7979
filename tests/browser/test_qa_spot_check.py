from datetime import date
from decimal import Decimal

import pytest

from assessments.models import CriterionRule, Rubric, RubricCriterion, SampledCall
from assessments.qa.services import call_import, qa_sample_draw
from tests.browser.conftest import log_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LEVELS = [{"percent": 0, "label": "未达到"}, {"percent": 100, "label": "达到"}]
CALLS = (
    "call_id,employee_no,started_at,duration_s,channel,recording_url,transcript\n"
    'C1,A0001,2026-10-12 10:00,240,phone,https://rec.example.com/C1.mp3,"[00:00] 坐席：您好，很高兴为您服务\n'
    '[00:05] 客户：我要改套餐\n[00:12] 坐席：你有并吧\n[00:20] 坐席：请问还有什么可以帮您"\n'
)


def test_on_a_phone_a_qa_evaluator_opens_a_sampled_call_confirms_the_findings_and_submits(
    browser, live_server
):
    StaffFactory(employee_no="A0001")
    StaffFactory(role="trainer", employee_no="Q0001", password="correct-horse-battery")
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

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        log_in(page, "Q0001", "correct-horse-battery")
        page.wait_for_url("**/portal/")
        page.goto("/assessments/qa/calls/")
        page.locator("#sampled-calls a").first.click()
        page.wait_for_url("**/assessments/qa/calls/*/")
        # The findings are there before the evaluator does anything: greeting met, the abuse (with a typo) found.
        assert page.locator("#transcript li.highlight").count() == 2
        assert (
            page.locator(".finding .pill.ok").count() == 1 and page.locator(".finding .pill.bad").count() == 1
        )
        assert page.locator(f"input[name=c{courtesy.pk}][value='0']").is_checked()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator("fieldset").nth(1).locator("input[value='1']").check()
        page.locator("#evaluation-form button[type=submit]").click()
        page.wait_for_url("**/assessments/qa/calls/")
        assert page.locator("#sampled-calls .pill.ok").count() == 1
    finally:
        context.close()
    sampled = SampledCall.objects.select_related("evaluation").get()
    assert sampled.evaluation.score == Decimal("50.00") and sampled.evaluation.date == date(2026, 10, 12)
    assert sorted(sampled.findings.values_list("suggested", "passed")) == [(False, False), (True, True)]
