"""A person's score page is kept rendered in the shared cache per person, month and day until a write of what it
explains changes: after each kind of write the page equals the page computed with an empty cache.

Each test runs against a real Redis on 127.0.0.1:6379 (skipped when none answers) and against the local-memory
cache, where nothing personal outlives its request.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import Rubric, RubricCriterion, ScoringPolicyVersion
from assessments.scorecards.services import scorecard_evaluate
from assessments.scoring.services import POLICY_FIELDS, kpi_month_import, scoring_policy_create
from courses.services import learning_result_record
from portal.services import month_lock_release, month_lock_set
from tests.assessments.scoring_helpers import kpi_csv
from tests.conftest import same_with_an_empty_cache
from tests.factories import StaffFactory
from tests.incentives.factories import OCTOBER, hr, month_data

pytestmark = pytest.mark.django_db
MINE = "/assessments/scores/me/?month=2026-10"


def _body(client, path=MINE) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.context["body"]


def assert_as_from_scratch(client, path=MINE) -> str:
    return same_with_an_empty_cache(lambda: _body(client, path))


def test_my_scores_follow_every_kind_of_write_on_the_next_request(org, cache_backend):
    agent = org.agent_a1
    month_data(agent)
    month_data(org.agent_a2)
    people = hr("H0001")
    client = Client()
    client.force_login(agent)
    lead = Client()
    lead.force_login(org.lead_a1)
    first = assert_as_from_scratch(client)
    assert 'data-testid="score"' in first
    as_lead = assert_as_from_scratch(lead, f"/assessments/scores/staff/{agent.employee_no}/?month=2026-10")
    assert as_lead != first  # the lead's page names the person

    data = kpi_csv("A0001,150,99,97,80,0.3,0", "A0003,150,99,97,95,0.3,0")
    kpi_month_import(data=data, file_name="kpi.csv", month=OCTOBER, replace=True, acting_user=people)
    after_kpis = assert_as_from_scratch(client)
    assert after_kpis != first

    rubric = Rubric.objects.create(name="录音抽查", kind="spot_check")
    criterion = RubricCriterion.objects.create(
        rubric=rubric, name="礼貌", weight=1, levels=[{"percent": 100, "label": "优"}], order=1
    )
    scorecard_evaluate(
        staff=agent,
        rubric=rubric,
        on_date=date(2026, 10, 20),
        levels={criterion.pk: 0},
        acting_user=StaffFactory(role="trainer"),
    )
    after_evaluation = assert_as_from_scratch(client)
    assert after_evaluation != after_kpis

    learning_result_record(
        staff_id=agent.pk,
        on_date=date(2026, 10, 21),
        category="in_service",
        percent=Decimal("40"),
        source="quiz",
        source_id="q-1",
        title="月度测验",
    )
    after_quiz = assert_as_from_scratch(client)
    assert after_quiz != after_evaluation

    base = ScoringPolicyVersion.objects.get(effective_month__isnull=True)
    values = {name: getattr(base, name) for name in POLICY_FIELDS} | {
        "name": "2026-10",
        "weight_quality": Decimal("10"),
    }
    scoring_policy_create(effective_month=OCTOBER, values=values, acting_user=people, reason="降低质检权重")
    assert assert_as_from_scratch(client) != after_quiz

    month_lock_set(month=OCTOBER, acting_user=people, reason="发布")
    assert_as_from_scratch(client)
    month_lock_release(month=OCTOBER, acting_user=people, reason="更正")
    assert_as_from_scratch(client)
    assert_as_from_scratch(lead, f"/assessments/scores/staff/{agent.employee_no}/?month=2026-10")


def test_with_redis_a_second_view_reads_only_the_stored_score(org, cache_backend):
    if cache_backend != "redis":
        pytest.skip("the local-memory cache renders the page on every request")
    month_data(org.agent_a1)
    client = Client()
    client.force_login(org.agent_a1)
    client.get(MINE)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MINE).status_code == 200
    read = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("assessments_kpirecord", "assessments_evaluation", "courses_learningresult"):
        assert table not in read, table
