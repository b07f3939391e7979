"""A QA evaluator opens their work queue on a phone, scores a calibration call blind, and sees their deviation
per criterion once the QA lead has set the reference."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.calibration.services import calibration_reference_set, calibration_session_open
from assessments.models import Call, QaLead, Rubric, RubricCriterion
from assessments.qa.services import call_import
from portal.models import User
from tests.browser.conftest import log_in
from tests.factories import StaffFactory, make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LEVELS = [
    {"percent": 0, "label": "未做到"},
    {"percent": 80, "label": "做到"},
    {"percent": 100, "label": "优秀"},
]


def test_an_evaluator_scores_a_calibration_call_from_the_queue_and_sees_the_deviation(page):
    make_org()
    evaluator = StaffFactory(role="trainer", employee_no="Q0001")
    evaluator.set_password("correct-horse-battery")
    evaluator.save()
    other = StaffFactory(role="trainer", employee_no="Q0002")
    lead = StaffFactory(role="trainer", employee_no="Q0009")
    QaLead.objects.create(user=lead, reason="calibration tests")
    lead = User.objects.get(pk=lead.pk)
    call_import(
        data=b"call_id,employee_no,started_at,duration_s,channel,recording_url,transcript\n"
        b"C-7,A0001,2026-11-02 09:30,300,phone,,\n",
        file_name="calls.csv",
    )
    rubric = Rubric.objects.create(name="录音抽查", kind="spot_check")
    RubricCriterion.objects.create(rubric=rubric, name="礼貌用语", weight=Decimal(1), levels=LEVELS)
    RubricCriterion.objects.create(rubric=rubric, name="业务准确", weight=Decimal(1), levels=LEVELS, order=1)
    session = calibration_session_open(
        call=Call.objects.get(call_id="C-7"),
        rubric=rubric,
        evaluators=[evaluator, other],
        score_by=timezone.localdate() + timedelta(days=2),
        acting_user=lead,
    )

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "Q0001", "correct-horse-battery")
    page.wait_for_url("**/portal/")
    assert "待评分的校准录音: 1" in page.locator("#waiting-for-me").inner_text()
    page.get_by_role("link", name="打开我的待办").click()
    page.get_by_role("link", name="C-7 · 录音抽查").click()
    form = page.locator("#calibration-score")
    form.locator("fieldset").nth(0).get_by_label("做到 (80%)").check()
    form.locator("fieldset").nth(1).get_by_label("优秀 (100%)").check()
    form.get_by_role("button", name="提交我的评分").click()
    expect(page.locator("main")).to_contain_text("基准设定后即可看到你的偏差")
    assert page.locator("#participants").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    criteria = {c.name: c.pk for c in session.criteria.all()}
    calibration_reference_set(
        session_id=session.pk, levels={criteria["礼貌用语"]: 2, criteria["业务准确"]: 2}, acting_user=lead
    )
    page.reload()
    rows = page.locator("#my-deviation tbody tr")
    assert rows.nth(0).locator("td.deviation").inner_text() == "-20.00"
    assert "超出容差" in rows.nth(0).inner_text()
    assert rows.nth(1).locator("td.deviation").inner_text() == "0.00"
    assert "平均绝对偏差 10.00 分" in page.locator("#my-deviation").inner_text()
