"""One attempt at a delivery, as the background task runs it: claim the row, send, record the outcome.

The row is claimed and its outcome recorded as every outgoing log does (`portal.retries`): a delivery queued twice
is sent once, and no transaction stays open while a platform answers.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone, translation

from notifications import channels, rules
from notifications.models import Delivery
from notifications.selectors import message_language, policy_get, preference_get
from portal import retries

log = logging.getLogger("notifications")


@dataclass(frozen=True)
class AttemptOutcome:
    status: str  # "skipped" (not due, or taken by another worker), "sent", "retry" or "failed"
    retry_at: datetime | None = None


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> AttemptOutcome:
    """Try delivery `delivery_id` once if it is queued and due. A failure is recorded with the platform's error
    and given its next attempt (`retry_at`, which the caller queues) until the last attempt, then marked failed."""
    now = now or timezone.now()
    if not retries.attempt_claim(Delivery, delivery_id, now=now):
        return AttemptOutcome("skipped")
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    person = delivery.notification.recipient
    try:
        # What a platform client adds to the message (a button's label) is in the person's language too.
        with translation.override(message_language(person, preference_get(person))):
            channels.send(delivery)
    except channels.DeliveryError as error:
        return _record_failure(delivery, error.code, error.message, final=error.final, now=now)
    except Exception as error:  # an unexpected failure must not leave the row "sending"
        log.exception("delivery %s failed", delivery_id)
        return _record_failure(delivery, type(error).__name__, str(error), final=False, now=now)
    retries.attempt_succeeded(Delivery, delivery_id)
    return AttemptOutcome("sent")


def _record_failure(delivery: Delivery, code, message: str, *, final: bool, now: datetime) -> AttemptOutcome:
    policy = policy_get()
    retry_at = None
    if not final:
        retry_at = rules.next_attempt_at(
            timezone.localtime(now),
            attempts_made=delivery.attempts,
            urgent=delivery.notification.urgent,
            start=policy.quiet_start,
            end=policy.quiet_end,
        )
    retries.attempt_failed(Delivery, delivery.pk, retry=retry_at, code=code, message=message)
    return AttemptOutcome("retry", retry_at) if retry_at else AttemptOutcome("failed")
