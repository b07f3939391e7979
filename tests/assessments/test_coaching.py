"""The coaching loop: a person below a KPI's target is assigned its remedial module once and stays on the
team lead's coaching list until the module's required lessons are completed."""

from datetime import date
from decimal import Decimal

import pytest
from wagtail.models import Page

from assessments.models import CoachingAssignment
from assessments.scoring.selectors import coaching_list
from assessments.scoring.services import coaching_assign_for_month, coaching_module_set, kpi_month_import
from courses.models import Enrolment, LessonPage, ModulePage, ProgrammePage, TrainingRootPage
from courses.services import lesson_complete
from portal.access import staff_visible_to
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
