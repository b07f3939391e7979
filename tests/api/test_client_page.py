"""Administrators create API clients on a page that shows the token once, and revoke them there."""

import pytest
from django.urls import reverse

from api.models import ApiClient
from portal.models import AuditEvent
from tests.conftest import give_totp, sign_in
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_creates_a_client_sees_its_token_once_and_revokes_it(client):
    admin = give_totp(StaffFactory(role="admin", employee_no="ADM01"))
    sign_in(client, admin)
    url = reverse("api-clients:list")
    response = client.post(url, {"name": "qa-tool", "scopes": ["evaluations:write", "scores:read"]})
    assert response.status_code == 200
    token = response.context["token"]
    assert token.startswith("pt_") and token in response.content.decode()
    api_client = ApiClient.objects.get()
    assert api_client.scopes == ["evaluations:write", "scores:read"]
    assert token not in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="api.client.create", actor=admin).exists()

    client.post(reverse("api-clients:revoke", args=[api_client.pk]))
    assert ApiClient.objects.get().revoked_at is not None
    assert (
        client.get("/api/v1/months/2026-10/scores", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    )


def test_hr_without_the_permission_cannot_open_the_page(hr_client):
    assert hr_client.get(reverse("api-clients:list")).status_code == 403
