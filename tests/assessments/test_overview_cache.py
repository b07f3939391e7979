"""The HR month overview keeps its figures and its page of the score table in the shared cache between the writes
that change them: after each kind of change the page a reader gets equals the page computed with an empty cache.

Each test runs against a real Redis on 127.0.0.1:6379 (skipped when none answers) and against the local-memory
cache, where a report's figures are computed on every request.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import ScoringPolicyVersion
from assessments.scoring.services import (
    POLICY_FIELDS,
    coaching_module_set,
    kpi_month_import,
    scoring_policy_create,
    scoring_policy_update,
)
from courses.services import enrolment_assign, lesson_complete
from portal.models import Team
from portal.services import month_lock_release, month_lock_set, staff_update
from tests.assessments.scoring_helpers import kpi_csv
from tests.assessments.test_coaching import remedial_module  # noqa: F401 (a fixture)
from tests.conftest import same_with_an_empty_cache
from tests.courses import factories as cf
from tests.factories import StaffFactory
from tests.incentives.factories import hr, month_data

OCT = date(2026, 10, 1)
PATH = "/assessments/scores/?month=2026-10"
pytestmark = pytest.mark.django_db

# What the overview shows that a write can change (the rest of the page is forms and links).
SHOWN = [
    "count",
    "partial_count",
    "mean",
    "missed_any",
    "updating",
    "figures_html",
    "scores_html",
    "coaching_section_html",
    "locked",
]


def _shown(client, path=PATH) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    return {key: response.context[key] for key in SHOWN}


def assert_as_from_scratch(client, path=PATH) -> dict:
    return same_with_an_empty_cache(lambda: _shown(client, path))


@pytest.fixture
def october(org):
    month_data(org.agent_a1)
    month_data(org.agent_a1b, satisfaction="89.50")
    month_data(org.agent_a2, quality="70")
    month_data(org.agent_b1, contacts=80)
    month_data(org.lead_a1, complaint="0.6")
    return org


def test_the_overview_follows_every_kind_of_write_on_the_next_request(october, cache_backend):
    org = october
    people = hr("H0001")
    client = Client()
    client.force_login(people)
    first = assert_as_from_scratch(client)
    assert first["count"] == 5
    assert _shown(client) == first  # a second reader of the same scope

    # A KPI import replacing the month's rows, and its scores.
    data = kpi_csv(
        "A0001,150,99,97,95,0.3,0",
        "A0002,150,99,97,91,0.3,0",
        "A0003,150,97,97,95,0.3,0",
        "B0001,150,99,97,95,0.3,0",
        "L0001,150,99,97,95,0.3,0",
    )
    assert kpi_month_import(data=data, file_name="kpi.csv", month=OCT, replace=True, acting_user=people).ok
    after_import = assert_as_from_scratch(client)
    assert after_import["scores_html"] != first["scores_html"]

    # One more scored person.
    month_data(StaffFactory(team=org.team_a1, employee_no="A0009"))
    assert assert_as_from_scratch(client)["count"] == 6

    # A person renamed, a team renamed, a person moved to another team.
    staff_update(user=org.agent_a1, acting_user=people, name="王小明（已改名）")
    assert "王小明（已改名）" in assert_as_from_scratch(client)["scores_html"]
    Team.objects.filter(pk=org.team_a1.pk).update(name="一组（新）")
    Team.objects.get(pk=org.team_a1.pk).save()  # the admin's save, which Team's signal announces
    assert "一组（新）" in assert_as_from_scratch(client)["scores_html"]
    staff_update(user=org.agent_a2, acting_user=people, team=org.team_b1, department=org.dept_b)
    assert_as_from_scratch(client)

    # A stricter target from October, then that version changed again.
    base = ScoringPolicyVersion.objects.get(effective_month__isnull=True)
    values = {name: getattr(base, name) for name in POLICY_FIELDS} | {
        "name": "2026-10",
        "satisfaction_target": Decimal("96"),
    }
    version = scoring_policy_create(effective_month=OCT, values=values, acting_user=people, reason="提高目标")
    stricter = assert_as_from_scratch(client)
    assert stricter["missed_any"] > after_import["missed_any"]
    scoring_policy_update(
        version=version,
        values=values | {"satisfaction_target": Decimal("80")},
        acting_user=people,
        reason="回调",
    )
    assert assert_as_from_scratch(client)["missed_any"] < stricter["missed_any"]

    # Published, then reopened.
    month_lock_set(month=OCT, acting_user=people, reason="发布")
    assert assert_as_from_scratch(client)["locked"]
    month_lock_release(month=OCT, acting_user=people, reason="更正")
    assert not assert_as_from_scratch(client)["locked"]


def test_a_lead_and_a_filtered_page_each_get_their_own_scope(october, cache_backend):
    org = october
    people = hr("H0001")
    hr_client, lead_client = Client(), Client()
    hr_client.force_login(people)
    lead_client.force_login(org.lead_a1)
    everyone = _shown(hr_client)
    team = _shown(lead_client)
    filtered = _shown(hr_client, f"{PATH}&team={org.team_a1.pk}")
    assert everyone["count"] == 5 and team["count"] == filtered["count"] == 3
    assert "B0001" in everyone["scores_html"] and "B0001" not in team["scores_html"]
    assert team["scores_html"] == filtered["scores_html"]
    assert _shown(hr_client)["count"] == 5


def test_with_redis_a_second_reader_takes_no_query_for_the_months_figures(october, cache_backend):
    if cache_backend != "redis":
        pytest.skip("the local-memory cache computes a report's figures on every request")
    people = hr("H0001")
    client = Client()
    client.force_login(people)
    client.get(PATH)
    with CaptureQueriesContext(connection) as queries:
        client.get(PATH)
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "assessments_scoresummary" not in read and "assessments_monthlyscore" not in read
    assert "assessments_kpirecord" not in read and "assessments_coachingassignment" not in read


def test_the_coaching_list_follows_the_mapping_the_assignment_and_the_lessons_done(
    october,
    cache_backend,
    remedial_module,  # noqa: F811 (the fixture imported above)
):
    org = october
    module, _programme, lessons = remedial_module
    people = hr("H0001")
    client = Client()
    client.force_login(people)
    assert "满意度提升" not in assert_as_from_scratch(client)["coaching_section_html"]

    coaching_module_set(kpi="satisfaction", module=module, acting_user=people)
    data = kpi_csv("A0001,150,99,97,85,0.3,0", "A0002,150,99,97,95,0.3,0", "B0001,150,99,97,95,0.3,0")
    kpi_month_import(data=data, file_name="k.csv", month=OCT, replace=True, acting_user=people)
    assigned = assert_as_from_scratch(client)["coaching_section_html"]
    assert "满意度提升" in assigned and "A0001" in assigned

    for lesson in lessons:
        lesson_complete(staff=org.agent_a1, lesson=lesson, on_date=date(2026, 11, 2), via="learner")
    done = assert_as_from_scratch(client)["coaching_section_html"]
    assert done != assigned and 'class="pill ok"' in done

    coaching_module_set(kpi="satisfaction", module=None, acting_user=people)
    assert_as_from_scratch(client)


def test_a_remedial_modules_lesson_shows_its_panel_once_assigned_and_not_after_it_is_done(
    october, cache_backend
):
    org = october
    programme, lessons = cf.monthly(OCT, title="满意度提升", modes=("online", "online"))
    module = lessons[0].get_parent().specific
    enrolment_assign(staff_ids=[org.agent_a1.pk], programme=programme, assigned_on=OCT)  # enrolled already
    people = hr("H0001")
    client = Client()
    client.force_login(org.agent_a1)
    panel = 'id="coaching-panel"'
    assert panel not in client.get(lessons[0].url).content.decode()  # cached: nothing assigned

    coaching_module_set(kpi="satisfaction", module=module, acting_user=people)
    data = kpi_csv("A0001,150,99,97,85,0.3,0")
    kpi_month_import(data=data, file_name="k.csv", month=OCT, replace=True, acting_user=people)
    assert panel in client.get(lessons[0].url).content.decode()

    for lesson in lessons:
        lesson_complete(staff=org.agent_a1, lesson=lesson, on_date=date(2026, 11, 2), via="learner")
    assert panel not in client.get(lessons[0].url).content.decode()
