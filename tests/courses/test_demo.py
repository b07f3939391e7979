from decimal import Decimal

import pytest

from courses.models import Enrolment, LessonCompletion, LessonPage, ModulePage, ProgrammePage
from courses.selectors import learner_overview, programme_plan
from demo import curriculum as courses_demo
from demo import people as portal_demo
from portal.models import User

pytestmark = pytest.mark.django_db


def counts():
    return (
        ProgrammePage.objects.count(),
        LessonPage.objects.count(),
        Enrolment.objects.count(),
        LessonCompletion.objects.count(),
    )


def test_the_demo_curriculum_follows_the_policy_and_seeding_twice_changes_nothing(client):
    from django.utils import timezone

    portal_demo.seed()
    courses_demo.seed()
    first = counts()
    courses_demo.seed()
    assert counts() == first

    onboarding = ProgrammePage.objects.get(kind="onboarding")
    plan = programme_plan(programme=onboarding, kind="onboarding")
    assert plan.total == Decimal("72.00") and plan.warnings == []
    assert Decimal("0.35") <= plan.online / plan.total <= Decimal("0.45")
    modules = [m.title for m in ModulePage.objects.child_of(onboarding).order_by("path")]
    assert [t.split(" ")[0] for t in modules] == [
        "企业文化",
        "服务理念",
        "基础业务知识",
        "SOP流程",
        "结业考核",
    ]
    monthly = ProgrammePage.objects.filter(kind="monthly").order_by("month")
    assert monthly.count() == 3
    assert all(programme_plan(programme=p, kind="monthly").total == Decimal("4.00") for p in monthly)
    assert ProgrammePage.objects.filter(kind="leadership").count() == 1

    today = timezone.localdate()
    newhire = learner_overview(user=User.objects.get(employee_no="newhire01"), today=today).onboarding
    assert Decimal(0) < newhire.progress.done < Decimal(72)
    agent = learner_overview(user=User.objects.get(employee_no="agent01"), today=today)
    assert len(agent.this_month) == 1 and not agent.this_month[0].complete
    assert agent.this_month[0].progress.done > 0
    assert agent.sop_pending == 1

    client.force_login(User.objects.get(employee_no="newhire01"))
    assert client.get("/learn/onboarding/sop/four-steps/").status_code == 200
