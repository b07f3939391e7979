"""The API's refusals and contracts: tokens, scopes, rates, row errors, idempotency, size, schema and reads."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from openapi_spec_validator import validate

from api.models import ApiClient, IdempotentAnswer
from api.services import api_client_revoke, default_expiry
from assessments.models import KpiRecord
from portal.models import User
from tests.api.helpers import ALL_SCOPES, bearer, make_client, post_rows
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

KPIS = "/api/v1/months/2026-10/kpis"
ENDPOINTS = {
    "staff:write": ("post", "/api/v1/imports/staff"),
    "training:write": ("post", "/api/v1/imports/training-records"),
    "evaluations:write": ("post", "/api/v1/imports/evaluations"),
    "kpis:write": ("post", KPIS),
    "scores:read": ("get", "/api/v1/months/2026-10/scores"),
    "stars:read": ("get", "/api/v1/months/2026-10/service-stars"),
    "payouts:read": ("get", "/api/v1/months/2026-10/payouts"),
    "certificates:read": ("get", "/api/v1/certificates/C-1"),
}


def _kpi_row(employee_no="A0001", **values):
    return {
        "employee_no": employee_no,
        "contacts_handled": 500,
        "response_timeliness_rate": 95.5,
        "resolution_rate": "90",
        "satisfaction_rate": 98,
        "complaint_rate": "0.50",
        "major_complaints": 0,
        **values,
    }


def _call(client, scope, token=None):
    method, url = ENDPOINTS[scope]
    headers = bearer(token) if token else {}
    if method == "post":
        return client.post(url, json.dumps({"rows": []}), content_type="application/json", **headers)
    return client.get(url, **headers)


@pytest.mark.parametrize("scope", sorted(ENDPOINTS))
def test_no_token_or_a_wrong_one_is_401_and_a_missing_scope_403(client, scope):
    assert _call(client, scope).status_code == 401
    wrong = _call(client, scope, "pt_not-a-token")
    assert wrong.status_code == 401
    assert wrong["Content-Type"] == "application/problem+json"
    assert wrong.json()["status"] == 401
    _other, token = make_client(scopes=[s for s in ALL_SCOPES if s != scope])
    forbidden = _call(client, scope, token)
    assert forbidden.status_code == 403
    assert forbidden.json()["title"] and scope in forbidden.json()["detail"]


def test_a_revoked_or_an_expired_client_is_401(client):
    revoked, revoked_token = make_client(name="revoked")
    api_client_revoke(client=revoked, acting_user=None)
    assert client.get("/api/v1/months/2026-10/scores", **bearer(revoked_token)).status_code == 401
    expired, expired_token = make_client(name="expired")
    ApiClient.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    response = client.get("/api/v1/months/2026-10/scores", **bearer(expired_token))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_last_use_is_kept_at_most_hourly(client):
    api_client, token = make_client()
    assert api_client.last_used_at is None
    client.get("/api/v1/months/2026-10/scores", **bearer(token))
    first = ApiClient.objects.get().last_used_at
    assert first is not None
    client.get("/api/v1/months/2026-10/scores", **bearer(token))
    assert ApiClient.objects.get().last_used_at == first
    ApiClient.objects.update(last_used_at=first - timedelta(hours=2))
    client.get("/api/v1/months/2026-10/scores", **bearer(token))
    assert ApiClient.objects.get().last_used_at > first


def test_over_the_clients_rate_is_429_with_retry_after(client):
    api_client, token = make_client()
    ApiClient.objects.filter(pk=api_client.pk).update(rate_per_minute=2)
    for _ in range(2):
        assert client.get("/api/v1/months/2026-10/scores", **bearer(token)).status_code == 200
    response = client.get("/api/v1/months/2026-10/scores", **bearer(token))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["status"] == 429


def test_the_default_rate_is_600_a_minute():
    assert make_client()[0].rate_per_minute == 600


def test_a_refused_import_is_422_naming_every_row_and_field_and_writes_nothing(client):
    StaffFactory(employee_no="A0001")
    StaffFactory(employee_no="A0002")
    _api_client, token = make_client()
    rows = [
        _kpi_row("A0001"),
        _kpi_row("A0002", resolution_rate="101", complaint_rate=0.555),
        _kpi_row("NOBODY"),
        {k: v for k, v in _kpi_row("A0002").items() if k != "major_complaints"},
    ]
    response = post_rows(client, KPIS, rows, token)
    assert response.status_code == 422
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert body["imported"] == 0 and body["status"] == 422
    assert [(e["row"], e.get("field")) for e in body["errors"]] == [(4, "major_complaints")]
    rows.pop()
    body = post_rows(client, KPIS, rows, token).json()
    assert [(e["row"], e.get("field")) for e in body["errors"]] == [
        (2, "resolution_rate"),
        (2, "complaint_rate"),
        (3, "employee_no"),
    ]
    assert not KpiRecord.objects.exists()


def test_numbers_may_be_json_numbers_or_text_and_the_kpis_are_stored_exactly(client):
    StaffFactory(employee_no="A0001")
    _api_client, token = make_client()
    response = post_rows(client, KPIS, [_kpi_row(response_timeliness_rate=95.55)], token)
    assert response.status_code == 200, response.json()
    assert response.json() == {"imported": 1, "replaced": 0, "scored": 1, "errors": [], "dry_run": False}
    record = KpiRecord.objects.get()
    assert str(record.response_timeliness_rate) == "95.55" and str(record.complaint_rate) == "0.50"
    again = post_rows(client, KPIS, [_kpi_row()], token)
    assert again.status_code == 422  # the month has data: replace needed, as --replace
    assert post_rows(client, KPIS + "?replace=true", [_kpi_row()], token).json()["replaced"] == 1


def test_an_idempotency_key_replays_the_first_answer_and_refuses_another_body(client):
    StaffFactory(employee_no="A0001")
    _api_client, token = make_client()
    first = post_rows(client, KPIS, [_kpi_row()], token, HTTP_IDEMPOTENCY_KEY="k-1")
    retry = post_rows(client, KPIS, [_kpi_row()], token, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert KpiRecord.objects.count() == 1
    other = post_rows(client, KPIS, [_kpi_row(contacts_handled=1)], token, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409
    assert other.json()["status"] == 409
    IdempotentAnswer.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert post_rows(client, KPIS, [_kpi_row()], token, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 422


def test_a_body_over_20_mb_is_413(client):
    _api_client, token = make_client()
    body = b'{"rows": [' + b" " * (20 * 1024 * 1024) + b"]}"
    response = client.post(KPIS, body, content_type="application/json", **bearer(token))
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_a_body_that_is_not_rows_is_400(client):
    _api_client, token = make_client()
    assert client.post(KPIS, "nope", content_type="application/json", **bearer(token)).status_code == 400
    assert client.post(KPIS, "[]", content_type="application/json", **bearer(token)).status_code == 400


def test_the_staff_import_runs_as_the_client_and_answers_as_the_command(client):
    _api_client, token = make_client(name="hr-system")
    row = {
        "employee_no": "N0001",
        "name": "新人",
        "email": "",
        "department": "客服部",
        "team": "",
        "role": "agent",
        "hire_date": "2026-10-01",
        "onboarded_on": None,
    }
    response = post_rows(client, "/api/v1/imports/staff", [row], token)
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0, "errors": [], "dry_run": False}
    assert User.objects.get(employee_no="N0001").department.name == "客服部"
    account = User.objects.get(employee_no="api:hr-system")
    assert not account.is_active and not account.has_usable_password()


def test_scores_are_paginated_a_thousand_a_page(client, settings):
    _api_client, token = make_client()
    empty = client.get("/api/v1/months/2030-01/scores", **bearer(token)).json()
    assert empty == {"month": "2030-01", "scores": [], "next": None}
    assert client.get("/api/v1/months/2026-13/scores", **bearer(token)).status_code == 404


def test_a_certificate_by_number_and_404_for_none(client):
    _api_client, token = make_client()
    response = client.get("/api/v1/certificates/NOPE", **bearer(token))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_addresses_under_the_api_are_404_problems(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_the_schema_validates_as_openapi_3_with_examples_for_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert len(schema["paths"]) == len(ENDPOINTS)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"]["200"]["content"]["application/json"]
            assert ok["schema"] and ok["examples"], (method, path)
            assert operation["security"] == [{"bearerAuth": []}]
            if method == "post":
                body = operation["requestBody"]["content"]["application/json"]
                assert body["schema"] and body["examples"], path
                assert "422" in operation["responses"] and "409" in operation["responses"]


def test_the_docs_page_is_served_from_the_portals_own_static_files(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def _create(*args):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("api_client_create", *args, "--json", stdout=out, stderr=io.StringIO())
    return exited.value.code, json.loads(out.getvalue())


def test_api_client_create_prints_the_token_once_and_stores_only_its_hash():
    out = io.StringIO()
    call_command(
        "api_client_create", "--name", "payroll", "--scopes", "payouts:read,scores:read", "--json", stdout=out
    )
    printed = json.loads(out.getvalue())
    assert set(printed) == {"client", "token", "scopes", "expires"}
    assert (
        printed["client"] == "payroll" and printed["token"].startswith("pt_") and len(printed["token"]) >= 46
    )
    assert printed["scopes"] == ["scores:read", "payouts:read"]
    assert printed["expires"] == default_expiry(timezone.localdate()).isoformat()
    stored = ApiClient.objects.get()
    assert printed["token"] not in {stored.token_hash, stored.token_prefix}
    out = io.StringIO()
    call_command(
        "api_client_create",
        "--name",
        "qa",
        "--scopes",
        "evaluations:write",
        "--expires",
        "2099-01-31",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["expires"] == "2099-01-31"


def test_api_client_create_refuses_an_unknown_scope_or_a_name_in_use():
    code, body = _create("--name", "x", "--scopes", "kpis:write,root")
    assert code == 1 and set(body) == {"errors"} and "root" in body["errors"][0]["message"]
    make_client(name="taken")
    code, body = _create("--name", "taken", "--scopes", "kpis:write")
    assert code == 1 and body["errors"][0]["message"]
    assert ApiClient.objects.count() == 1


def test_a_year_from_a_leap_day_is_the_last_day_of_february():
    assert default_expiry(date(2028, 2, 29)) == date(2029, 2, 28)
    assert default_expiry(date(2026, 12, 6)) == date(2027, 12, 6)
