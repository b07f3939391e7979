"""One attempt at sending a webhook delivery or an xAPI statement, as the task worker runs it: claim the row,
send, record the answer (`portal.retries`). Nothing here runs inside the request that caused the event."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

import requests
from django.conf import settings
from django.utils import timezone

from events import rules
from events.addresses import url_refusal
from events.models import WebhookDelivery, XapiStatement
from portal import retries

log = logging.getLogger("events")

TIMEOUT_SECONDS = 10
USER_AGENT = "service-portal-webhooks/1"
# Answers no later attempt can change: the receiver says the resource is gone for good.
_FINAL_STATUS = {410}


@dataclass(frozen=True)
class AttemptOutcome:
    status: str  # "skipped" (not due, or taken by another worker), "sent", "retry" or "failed"
    retry_at: datetime | None = None


def _answer(response) -> dict:
    return {"response_code": response.status_code, "response_body": response.text[: rules.RESPONSE_KEPT]}


def _failed(model, row, *, code, message, final: bool, now: datetime, **fields) -> AttemptOutcome:
    retry = None if final else retries.retry_at(now, attempts_made=row.attempts)
    retries.attempt_failed(model, row.pk, retry=retry, code=code, message=message, **fields)
    return AttemptOutcome("retry", retry) if retry else AttemptOutcome("failed")


def webhook_attempt(*, delivery_id: int, now: datetime | None = None) -> AttemptOutcome:
    """POST the event to the endpoint once, signed; a 2xx answer delivers it. Anything else (an error status,
    a timeout, a refused connection, a redirect) is retried on the shared schedule, then marked failed."""
    now = now or timezone.now()
    if not retries.attempt_claim(WebhookDelivery, delivery_id, now=now):
        return AttemptOutcome("skipped")
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.active:
        return _failed(
            WebhookDelivery,
            delivery,
            code="endpoint_off",
            message="endpoint switched off",
            final=True,
            now=now,
        )
    refusal = url_refusal(endpoint.url)
    if refusal:
        return _failed(WebhookDelivery, delivery, code=refusal, message=endpoint.url, final=True, now=now)
    body = rules.webhook_body(
        event_id=str(event.pk), event=event.event, created=event.created_at, data=event.data
    )
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        rules.SIGNATURE_HEADER: rules.signature_header(endpoint.secret, int(time.time()), body),
        "X-Portal-Event": event.event,
        "X-Portal-Delivery": str(delivery.pk),
    }
    try:
        response = requests.post(
            endpoint.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as error:
        return _failed(
            WebhookDelivery, delivery, code=type(error).__name__, message=str(error), final=False, now=now
        )
    if 200 <= response.status_code < 300:
        retries.attempt_succeeded(WebhookDelivery, delivery_id, **_answer(response))
        return AttemptOutcome("sent")
    return _failed(
        WebhookDelivery,
        delivery,
        code=f"http_{response.status_code}",
        message=f"HTTP {response.status_code}",
        final=response.status_code in _FINAL_STATUS,
        now=now,
        **_answer(response),
    )


def statements_url() -> str:
    """The LRS's Statement resource: `statements` under the configured endpoint (`XAPI_LRS_URL`)."""
    return urljoin(settings.XAPI_LRS_URL.rstrip("/") + "/", "statements")


def statement_attempt(*, statement_id: str, now: datetime | None = None) -> AttemptOutcome:
    """PUT the statement to the LRS under its own id (so a repeat stores nothing twice). 204/200 stores it; a
    409 (already stored under this id) counts as stored; 400 is final (the LRS rejects its content); anything
    else is retried on the shared schedule."""
    now = now or timezone.now()
    if not retries.attempt_claim(XapiStatement, statement_id, now=now):
        return AttemptOutcome("skipped")
    row = XapiStatement.objects.get(pk=statement_id)
    if not settings.XAPI_LRS_URL:
        return _failed(XapiStatement, row, code="not_configured", message="XAPI_LRS_URL", final=True, now=now)
    try:
        response = requests.put(
            statements_url(),
            params={"statementId": str(row.pk)},
            json=row.statement,
            auth=(settings.XAPI_LRS_KEY, settings.XAPI_LRS_SECRET),
            headers={"X-Experience-API-Version": rules.XAPI_VERSION, "User-Agent": USER_AGENT},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        return _failed(
            XapiStatement, row, code=type(error).__name__, message=str(error), final=False, now=now
        )
    if response.status_code in (200, 204, 409):
        retries.attempt_succeeded(XapiStatement, statement_id, **_answer(response))
        return AttemptOutcome("sent")
    return _failed(
        XapiStatement,
        row,
        code=f"http_{response.status_code}",
        message=f"HTTP {response.status_code}",
        final=response.status_code == 400,
        now=now,
        **_answer(response),
    )
