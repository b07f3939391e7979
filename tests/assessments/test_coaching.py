"""The coaching loop: a person below a KPI's target is assigned its remedial module once and stays on the
team lead's coaching list until the module's required lessons are completed."""

from datetime import date
from decimal import Decimal

import pytest
from wagtail.models import Page

from assessments.models import CoachingAssignment, CoachingReview
from assessments.scoring.selectors import coaching_list
from assessments.scoring.services import coaching_assign_for_month, coaching_module_set, kpi_month_import
from courses.models import Enrolment, LessonPage, ModulePage, ProgrammePage, TrainingRootPage
from courses.services import lesson_complete
from portal.access import staff_visible_to
from portal.models import AuditEvent
from tests.assessments.scoring_helpers import kpi_csv

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)


@pytest.fixture
def remedial_module():
    root = Page.get_first_root_node()
    training = root.add_child(instance=TrainingRootPage(title="培训", slug="training-c"))
    programme = training.add_child(
        instance=ProgrammePage(title="辅导", slug="coaching", kind="monthly", month=OCT)
    )
    module = programme.add_child(instance=ModulePage(title="满意度提升", slug="satisfaction"))
    lessons = [
        module.add_child(
            instance=LessonPage(
                title=f"课{n}",
                slug=f"l{n}",
                delivery_mode="online",
                planned_hours=Decimal("1"),
                required=True,
            )
        )
        for n in (1, 2)
    ]
    module.add_child(
        instance=LessonPage(title="选修", slug="opt", delivery_mode="online", planned_hours=1, required=False)
    )
    return module, programme, lessons


def test_below_target_staff_get_the_module_once_and_leave_the_list_when_done(org, hr_user, remedial_module):
    module, programme, lessons = remedial_module
    coaching_module_set(kpi="satisfaction", module=module, acting_user=hr_user)
    data = kpi_csv("A0001,120,98,95,85,0.5,0", "A0002,120,98,95,90,0.5,0", "B0001,120,98,95,70,0.5,0")
    kpi_month_import(data=data, file_name="k.csv", month=OCT, acting_user=hr_user)

    assigned = set(CoachingAssignment.objects.values_list("staff__employee_no", "kpi"))
    assert assigned == {("A0001", "satisfaction"), ("B0001", "satisfaction")}  # 90 is exactly at target: met
    assert Enrolment.objects.filter(programme=programme, reason="coaching").count() == 2
    assert coaching_assign_for_month(month=OCT).assigned == 0  # once

    team = staff_visible_to(org.lead_a1)
    assert [item.employee_no for item in coaching_list(staff_qs=team)] == ["A0001"]
    lesson_complete(staff=org.agent_a1, lesson=lessons[0], on_date=date(2026, 11, 2), via="learner")
    assert [item.employee_no for item in coaching_list(staff_qs=team)] == ["A0001"]
    lesson_complete(staff=org.agent_a1, lesson=lessons[1], on_date=date(2026, 11, 3), via="learner")
    assert coaching_list(staff_qs=team) == []
    done = coaching_list(staff_qs=team, include_completed=True)
    assert [(i.employee_no, i.completed) for i in done] == [("A0001", True)]


def test_without_a_mapped_module_nobody_is_assigned(org):
    kpi_month_import(data=kpi_csv("A0001,120,10,10,10,10,0"), file_name="k.csv", month=OCT)
    assert not CoachingAssignment.objects.exists()


NOV = date(2026, 11, 1)


def test_a_module_is_done_only_with_each_required_lesson_studied_after_the_assignment():
    from datetime import datetime

    from assessments.scoring.rules import remedial_module_done

    assigned = datetime(2026, 11, 5, 9, 0)
    before, after = datetime(2026, 11, 1, 9, 0), datetime(2026, 11, 6, 9, 0)
    assert not remedial_module_done(
        required_lessons={1, 2}, studied_at={1: after, 2: before}, assigned_at=assigned
    )
    assert not remedial_module_done(required_lessons={1, 2}, studied_at={1: after}, assigned_at=assigned)
    assert remedial_module_done(
        required_lessons={1, 2}, studied_at={1: after, 2: assigned}, assigned_at=assigned
    )


def test_lessons_done_before_the_assignment_leave_it_open_until_studied_again(org, hr_user, remedial_module):
    from assessments.scoring.services import coaching_lesson_review

    module, _programme, lessons = remedial_module
    for lesson in lessons:  # done long before anyone missed a target
        lesson_complete(staff=org.agent_a1, lesson=lesson, on_date=date(2026, 9, 2), via="learner")
    coaching_module_set(kpi="satisfaction", module=module, acting_user=hr_user)
    kpi_month_import(
        data=kpi_csv("A0001,120,98,95,85,0.5,0"), file_name="k.csv", month=OCT, acting_user=hr_user
    )

    team = staff_visible_to(org.lead_a1)
    assert [(i.employee_no, i.completed) for i in coaching_list(staff_qs=team)] == [("A0001", False)]
    coaching_lesson_review(staff=org.agent_a1, lesson=lessons[0])
    assert coaching_list(staff_qs=team) != []
    coaching_lesson_review(staff=org.agent_a1, lesson=lessons[1])
    assert coaching_list(staff_qs=team) == []
    assert AuditEvent.objects.filter(action="coaching.review", actor=org.agent_a1).count() == 2


def test_a_repeat_miss_assigns_the_module_again_even_after_it_was_done(org, hr_user, remedial_module):
    module, _programme, lessons = remedial_module
    coaching_module_set(kpi="satisfaction", module=module, acting_user=hr_user)
    kpi_month_import(
        data=kpi_csv("A0001,120,98,95,85,0.5,0"), file_name="k.csv", month=OCT, acting_user=hr_user
    )
    for lesson in lessons:
        lesson_complete(staff=org.agent_a1, lesson=lesson, on_date=date(2026, 11, 2), via="learner")
    team = staff_visible_to(org.lead_a1)
    assert coaching_list(staff_qs=team) == []

    kpi_month_import(
        data=kpi_csv("A0001,120,98,95,80,0.5,0"), file_name="k.csv", month=NOV, acting_user=hr_user
    )
    assert [(i.month, i.completed) for i in coaching_list(staff_qs=team, include_completed=True)] == [
        (NOV, False),
        (OCT, True),
    ]


def test_the_coaching_list_has_one_row_per_person_with_each_kpi_missed_and_by_how_much(
    org, hr_user, remedial_module
):
    from assessments.scoring.selectors import coaching_rows, scoring_policy_for_month

    module, _programme, _lessons = remedial_module
    coaching_module_set(kpi="satisfaction", module=module, acting_user=hr_user)
    data = kpi_csv("A0001,120,98,95,85,1.5,0", "A0002,120,99,96,95,0.2,0", "A0003,120,90,95,80,0.5,0")
    kpi_month_import(data=data, file_name="k.csv", month=OCT, acting_user=hr_user)
    policy = scoring_policy_for_month(OCT).as_rules()

    rows = coaching_rows(month=OCT, staff_qs=staff_visible_to(org.manager_a), policy=policy)
    assert [row.employee_no for row in rows] == ["A0001", "A0003"]  # A0002 met every target
    a1 = rows[0]
    assert [(m.kpi, m.value, m.target, m.gap) for m in a1.misses] == [
        ("satisfaction", Decimal("85.00"), Decimal("90.00"), Decimal("5.00")),
        ("complaint", Decimal("1.50"), Decimal("0.50"), Decimal("1.00")),
    ]
    assert a1.modules == [{"title": "满意度提升", "kpis": ["Customer satisfaction"], "completed": False}]
    assert a1.unmapped == ["Complaint rate"]

    # The team's view, the department's and HR's narrowed to the team list the same people for the month.
    lead_view = coaching_rows(month=OCT, staff_qs=staff_visible_to(org.lead_a1), policy=policy)
    hr_view = coaching_rows(
        month=OCT, staff_qs=staff_visible_to(hr_user).filter(team=org.team_a1), policy=policy
    )
    assert [r.employee_no for r in lead_view] == [r.employee_no for r in hr_view] == ["A0001"]
    assert coaching_rows(month=NOV, staff_qs=staff_visible_to(hr_user), policy=policy) == []


def test_the_scores_page_lists_coaching_for_the_month_shown(client, org, hr_user, remedial_module):
    module, _programme, _lessons = remedial_module
    coaching_module_set(kpi="satisfaction", module=module, acting_user=hr_user)
    kpi_month_import(
        data=kpi_csv("A0001,120,98,95,85,0.5,0"), file_name="k.csv", month=OCT, acting_user=hr_user
    )
    client.force_login(org.lead_a1)
    october = client.get("/assessments/scores/?month=2026-10").content.decode()
    assert 'data-employee-no="A0001"' in october and "满意度提升" in october
    november = client.get("/assessments/scores/?month=2026-11").content.decode()
    assert 'data-employee-no="A0001"' not in november


def test_studying_again_is_refused_without_an_open_module_or_a_first_completion(
    client, org, hr_user, remedial_module
):
    module, _programme, lessons = remedial_module
    client.force_login(org.agent_a1)
    response = client.post(f"/assessments/scores/coaching/review/{lessons[0].pk}/", follow=True)
    assert "没有包含本课的未完成补训模块" in response.content.decode()

    coaching_module_set(kpi="satisfaction", module=module, acting_user=hr_user)
    kpi_month_import(
        data=kpi_csv("A0001,120,98,95,85,0.5,0"), file_name="k.csv", month=OCT, acting_user=hr_user
    )
    response = client.post(f"/assessments/scores/coaching/review/{lessons[0].pk}/", follow=True)
    assert "请先完成本课" in response.content.decode()
    assert not CoachingReview.objects.exists()
    assert client.get(f"/assessments/scores/coaching/review/{lessons[0].pk}/").status_code == 405
