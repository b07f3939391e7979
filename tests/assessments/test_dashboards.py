"""Score pages and exports: who sees what (self / team / department / all), and constant query counts."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.scoring.services import monthly_scores_compute
from tests.assessments.factories import kpi_record
from tests.conftest import give_totp
from tests.factories import StaffFactory

OCT = date(2026, 10, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_org(org):
    kpi_record(org.agent_a1, OCT, satisfaction="85")
    kpi_record(org.agent_a1b, OCT)
    kpi_record(org.lead_a1, OCT)
    kpi_record(org.agent_a2, OCT, complaint="1.1")
    kpi_record(org.agent_b1, OCT)
    monthly_scores_compute(month=OCT)
    return org


def _get(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query, HTTP_ACCEPT_LANGUAGE="en")


def test_my_scores_explains_each_component(client, scored_org):
    response = _get(client, scored_org.agent_a1, "assessments:my-scores", month="2026-10")
    assert response.status_code == 200
    text = response.content.decode()
    # Satisfaction 85 is between floor 75 and target 90: 80 × 10/15 = 53.33 points, target missed.
    assert "53.33" in text and "90.00%" in text
    assert "no QA evaluation this month" in text
    assert "0 of 4 required hours: learning counts 0" in text
    assert "<svg" in text and response["Cache-Control"].startswith("max-age=0")


def test_another_persons_score_by_employee_number_is_404(client, scored_org):
    org = scored_org
    assert _get(client, org.agent_a1, "assessments:staff-scores", "A0002").status_code == 404
    assert _get(client, org.lead_a1, "assessments:staff-scores", "A0002").status_code == 200
    assert _get(client, org.lead_a1, "assessments:staff-scores", "A0003").status_code == 404
    assert _get(client, org.manager_a, "assessments:staff-scores", "A0003").status_code == 200
    assert _get(client, org.manager_a, "assessments:staff-scores", "B0001").status_code == 404


def test_an_agent_may_not_open_the_overview(client, scored_org):
    assert _get(client, scored_org.agent_a1, "assessments:scores-overview").status_code == 403
    assert _get(client, scored_org.agent_a1, "assessments:scores-export").status_code == 403


def test_a_team_lead_sees_only_the_team_in_page_totals_and_exports(client, scored_org):
    org = scored_org
    page = _get(client, org.lead_a1, "assessments:scores-overview", month="2026-10")
    text = page.content.decode()
    assert page.context["count"] == 3
    assert f": {page.context['mean']}</title>" in str(
        page.context["trend_chart"]
    )  # the team's mean this month
    assert "A0001" in text and "A0003" not in text and "B0001" not in text
    # A filter cannot widen the scope.
    widened = _get(
        client, org.lead_a1, "assessments:scores-overview", month="2026-10", team=str(org.team_a2.pk)
    )
    assert widened.context["count"] == 0
    export = _get(client, org.lead_a1, "assessments:scores-export", month="2026-10", format="csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert sorted(r[1] for r in rows[1:]) == ["A0001", "A0002", "L0001"]
    assert export["Content-Disposition"].startswith("attachment")


def test_a_manager_sees_the_department_and_who_missed_which_target(client, scored_org):
    page = _get(client, scored_org.manager_a, "assessments:scores-overview", month="2026-10")
    assert page.context["count"] == 4 and page.context["missed_any"] == 2
    text = page.content.decode()
    assert "B0001" not in text and "Customer satisfaction" in text and "Complaint rate" in text
    by_team = {row["team"]: row for row in page.context["team_compliance"]}
    assert set(by_team) == {"热线一组", "热线二组"}
    # timeliness, resolution, satisfaction, complaint: one of three missed satisfaction in team A1.
    assert by_team["热线一组"]["values"] == [100.0, 100.0, 66.7, 100.0]
    assert by_team["热线二组"]["values"] == [100.0, 100.0, 100.0, 0.0]


def test_hr_exports_xlsx_with_formula_names_neutralised(client, scored_org):
    hr = give_totp(StaffFactory(role="hr", employee_no="HR001"))
    evil = StaffFactory(team=scored_org.team_b1, employee_no="B0002", name="=HYPERLINK(1)")
    kpi_record(evil, OCT)
    monthly_scores_compute(month=OCT)
    response = _get(client, hr, "assessments:scores-export", month="2026-10", format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 7  # header + 6 scored people
    names = {row[1]: row[2] for row in values[1:]}
    assert names["B0002"] == "'=HYPERLINK(1)"


def _team_of(size, team, month):
    for _ in range(size):
        kpi_record(StaffFactory(team=team), month, satisfaction="80")


@pytest.mark.parametrize(
    "name", ["assessments:scores-overview", "assessments:my-scores", "assessments:scores-export"]
)
def test_score_pages_need_the_same_queries_for_few_and_many_staff(
    client, org, name, django_assert_max_num_queries
):
    _team_of(3, org.team_a1, OCT)
    monthly_scores_compute(month=OCT)
    client.force_login(org.lead_a1)
    client.get(reverse(name), {"month": "2026-10"})  # warm caches (session, site)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse(name), {"month": "2026-10"})
    _team_of(30, org.team_a1, OCT)
    monthly_scores_compute(month=OCT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(name), {"month": "2026-10"})


def test_the_home_panel_shows_my_latest_score(client, scored_org):
    client.force_login(scored_org.agent_a1)
    text = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My score this month" in text and reverse("assessments:my-scores") in text
