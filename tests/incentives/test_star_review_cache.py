"""The Service Star review is rendered once per reader and kept in the shared cache until a write it shows
changes: after each kind of write the page equals the page computed with an empty cache, and the forms on a
page served from the cache carry the reader's own CSRF token.

Each test runs against a real Redis on 127.0.0.1:6379 (skipped when none answers) and against the local-memory
cache, where nothing personal outlives its request.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import Rubric, RubricCriterion
from assessments.scorecards.services import evaluation_dispute, evaluation_dispute_review, scorecard_evaluate
from assessments.scoring.services import kpi_month_import
from incentives.models import ServiceStarExclusion
from incentives.services import (
    service_star_exclude,
    service_star_exclusion_withdraw,
    service_star_publication_undo,
    service_star_round_approve,
    service_star_round_publish,
)
from portal.services import staff_update
from tests.assessments.scoring_helpers import kpi_csv
from tests.conftest import same_with_an_empty_cache, sign_in
from tests.factories import StaffFactory
from tests.incentives.factories import OCTOBER, hr, month_data

pytestmark = pytest.mark.django_db
URL = "/incentives/stars/2026-10/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _body(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return CSRF.sub("", response.context["body"])


def assert_as_from_scratch(client) -> str:
    return same_with_an_empty_cache(lambda: _body(client))


@pytest.fixture
def october(org):
    month_data(org.agent_a1, quality="99")
    month_data(org.agent_a1b, quality="97")
    month_data(org.agent_a2, quality="95")
    month_data(org.agent_b1, contacts=99)
    return org


def test_the_review_follows_every_kind_of_write_on_the_next_request(october, cache_backend):
    org = october
    people, publisher = hr("H0001"), hr("H0002")
    client = Client()
    client.force_login(people)
    first = assert_as_from_scratch(client)
    assert "A0001" in first and 'id="close-checklist"' in first

    service_star_exclude(month=OCTOBER, staff=org.agent_a1, reason="投诉调查中", acting_user=people)
    excluded = assert_as_from_scratch(client)
    assert "投诉调查中" in excluded
    service_star_exclusion_withdraw(month=OCTOBER, staff=org.agent_a1, reason="调查结束", acting_user=people)
    assert "投诉调查中" not in assert_as_from_scratch(client)
    assert not ServiceStarExclusion.objects.exists()

    # A dispute opened on an evaluation of the month: the checklist lists it.
    rubric = Rubric.objects.create(name="录音抽查", kind="spot_check")
    criterion = RubricCriterion.objects.create(
        rubric=rubric, name="礼貌", weight=1, levels=[{"percent": 100, "label": "优"}], order=1
    )
    evaluation = scorecard_evaluate(
        staff=org.agent_a1b,
        rubric=rubric,
        on_date=date(2026, 10, 14),
        levels={criterion.pk: 0},
        acting_user=StaffFactory(role="trainer"),
    )
    evaluation_dispute(
        evaluation=evaluation, acting_user=org.agent_a1b, reason="录音不完整", today=date(2026, 10, 15)
    )
    disputes_ok, disputes_held = (f'data-check="no_open_disputes" class="{state}"' for state in ("ok", "bad"))
    assert disputes_ok in first and disputes_held in assert_as_from_scratch(client)
    evaluation_dispute_review(evaluation=evaluation, acting_user=org.lead_a1, endorse=False, note="录音完整")
    assert disputes_ok in assert_as_from_scratch(client)

    # A KPI import, a renamed person, the round approved, published and undone.
    data = kpi_csv("A0001,150,99,97,95,0.3,0", "A0002,150,99,97,91,0.3,0", "A0003,150,97,97,95,0.3,0")
    kpi_month_import(data=data, file_name="kpi.csv", month=OCTOBER, acting_user=people)
    assert_as_from_scratch(client)
    staff_update(user=org.agent_b1, acting_user=people, name="赵六（已改名）")
    assert_as_from_scratch(client)
    service_star_round_approve(
        month=OCTOBER, acting_user=publisher, reason="核对无误", acknowledgement="已知悉"
    )
    assert 'data-status="approved"' in assert_as_from_scratch(client)
    service_star_round_publish(month=OCTOBER, acting_user=publisher, reason="按规则公示")
    assert 'data-status="published"' in assert_as_from_scratch(client)
    service_star_publication_undo(month=OCTOBER, reason="数据更正", acting_user=publisher)
    assert 'data-status="draft"' in assert_as_from_scratch(client)


def test_a_page_served_from_the_cache_carries_the_readers_own_csrf_token(october, cache_backend):
    people = hr("H0001")
    client = Client(enforce_csrf_checks=True)
    sign_in(client, people)
    client.get(URL)
    sign_in(client, people)  # a new sign-in: Django gives the session a new CSRF secret
    response = client.get(URL)
    tokens = set(CSRF.findall(response.content.decode()))
    assert tokens and "portal-csrf-token-placeholder" not in response.content.decode()
    posted = client.post(
        URL,
        {
            "action": "exclude",
            "employee_no": october.agent_a1.employee_no,
            "reason": "投诉调查中",
            "csrfmiddlewaretoken": tokens.pop(),
        },
    )
    assert posted.status_code == 302
    assert ServiceStarExclusion.objects.get().reason == "投诉调查中"


def test_with_redis_a_second_view_takes_no_query_for_the_review(october, cache_backend):
    if cache_backend != "redis":
        pytest.skip("the local-memory cache renders the review on every request")
    client = Client()
    client.force_login(hr("H0001"))
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "incentives_" not in read and "assessments_" not in read
