"""Every role's first hour, in a real browser, on a desktop and on a 390 px phone: what each person reads on the
pages they open first, and that no page is wider than the screen.

One browser context per role (resized from desktop to phone), one shared data set built through the services.
"""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from assessments.scoring.services import coaching_module_set, kpi_month_import
from courses.services import enrolment_assign
from tests.assessments.scoring_helpers import kpi_csv
from tests.browser.conftest import log_in
from tests.browser.test_scores_journey import _default_policy
from tests.conftest import sign_in
from tests.courses import factories as cf
from tests.courses.test_sop import STEPS_V2, republish, sop_lesson
from tests.factories import StaffFactory, make_org
from tests.incentives.factories import hr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# Rendered size of a chart label: its font size scaled as the SVG is drawn.
SMALLEST_CHART_LABEL = """() => Math.min(...[...document.querySelectorAll('svg.chart')].map(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale));
}))"""


@pytest.fixture
def first_hour(live_server):
    """Two departments (org), this month's module on customer psychology, an onboarding SOP revised since the
    team read it, October's KPIs with one miss mapped to a remedial module, and people in every role."""
    _default_policy()
    org = make_org()
    hr_user = hr("HR1", name="何人事")
    trainer = StaffFactory(role="trainer", employee_no="T0001", name="陶培训")
    sop = sop_lesson()
    republish(sop, STEPS_V2)
    onboarding = sop.get_parent().get_parent().specific
    new_hire = StaffFactory(
        role="new_hire",
        team=org.team_a1,
        employee_no="N0001",
        onboarded_on=None,
        password="correct-horse-battery",
    )
    enrolment_assign(staff_ids=[new_hire.pk], programme=onboarding, assigned_on=timezone.localdate())
    monthly = cf.programme(
        kind="monthly", title="本月专题：客户心理学", month=timezone.localdate().replace(day=1)
    )
    remedial = cf.module(monthly, "客户心理学")
    cf.lesson(remedial, title="客户心理学：线上学习", hours="2")
    coaching_module_set(kpi="satisfaction", module=remedial, acting_user=hr_user)
    kpi_month_import(
        data=kpi_csv(
            "A0001,120,98.50,96,85,0.4,0",
            "A0002,130,99,97,95,0.2,0",
            "A0003,110,97,95,92,0.3,0",
            "B0001,100,99,96,91,0.6,0",
            "L0001,90,98,95,90,0.5,0",
        ),
        file_name="october.csv",
        month=date(2026, 10, 1),
        acting_user=hr_user,
    )
    return {"org": org, "hr": hr_user, "trainer": trainer, "sop": sop, "new_hire": new_hire}


def signed_in(browser, live_server, user):
    """A browser context with `user`'s session (HR's includes the two-factor step, as after signing in)."""
    client = sign_in(Client(), user)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=DESKTOP)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def visit(page, path, *texts):
    """Open `path`, check it answers, says each of `texts` and is no wider than the window; return main's text."""
    response = page.goto(path)
    assert response.status == 200, path
    main = page.locator("main").inner_text()
    for text in texts:
        assert text in main, (path, text)
    assert page.evaluate(OVERFLOW) <= 0, (path, page.viewport_size)
    return main


def new_hire_signs_in_finds_the_sop_and_searches_the_curriculum(browser, live_server, first_hour):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, "N0001", "correct-horse-battery")
    page.wait_for_url("**/portal/")
    visit(page, "/portal/", "入职培训")
    visit(page, "/courses/", "入职培训", "下一课")
    visit(page, first_hour["sop"].url, "SOP：询问引导", "问候并确认身份，30秒内响应")
    # The SOP steps are one card per step on a phone: the key action is labelled, not a squeezed column.
    cell = page.locator(".sop-steps td[data-label]").first
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"关键动作"'
    assert page.locator("nav a[href='/courses/search/']").count() == 1
    visit(page, "/courses/search/", "搜索课程")
    page.fill("main input[name=q]", "心理")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/courses/search/?q=*")
    results = page.locator("#search-results").inner_text()
    assert "客户心理学：线上学习" in results and "本月专题：客户心理学 › 客户心理学" in results
    assert page.evaluate(OVERFLOW) <= 0
    page.set_viewport_size(DESKTOP)
    visit(page, "/courses/", "入职培训")
    context.close()


def agent_reads_the_score_page_on_a_phone(browser, live_server, first_hour):
    context, page = signed_in(browser, live_server, first_hour["org"].agent_a1)
    visit(page, "/assessments/scores/me/?month=2026-10", "我的绩效得分", "响应及时率", "客户满意度")
    assert page.locator("#kpi-table thead").bounding_box()["height"] > 10
    page.set_viewport_size(PHONE)
    main = visit(page, "/assessments/scores/me/?month=2026-10", "补训模块", "客户心理学")
    assert "目标不低于 90.00%，还差 5.00 个百分点" in main
    # Month navigation is one row of short buttons.
    tops = page.locator(".monthnav > :is(a, input, button)").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) == 4 and max(tops) - min(tops) <= 4
    assert page.locator(".monthnav a[rel=prev]").inner_text() == "‹ 上月"
    # The KPI table is stacked cards: no header row, each KPI a card as wide as the screen at most.
    assert page.locator("#kpi-table thead").bounding_box()["height"] <= 1  # kept for screen readers only
    widths = page.locator("#kpi-table tbody tr").evaluate_all("rows => rows.map(r => r.offsetWidth)")
    assert len(widths) == 4 and max(widths) <= PHONE["width"]
    assert page.locator("#kpi-table td[data-label='目标（80）']").first.is_visible()
    assert page.evaluate(SMALLEST_CHART_LABEL) >= 11
    visit(page, "/courses/", "本月专题：客户心理学")
    # Every page of a learner's menu fits the phone's width.
    learner_pages = page.locator("nav.mainnav a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert len(learner_pages) >= 8
    for path in learner_pages:
        visit(page, path)
    context.close()


def lead_sees_why_each_person_is_coached_and_who_has_not_read_the_sop(browser, live_server, first_hour):
    org = first_hour["org"]
    context, page = signed_in(browser, live_server, org.lead_a1)
    page.set_viewport_size(PHONE)
    main = visit(page, "/assessments/scores/?month=2026-10", "本班组绩效得分", "辅导名单 · 2026-10")
    row = page.locator("#coaching-list tr[data-employee-no='A0001']").inner_text()
    assert "客户满意度" in row and "85.00%" in row and "还差 5.00 个百分点" in row and "客户心理学" in row
    assert page.locator("#coaching-list tr[data-employee-no]").count() == 1
    assert "本月有 1 人至少一项 KPI 未达标。" in main
    assert page.evaluate(SMALLEST_CHART_LABEL) >= 11
    matrix = visit(page, "/courses/team/", "SOP 变更")
    assert f"{org.agent_a1b.name} A0002" in matrix  # who has not acknowledged, by name
    member = visit(page, "/assessments/scores/staff/A0001/?month=2026-10", org.agent_a1.name)
    assert f"{org.agent_a1.name} 本月再完成" in member and "您的考核成绩" not in member
    page.set_viewport_size(DESKTOP)
    visit(page, "/assessments/scores/?month=2026-10", "辅导名单")
    context.close()


def manager_and_hr_see_the_same_coaching_list_for_the_same_team(browser, live_server, first_hour):
    org = first_hour["org"]
    lists = {}
    for user in (org.manager_a, first_hour["hr"]):
        context, page = signed_in(browser, live_server, user)
        visit(page, f"/assessments/scores/?month=2026-10&team={org.team_a1.pk}", "辅导名单")
        lists[user.role] = page.locator("#coaching-list tr[data-employee-no]").evaluate_all(
            "rows => rows.map(r => r.dataset.employeeNo)"
        )
        page.set_viewport_size(PHONE)
        visit(page, "/assessments/scores/?month=2026-10", "辅导名单")
        visit(page, "/courses/report/")
        visit(page, "/courses/team/")
        if user.role == "hr":
            visit(page, "/portal/staff/")
            visit(page, "/assessments/scores/policy/")
        context.close()
    assert lists["manager"] == lists["hr"] == ["A0001"]


def trainer_records_attendance_imports_gift_and_publishes_in_wagtail(browser, live_server, first_hour):
    context, page = signed_in(browser, live_server, first_hour["trainer"])
    page.set_viewport_size(PHONE)
    visit(page, "/courses/attendance/")
    assert page.locator("input[type=date][name=on_date]").input_value() == f"{timezone.localdate():%Y-%m-%d}"
    visit(page, "/assessments/banks/import/", "$CATEGORY", "花括号")
    page.set_viewport_size(DESKTOP)
    page.goto("/admin/")
    admin = page.locator("body").inner_text()
    assert "个页面" in admin and "Welcome" not in admin and "editor guide" not in admin
    assert page.locator("main input[name=q]").get_attribute("placeholder") == "搜索所有页面…"
    assert page.locator("img[src*='gravatar']").count() == 0
    page.goto(f"/admin/pages/{first_hour['sop'].pk}/edit/")
    page.locator("[data-w-dropdown-target='toggle']").last.click()
    footer = page.locator("footer").inner_text()
    assert "发布" in footer and "公示" not in footer and "Moderators" not in footer
    context.close()


# Two tests share the data set's cost between them: the people whose own work it is, and the office.


def test_the_first_hour_of_a_new_hire_an_agent_and_a_team_lead(browser, live_server, first_hour):
    new_hire_signs_in_finds_the_sop_and_searches_the_curriculum(browser, live_server, first_hour)
    agent_reads_the_score_page_on_a_phone(browser, live_server, first_hour)
    lead_sees_why_each_person_is_coached_and_who_has_not_read_the_sop(browser, live_server, first_hour)


def test_the_first_hour_of_a_manager_hr_and_a_trainer(browser, live_server, first_hour):
    manager_and_hr_see_the_same_coaching_list_for_the_same_team(browser, live_server, first_hour)
    trainer_records_attendance_imports_gift_and_publishes_in_wagtail(browser, live_server, first_hour)
