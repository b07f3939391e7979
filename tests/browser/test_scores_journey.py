import importlib
import os
from datetime import date

import pytest

from assessments.models import ScoringPolicyVersion
from assessments.scoring.services import monthly_scores_compute
from tests.assessments.factories import kpi_record
from tests.browser.conftest import log_in
from tests.factories import make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OCT = date(2026, 10, 1)


def _default_policy():
    # A transactional test flushes the rows that migrations created.
    migration = importlib.import_module("assessments.migrations.0003_scores_default_policy")
    ScoringPolicyVersion.objects.get_or_create(effective_month=None, defaults=migration.DEFAULT)


def test_a_team_lead_sees_the_team_chart_and_opens_an_explained_score(page):
    _default_policy()
    org = make_org()
    for user in (org.lead_a1, org.agent_a1):
        user.set_password("correct-horse-battery")
        user.save()
    kpi_record(org.agent_a1, OCT, satisfaction="85")
    kpi_record(org.agent_a2, OCT)
    monthly_scores_compute(month=OCT)

    log_in(page, "L0001", "correct-horse-battery")
    page.wait_for_url("**/portal/")
    page.goto("/assessments/scores/?month=2026-10")
    assert page.locator("svg.chart").count() == 3
    table = page.locator("table").last.inner_text()
    assert "A0001" in table and "A0003" not in table
    if os.environ.get("SCORES_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCORES_SCREENSHOTS']}/overview.png", full_page=True)
    page.get_by_role("link", name=org.agent_a1.name).first.click()
    page.wait_for_url("**/scores/staff/A0001/**")
    assert "53.33" in page.locator("main").inner_text()
    if os.environ.get("SCORES_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCORES_SCREENSHOTS']}/person.png", full_page=True)
