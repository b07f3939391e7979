"""The leadership course's effect: a department's and its teams' monthly results in the three months before and
after the manager completed the course, on a worked example computed by hand; who may see it; the export."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from assessments.leadership import rules
from assessments.leadership.selectors import completions_visible_to, leadership_effects
from assessments.models import Evaluation
from assessments.scoring.services import monthly_scores_compute
from courses.services import enrolment_assign, lesson_complete_by_learner
from tests.assessments.factories import kpi_record
from tests.conftest import give_totp, sign_in
from tests.courses import factories as cf
from tests.factories import DepartmentFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR, MAY, JUN, JUL = (date(2026, m, 1) for m in range(1, 8))
COMPLETED_ON = date(2026, 4, 15)


def test_the_window_is_three_months_either_side_of_the_completion_month():
    assert rules.effect_months(date(2026, 1, 31)) == (
        [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)],
        date(2026, 1, 1),
        [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)],
    )


def test_a_month_without_data_is_left_out_of_the_mean_not_counted_as_zero():
    assert rules.period_mean([Decimal("80"), None, Decimal("70")]) == Decimal("75")
    assert rules.period_mean([None, None, None]) is None
    assert rules.kpi_attainment(met=11, people=3) == Decimal(1100) / 12
    assert rules.kpi_attainment(met=0, people=0) is None


def month_data(staff, month, *, quality, **kpis):
    """One person's month: a KPI row (at every target unless told) unless kpis is None, and one QA evaluation."""
    if kpis.get("kpi", True):
        kpis.pop("kpi", None)
        kpi_record(staff, month, **kpis)
    Evaluation.objects.create(
        staff=staff, date=month.replace(day=10), kind="spot_check", score=Decimal(quality), evaluator="质检"
    )


@pytest.fixture
def worked_example():
    """Department 客户服务部: 热线一组 (a1, a2) and 热线二组 (b1); its manager completes the course on 2026-04-15.

    Learning is 0 for everyone (no training hours), so composite = 0.5 × KPI + 0.3 × quality (+ 0.2 × 0):
      Jan  a1 targets met, QA 80 → 64.00;  a2 satisfaction 85 (missed: 53.33 points) QA 70 → 57.67;
           b1 targets met, QA 90 → 67.00
      Feb  a1 resolution 90 (missed: 40 points) QA 60 → 53.00;  b1 no KPI row, QA 100 → 0.6 × 100 = 60.00;
           a2 nothing but the learning component, 0 (under 4 hours) → 0.00, as the scoring stores it
      Mar  no data for anyone, no scores;  Apr (course month) a1 targets met, QA 50 → 55.00, a2 and b1 0.00
      May  a1 complaint 1.0 (missed: 53.33 points) QA 90 → 63.67;  a2 met, QA 80 → 64.00;  b1 met, QA 100 → 70.00
      Jun  everyone met, QA 90 → 67.00;  Jul no data
    """
    department = DepartmentFactory(name="客户服务部")
    team1 = TeamFactory(department=department, name="热线一组")
    team2 = TeamFactory(department=department, name="热线二组")
    a1 = StaffFactory(team=team1, employee_no="A0001")
    a2 = StaffFactory(team=team1, employee_no="A0002")
    b1 = StaffFactory(team=team2, employee_no="B0001")
    manager = StaffFactory(
        role="manager", department=department, employee_no="M0001", password="pw-manager-1"
    )
    month_data(a1, JAN, quality="80")
    month_data(a2, JAN, quality="70", satisfaction="85")
    month_data(b1, JAN, quality="90")
    month_data(a1, FEB, quality="60", resolution="90")
    month_data(b1, FEB, quality="100", kpi=False)
    month_data(a1, APR, quality="50")
    month_data(a1, MAY, quality="90", complaint="1.0")
    month_data(a2, MAY, quality="80")
    month_data(b1, MAY, quality="100")
    for person in (a1, a2, b1):
        month_data(person, JUN, quality="90")
    for month in (JAN, FEB, APR, MAY, JUN):
        monthly_scores_compute(month=month)

    # The manager completes the quarter's leadership course through the learner's completion.
    course = cf.programme(kind="leadership", title="服务战略与领导力", quarter_start=APR)
    lesson = cf.lesson(cf.module(course, "领导力"), title="服务战略", mode="online", hours="4")
    enrolment_assign(staff_ids=[manager.pk], programme=course, assigned_on=APR)
    lesson_complete_by_learner(staff=manager, lesson=lesson, on_date=COMPLETED_ON)
    return manager, course


def shown(group, measure):
    return group.measures[measure].shown()


def test_the_worked_example_before_and_after_is_computed_exactly(worked_example):
    manager, _course = worked_example
    (effect,) = leadership_effects(completions_visible_to(manager))
    assert effect.enrolment.completed_on == COMPLETED_ON
    assert (effect.before_months, effect.course_month, effect.after_months) == (
        [JAN, FEB, MAR],
        APR,
        [MAY, JUN, JUL],
    )
    department, team1, team2 = effect.groups
    assert (department.name, team1.name, team2.name) == ("客户服务部", "热线一组", "热线二组")

    # KPI targets met: Jan 11 of 12, Feb 3 of 4 (b1 has no KPI row); May 11 of 12, Jun 12 of 12.
    kpi = shown(department, "kpi_attainment")
    assert kpi["before"] == [Decimal("91.67"), Decimal("75.00"), None]
    assert kpi["course_month"] == Decimal("100.00")
    assert kpi["after"] == [Decimal("91.67"), Decimal("100.00"), None]
    assert (kpi["before_mean"], kpi["after_mean"], kpi["change"]) == (
        Decimal("83.33"),
        Decimal("95.83"),
        Decimal("12.50"),
    )
    assert (kpi["months_before"], kpi["months_after"]) == (2, 2)

    quality = shown(department, "quality")
    assert quality["before"] == [Decimal("80.00"), Decimal("80.00"), None]
    assert (quality["before_mean"], quality["after_mean"], quality["change"]) == (
        Decimal("80.00"),
        Decimal("90.00"),
        Decimal("10.00"),
    )

    # Composite: Jan (64.00 + 57.67 + 67.00) / 3 = 62.89, Feb (53.00 + 60.00 + 0.00) / 3 = 37.666… →
    # 50.278333… shown 50.28; May (63.67 + 64.00 + 70.00) / 3 = 65.89, Jun 67.00 → 66.445 shown 66.45;
    # the change 16.166… shown 16.17 (from the unrounded means, not 66.45 − 50.28).
    composite = shown(department, "composite")
    assert composite["before"] == [Decimal("62.89"), Decimal("37.67"), None]
    assert composite["course_month"] == Decimal("18.33")
    assert composite["after"] == [Decimal("65.89"), Decimal("67.00"), None]
    assert (composite["before_mean"], composite["after_mean"], composite["change"]) == (
        Decimal("50.28"),
        Decimal("66.45"),
        Decimal("16.17"),
    )

    # 热线一组: composite Jan 60.835, Feb 26.50 → 43.6675 (43.67); May 63.835, Jun 67.00 → 65.4175 (65.42).
    assert shown(team1, "composite")["before_mean"] == Decimal("43.67")
    assert shown(team1, "composite")["after_mean"] == Decimal("65.42")
    assert shown(team1, "composite")["change"] == Decimal("21.75")
    assert shown(team1, "kpi_attainment")["before_mean"] == Decimal("81.25")  # 7/8 and 3/4
    assert shown(team1, "quality")["change"] == Decimal("20.00")  # 67.50 → 87.50
    # 热线二组 (b1 alone): no KPI row in Feb, so its KPI mean is January's alone.
    assert shown(team2, "kpi_attainment")["before"] == [Decimal("100.00"), None, None]
    assert shown(team2, "composite")["before_mean"] == Decimal("63.50")
    assert shown(team2, "composite")["change"] == Decimal("5.00")


def test_the_manager_sees_it_on_the_course_page_with_the_chart_and_the_honest_label(client, worked_example):
    manager, course = worked_example
    client.force_login(manager)
    html = client.get(course.url).content.decode()
    assert 'id="leadership-effect"' in html
    assert "data-before-after-note" in html
    assert "not proof of cause" in html or "不能证明因果关系" in html
    assert "<svg" in html and "66.45" in html and "50.28" in html


def test_access_the_manager_sees_their_own_hr_everyone_and_others_are_refused(client, worked_example):
    manager, _course = worked_example
    other_department = DepartmentFactory(name="技术支持部")
    other = StaffFactory(role="manager", department=other_department, employee_no="M0002")
    other_course = cf.programme(kind="leadership", title="服务战略与领导力 Q1", quarter_start=JAN)
    lesson = cf.lesson(cf.module(other_course, "领导力"), title="服务战略 Q1", mode="online", hours="4")
    enrolment_assign(staff_ids=[other.pk], programme=other_course, assigned_on=JAN)
    lesson_complete_by_learner(staff=other, lesson=lesson, on_date=date(2026, 2, 20))
    own = completions_visible_to(manager).get()
    theirs = completions_visible_to(other).get()

    client.force_login(manager)
    report = client.get("/assessments/leadership/")
    assert [row["effect"].manager.pk for row in report.context["rows"]] == [manager.pk]
    assert client.get(f"/assessments/leadership/{own.pk}/").status_code == 200
    assert client.get(f"/assessments/leadership/{theirs.pk}/").status_code == 404

    hr = give_totp(StaffFactory(role="hr", employee_no="HR001"))
    sign_in(client, hr)
    report = client.get("/assessments/leadership/")
    assert {row["effect"].manager.pk for row in report.context["rows"]} == {manager.pk, other.pk}
    html = report.content.decode()
    assert "<svg" in html and "data-before-after-note" in html
    assert client.get(f"/assessments/leadership/{theirs.pk}/").status_code == 200

    for role, number in (("team_lead", "L0009"), ("agent", "A0009"), ("trainer", "TR009")):
        client.force_login(StaffFactory(role=role, employee_no=number))
        assert client.get("/assessments/leadership/").status_code == 403, role
        assert client.get(f"/assessments/leadership/{own.pk}/").status_code == 403, role
        assert client.get("/assessments/leadership/export/").status_code == 403, role


def test_hr_exports_the_comparison_to_a_workbook_excel_opens(client, worked_example):
    hr = give_totp(StaffFactory(role="hr", employee_no="HR001"))
    sign_in(client, hr)
    response = client.get("/assessments/leadership/export/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:7] == (
        "employee_no",
        "manager",
        "department",
        "group",
        "course",
        "completed_on",
        "measure",
    )
    by_key = {(row[3], row[6]): dict(zip(header, row, strict=True)) for row in rows[1:]}
    department_composite = by_key[("客户服务部", "composite")]
    assert department_composite["measure_name"] in ("Mean composite score", "平均综合得分")
    assert department_composite["employee_no"] == "M0001"
    assert department_composite["before_mean"] == pytest.approx(50.28)
    assert department_composite["after_mean"] == pytest.approx(66.45)
    assert department_composite["change"] == pytest.approx(16.17)
    assert department_composite["before_3"] == pytest.approx(62.89)
    assert department_composite["after_3"] is None
    assert len(rows) == 1 + 3 * 3  # the department and two teams, three measures each

    csv = client.get("/assessments/leadership/export/?format=csv").content.decode("utf-8-sig")
    assert "客户服务部,热线一组" in csv.replace('"', "") or "热线一组" in csv


def test_the_report_says_what_will_appear_when_no_manager_has_completed_the_course(client):
    sign_in(client, give_totp(StaffFactory(role="hr", employee_no="HR001")))
    response = client.get("/assessments/leadership/")
    assert response.context["rows"] == [] and response.context["chart"] is None
    html = response.content.decode()
    assert "No manager has completed a leadership course yet" in html or "还没有管理者完成领导力课程" in html
