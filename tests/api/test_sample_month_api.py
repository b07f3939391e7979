"""The sample month sent through the API equals the file imports; its published results equal the commands'."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

from assessments.scoring.services import monthly_scores_compute
from incentives.selectors import payroll_rows
from incentives.services import service_star_round_approve, service_star_round_publish
from portal.models import AuditEvent, ImportRun
from tests.api.helpers import make_client, post_rows, sample_month_rows
from tests.assessments.scoring_helpers import SAMPLES
from tests.conftest import give_totp
from tests.factories import StaffFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present"),
]

OCTOBER = date(2026, 10, 1)
WRITES = (
    ("/api/v1/imports/staff", "staff"),
    ("/api/v1/imports/training-records", "training"),
    ("/api/v1/imports/evaluations", "evaluations"),
    ("/api/v1/months/2026-10/kpis", "kpis"),
)
FILES = (
    ("import_staff", "staff.csv"),
    ("import_training_records", "training.csv"),
    ("import_evaluations", "evaluations.csv"),
    ("import_kpis", "kpis.csv", "--month", "2026-10"),
)


def _command(*args):
    out = io.StringIO()
    call_command(*args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def _api_month(client, token):
    answers = []
    rows = sample_month_rows()
    for url, key in WRITES:
        response = post_rows(client, url, rows[key], token)
        assert response.status_code == 200, response.json()
        answers.append(response.json())
    return answers


def _scores(client, token):
    scores, url = [], "/api/v1/months/2026-10/scores"
    while url:
        page = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").json()
        assert page["month"] == "2026-10"
        scores += page["scores"]
        url = page["next"]
    return scores


def test_a_month_sent_through_the_api_scores_as_the_file_imports_and_publishes_the_same_results(client):
    _api_client, token = make_client()
    with transaction.atomic():
        file_answers = [_command(args[0], str(SAMPLES / args[1]), *args[2:]) for args in FILES]
        file_scores = _command("performance_scores", "--month", "2026-10")
        transaction.set_rollback(True)

    api_answers = _api_month(client, token)
    assert api_answers == [{**answer, "errors": []} for answer in file_answers]
    api_scores = _scores(client, token)
    assert api_scores == file_scores["scores"]
    assert api_scores == _command("performance_scores", "--month", "2026-10")["scores"]
    expected = json.loads((SAMPLES / "performance_scores.expected.json").read_text())
    by_no = {row["employee_no"]: row for row in api_scores}
    assert all(by_no[want["employee_no"]] == want for want in expected["scores"])

    # The imports name the client's service account.
    assert set(ImportRun.objects.values_list("actor__employee_no", flat=True)) == {"api:callcentre"}
    assert AuditEvent.objects.filter(action="import.kpis", actor__name="callcentre").exists()

    not_yet = client.get("/api/v1/months/2026-10/service-stars", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert not_yet.status_code == 404
    assert not_yet["Content-Type"] == "application/problem+json"

    hr = give_totp(StaffFactory(role="hr", employee_no="HR001"))
    monthly_scores_compute(month=OCTOBER, acting_user=hr)
    service_star_round_approve(month=OCTOBER, acting_user=hr, reason="核对无误", acknowledgement="已知悉")
    service_star_round_publish(month=OCTOBER, acting_user=hr, reason="按规则公示")

    stars = client.get("/api/v1/months/2026-10/service-stars", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert stars.status_code == 200
    assert stars.json() == _command("service_stars", "--month", "2026-10")
    assert stars.json()["winners"]

    payouts = client.get("/api/v1/months/2026-10/payouts", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert payouts["month"] == "2026-10"
    assert [
        [p["employee_no"], p["name"], p["department"], p["award"], "2026-10", p["amount_yuan"]]
        for p in payouts["payouts"]
    ] == payroll_rows(OCTOBER)
    assert payouts["payouts"]

    # A published month refuses KPIs as the file import does.
    refused = post_rows(
        client, "/api/v1/months/2026-10/kpis?replace=true", sample_month_rows()["kpis"], token
    )
    assert refused.status_code == 422
    assert refused.json()["imported"] == 0
    assert refused.json()["errors"][0]["row"] is None
