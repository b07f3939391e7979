"""Every write of events out: endpoints registered and switched off, events announced to their subscribers,
xAPI statements queued, deliveries sent again. Sending itself is the task worker's (`delivery.py`)."""

import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import rules
from events.addresses import url_refusal
from events.models import SendStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent, XapiStatement
from events.tasks import statements_enqueue, webhooks_enqueue
from portal.retries import rows_due
from portal.services import audit_record

MANAGE_PERMISSION = "events.manage_webhooks"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a recognisable prefix, not a secret)


def _require(acting_user) -> None:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied(_("You may not do this."))


def url_refusal_message(code: str) -> str:
    return {
        "scheme": _("Use an https:// address."),
        "host": _("The address has no host name."),
        "http_remote": _("Plain http:// is allowed only to this machine (localhost); use https://."),
        "unresolved": _("The host name does not resolve to any address."),
        "private": _(
            "The host is in a private, loopback or reserved network; webhooks go to public addresses."
        ),
    }[code]


def webhook_endpoint_create(
    *, name: str, url: str, events: list[str], acting_user
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown to the administrator this once).

    Refuses an empty or taken name, no event or an unknown one, and a URL production may not reach (`url`)."""
    _require(acting_user)
    name, url = name.strip(), url.strip()
    if not name:
        raise ValidationError({"name": _("Give the endpoint a name.")})
    unknown = sorted(set(events) - set(rules.EVENTS))
    if unknown:
        raise ValidationError({"events": _("Unknown event: %(events)s.") % {"events": ", ".join(unknown)}})
    if not events:
        raise ValidationError({"events": _("Choose at least one event.")})
    refusal = url_refusal(url)
    if refusal:
        raise ValidationError({"url": url_refusal_message(refusal)})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        if WebhookEndpoint.objects.select_for_update().filter(name=name).exists():
            raise ValidationError({"name": _("The name %(name)s is already in use.") % {"name": name}})
        endpoint = WebhookEndpoint.objects.create(
            name=name,
            url=url,
            events=[event for event in rules.EVENTS if event in set(events)],
            secret=secret,
            created_by=acting_user,
        )
        audit_record(
            action="webhooks.endpoint.create",
            acting_user=acting_user,
            target=endpoint,
            url=url,
            events=endpoint.events,
        )
    return endpoint, secret


def webhook_endpoint_set_active(*, endpoint: WebhookEndpoint, active: bool, acting_user) -> WebhookEndpoint:
    """Switch an endpoint off (it hears no new events; queued deliveries fail when their turn comes) or on."""
    _require(acting_user)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if endpoint.active != active:
            endpoint.active = active
            endpoint.save(update_fields=["active"])
            audit_record(
                action="webhooks.endpoint.enable" if active else "webhooks.endpoint.disable",
                acting_user=acting_user,
                target=endpoint,
            )
    return endpoint


def event_announce(event: str, data: dict, *, now: datetime | None = None) -> WebhookEvent | None:
    """Record `event` and a delivery to every active endpoint subscribed to it, in the caller's transaction (so
    nothing is announced of a change that rolls back); the deliveries are queued once it commits. Returns the
    event, or None when no endpoint listens."""
    endpoint_ids = [
        endpoint.pk
        for endpoint in WebhookEndpoint.objects.filter(active=True).only("pk", "events")
        if event in endpoint.events
    ]
    if not endpoint_ids:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        record = WebhookEvent.objects.create(event=event, data=data, created_at=now)
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(endpoint_id=pk, event=record, next_attempt_at=now, created_at=now)
                for pk in endpoint_ids
            ]
        )
        queue = [(delivery.pk, now) for delivery in deliveries]
        transaction.on_commit(lambda: webhooks_enqueue(queue))
    return record


def webhook_delivery_resend(*, delivery: WebhookDelivery, acting_user) -> WebhookDelivery:
    """An administrator sends a failed (or sent) delivery again, now and with a fresh round of retries: the same
    event id and body, newly signed. Audited with the answer it had."""
    _require(acting_user)
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status not in (SendStatus.FAILED, SendStatus.SENT):
            raise ValidationError(_("This delivery is still being attempted."))
        audit_record(
            action="webhooks.resend",
            acting_user=acting_user,
            target=delivery,
            event=str(delivery.event_id),
            status=delivery.status,
            attempts=delivery.attempts,
            response_code=delivery.response_code,
            error=delivery.error,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=SendStatus.QUEUED, attempts=0, next_attempt_at=now
        )
        delivery.refresh_from_db()
        delivery_id = delivery.pk
        transaction.on_commit(lambda: webhooks_enqueue([(delivery_id, now)]))
    return delivery


def xapi_enabled() -> bool:
    return bool(settings.XAPI_LRS_URL)


def xapi_statements_queue(items: list[tuple], *, now: datetime | None = None) -> list[XapiStatement]:
    """Queue statements for the LRS (each `(person_id, verb, statement)`), sent once the caller's transaction
    commits; nothing when no LRS is configured. Never waits for the LRS."""
    if not xapi_enabled() or not items:
        return []
    now = now or timezone.now()
    with transaction.atomic():
        rows = XapiStatement.objects.bulk_create(
            [
                XapiStatement(
                    id=statement["id"],
                    person_id=person_id,
                    verb=verb,
                    statement=statement,
                    next_attempt_at=now,
                    created_at=now,
                )
                for person_id, verb, statement in items
            ]
        )
        queue = [(str(row.pk), now) for row in rows]
        transaction.on_commit(lambda: statements_enqueue(queue))
    return rows


def xapi_statement_resend(*, statement: XapiStatement, acting_user) -> XapiStatement:
    """Send a failed statement to the LRS again (the same statement id: an LRS that stored it already says so)."""
    _require(acting_user)
    now = timezone.now()
    with transaction.atomic():
        statement = XapiStatement.objects.select_for_update().get(pk=statement.pk)
        if statement.status != SendStatus.FAILED:
            raise ValidationError(_("Only a statement that failed is sent again."))
        audit_record(
            action="xapi.resend",
            acting_user=acting_user,
            target=statement,
            verb=statement.verb,
            attempts=statement.attempts,
            error=statement.error,
        )
        XapiStatement.objects.filter(pk=statement.pk).update(
            status=SendStatus.QUEUED, attempts=0, next_attempt_at=now
        )
        statement.refresh_from_db()
        statement_id = str(statement.pk)
        transaction.on_commit(lambda: statements_enqueue([(statement_id, now)]))
    return statement


def events_requeue_due(*, now: datetime | None = None) -> int:
    """Queue every webhook delivery and statement whose next attempt is due, putting back those whose worker
    died mid-send: the safety net of `deliver_events`. Returns how many tasks were queued."""
    now = now or timezone.now()
    queued = webhooks_enqueue(rows_due(WebhookDelivery, now=now))
    return queued + statements_enqueue([(str(pk), at) for pk, at in rows_due(XapiStatement, now=now)])
