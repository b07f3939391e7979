"""The QA demo: this month's calls with transcripts, rules on the spot-check rubric and the month's sample, so
that the trainers' queue and HR's coverage have work to show after `make run`; running it twice adds nothing."""

import pytest
from django.utils import timezone

from assessments.models import Call, CriterionRule, SampledCall
from demo import assessments as demo
from demo import people as portal_demo
from notifications.reminders import work_queue_for
from portal.models import IN_SERVICE_ROLES, User

pytestmark = pytest.mark.django_db


def test_demo_calls_rules_and_sample_fill_the_trainers_queue_once():
    portal_demo.seed()
    demo._seed_quizzes()
    demo._seed_qa()
    demo._seed_qa()
    staff = User.objects.filter(role__in=IN_SERVICE_ROLES, is_active=True).count()
    assert Call.objects.count() == 5 * staff
    assert Call.objects.filter(month=timezone.localdate().replace(day=1)).count() == 5 * staff
    assert Call.objects.exclude(transcript="").count() == 5 * staff
    assert CriterionRule.objects.count() == len(demo.DEMO_RULES)
    assert SampledCall.objects.count() == 3 * staff
    trainer = User.objects.get(employee_no="trainer01")
    calls = [i for i in work_queue_for(trainer, timezone.now()) if i.key.startswith("qa-call:")]
    assert calls and all(i.due_on >= timezone.localdate() for i in calls)
