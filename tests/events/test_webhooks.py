"""Webhooks: events reach a receiver on 127.0.0.1 through django-tasks' database worker, signed; a receiver that
answers 500 hears the same event again after the shared delays, then the log shows the delivery failed and an
administrator sends it again."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from events.models import SendStatus, WebhookDelivery, WebhookEndpoint
from events.services import webhook_endpoint_create
from incentives.services import (
    service_star_publication_undo,
    service_star_round_approve,
    service_star_round_publish,
)
from portal.models import AuditEvent
from portal.retries import MAX_ATTEMPTS, RETRY_DELAYS
from tests.conftest import sign_in
from tests.events.conftest import committed, run_worker
from tests.factories import StaffFactory
from tests.incentives.factories import OCTOBER, hr, month_data

pytestmark = pytest.mark.django_db

MONTH_EVENTS = ["month.published", "month.unpublished"]


def _payroll(receiver, admin, events=MONTH_EVENTS) -> WebhookEndpoint:
    endpoint, secret = webhook_endpoint_create(
        name="Payroll", url=f"{receiver.url}/hooks/portal", events=events, acting_user=admin
    )
    receiver.secret = secret
    return endpoint


def _publish(user):
    with committed():
        service_star_round_approve(
            month=OCTOBER, acting_user=user, reason="核对无误", acknowledgement="已知悉"
        )
        service_star_round_publish(month=OCTOBER, acting_user=user, reason="按规则公示")


def _undo(user):
    with committed():
        service_star_publication_undo(month=OCTOBER, reason="KPI 数据有误", acting_user=user)


def _run_worker_at(moment):
    with time_machine.travel(moment, tick=True):
        run_worker()


def test_publish_undo_and_republish_reach_payroll_in_order_with_valid_signatures(
    database_tasks, webhook_receiver, admin_user
):
    endpoint = _payroll(webhook_receiver, admin_user)
    month_data(StaffFactory(employee_no="S0001"))
    hr1 = hr("HR1")
    _publish(hr1)
    _undo(hr1)
    _publish(hr1)
    assert webhook_receiver.received == [], "nothing is sent inside the request that published"

    run_worker()

    received = webhook_receiver.received
    assert webhook_receiver.events == ["month.published", "month.unpublished", "month.published"]
    assert all(r["signature_ok"] for r in received)
    assert all(r["keys"] == ["created", "data", "event", "id"] for r in received)
    assert [r["data"]["month"] for r in received] == ["2026-10"] * 3
    assert received[0]["data"]["winners"] == ["S0001"] and received[0]["data"]["published_by"] == "HR1"
    assert received[1]["data"]["reason"] == "KPI 数据有误"
    assert received[0]["data"]["payouts"].endswith("/api/v1/months/2026-10/payouts")
    assert len({r["id"] for r in received}) == 3
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert {(d.status, d.attempts, d.response_code) for d in deliveries} == {(SendStatus.SENT, 1, 200)}


def test_a_receiver_answering_500_hears_the_event_again_after_each_delay_then_it_fails_and_is_sent_again(
    database_tasks, webhook_receiver, admin_user, client
):
    _payroll(webhook_receiver, admin_user)
    month_data(StaffFactory(employee_no="S0001"))
    hr1 = hr("HR1")

    # One 500: the same event comes again a minute later, and is then delivered.
    webhook_receiver.fail_next(1)
    _publish(hr1)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (SendStatus.QUEUED, 1, 500)
    assert delivery.response_body == "temporarily down"
    assert delivery.next_attempt_at == delivery.last_attempt_at + timedelta(minutes=1)
    queued = DBTaskResult.objects.filter(status="READY", task_path__endswith="deliver_webhook").get()
    assert queued.run_after == delivery.next_attempt_at
    run_worker()
    assert len(webhook_receiver.received) == 1, "not before the delay"
    _run_worker_at(delivery.next_attempt_at + timedelta(seconds=1))
    first, again = webhook_receiver.received
    assert first["answered"] == 500 and again["answered"] == 200
    assert (again["id"], again["event"], again["signature_ok"]) == (first["id"], "month.published", True)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (SendStatus.SENT, 2, 200)

    # A receiver down for good: retried after 1 min, 5 min, 30 min, 2 h and 12 h, then failed.
    webhook_receiver.fail_next(MAX_ATTEMPTS)
    _undo(hr1)
    run_worker()
    undo = WebhookDelivery.objects.get(event__event="month.unpublished")
    waits = []
    for _retry in RETRY_DELAYS:
        undo.refresh_from_db()
        assert undo.status == SendStatus.QUEUED
        waits.append(undo.next_attempt_at - undo.last_attempt_at)
        _run_worker_at(undo.next_attempt_at + timedelta(seconds=1))
    assert waits == list(RETRY_DELAYS)
    undo.refresh_from_db()
    assert (undo.status, undo.attempts, undo.response_code, undo.next_attempt_at) == (
        SendStatus.FAILED,
        MAX_ATTEMPTS,
        500,
        None,
    )
    tries = [r for r in webhook_receiver.received if r["event"] == "month.unpublished"]
    assert len(tries) == MAX_ATTEMPTS and len({r["id"] for r in tries}) == 1
    assert all(r["signature_ok"] for r in tries)

    # The administrator sees it failed in the log and sends it again once payroll is back.
    sign_in(client, admin_user)
    page = client.get(reverse("webhooks:deliveries"), {"status": "failed"}).content.decode()
    assert f'data-delivery="{undo.pk}" data-status="failed"' in page and "HTTP 500" in page
    assert "month.published" not in page.split('id="deliveries"')[1].split("</table>")[0]
    with committed():
        response = client.post(reverse("webhooks:resend", args=[undo.pk]))
    assert response.status_code == 302
    run_worker()
    undo.refresh_from_db()
    assert (undo.status, undo.attempts, undo.response_code) == (SendStatus.SENT, 1, 200)
    last = webhook_receiver.received[-1]
    assert (last["id"], last["answered"], last["signature_ok"]) == (tries[0]["id"], 200, True)
    assert AuditEvent.objects.filter(action="webhooks.resend", actor=admin_user).exists()


def test_an_administrator_registers_an_endpoint_and_sees_its_secret_once(client, admin_user, settings):
    settings.WEBHOOKS_ALLOW_LOCAL_HTTP = True
    sign_in(client, admin_user)
    url = reverse("webhooks:list")
    assert "No endpoints yet" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.post(
        url,
        {"name": "BI", "url": "http://127.0.0.1:9/hooks", "events": ["scores.updated", "certificate.issued"]},
    )
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["scores.updated", "certificate.issued"] and endpoint.secret == secret
    assert secret not in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="webhooks.endpoint.create", actor=admin_user).exists()
    client.post(reverse("webhooks:toggle", args=[endpoint.pk]))
    assert WebhookEndpoint.objects.get().active is False


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://payroll.example.com/hooks", "https://"),
        ("https://localhost/hooks", "private, loopback"),
        ("https://127.0.0.1:8000/hooks", "private, loopback"),
        ("https://10.1.2.3/hooks", "private, loopback"),
    ],
)
def test_production_refuses_plain_http_and_the_portals_own_network(
    client, admin_user, settings, url, message
):
    settings.WEBHOOKS_ALLOW_LOCAL_HTTP = False
    sign_in(client, admin_user)
    response = client.post(
        reverse("webhooks:list"),
        {"name": "Payroll", "url": url, "events": ["month.published"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and response.context["secret"] is None
    assert message in str(response.context["form"].errors["url"])
    assert not WebhookEndpoint.objects.exists()


def test_hr_and_agents_cannot_open_the_webhook_pages(hr_client, client):
    for name in ("webhooks:list", "webhooks:deliveries"):
        assert hr_client.get(reverse(name)).status_code == 403
    sign_in(client, StaffFactory(role="agent"))
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert client.post(reverse("webhooks:resend", args=[1])).status_code == 403
