"""Delivery with retries, shared by every outgoing channel (messages, webhooks, learning records).

django-tasks runs a task once and never retries, so each outgoing item is a row of its own log (status,
attempts, next attempt, last error) and a failed attempt queues the next one itself with `run_after`. This module
holds the parts every such log shares: the schedule (pure), queueing tasks at their time, claiming a row for one
attempt, recording a failure, and putting back rows whose worker died mid-send.

A log model has the fields `status` ("queued", "sending", "sent", "failed"), `attempts`, `next_attempt_at`,
`last_attempt_at`, `sent_at`, `error_code` and `error`.
"""

from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"

# Waits between a failed attempt and the next one; after the last retry fails the item is marked failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

# A row still "sending" after this long lost its worker (a crash or a restart mid-send).
STALE_SENDING = timedelta(minutes=15)


def retry_at(moment: datetime, *, attempts_made: int) -> datetime | None:
    """When to try again after attempt number `attempts_made` failed at `moment`; None after the last one."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    return moment + RETRY_DELAYS[max(attempts_made, 1) - 1]


def tasks_enqueue(task, items) -> int:
    """Queue `task(pk)` for each (pk, not before). A backend that cannot defer (the immediate one) gets only the
    due ones; the rest wait in their log for the app's requeue command. Returns how many tasks were queued."""
    backend = task.get_backend()
    now = timezone.now()
    queued = 0
    for pk, run_after in items:
        if run_after <= now:
            task.enqueue(pk)
        elif backend.supports_defer:
            task.using(run_after=run_after).enqueue(pk)
        else:
            continue
        queued += 1
    return queued


def attempt_claim(model, pk, *, now: datetime) -> bool:
    """Take row `pk` for one attempt if it is queued and due (queued → sending, one more attempt), by a
    conditional update: an item queued twice is sent once, and no transaction stays open while the far end
    answers."""
    return bool(
        model.objects.filter(pk=pk, status=QUEUED, next_attempt_at__lte=now).update(
            status=SENDING, attempts=F("attempts") + 1, last_attempt_at=now
        )
    )


def attempt_succeeded(model, pk, **fields) -> None:
    model.objects.filter(pk=pk).update(
        status=SENT, sent_at=timezone.now(), next_attempt_at=None, error_code="", error="", **fields
    )


def attempt_failed(model, pk, *, retry: datetime | None, code, message: str, **fields) -> None:
    """Record a failed attempt: queued again for `retry`, or failed for good when there is none."""
    model.objects.filter(pk=pk).update(
        status=QUEUED if retry else FAILED,
        next_attempt_at=retry,
        error_code=str(code)[:64],
        error=str(message)[:2000],
        **fields,
    )


def rows_due(model, *, now: datetime) -> list[tuple]:
    """Put back rows whose worker died while sending, then list every (pk, next attempt) that is due."""
    model.objects.filter(status=SENDING, last_attempt_at__lt=now - STALE_SENDING).update(
        status=QUEUED, next_attempt_at=now
    )
    return list(
        model.objects.filter(status=QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", "next_attempt_at")
    )
