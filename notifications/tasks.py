"""Background tasks of notifications (django-tasks): run by `manage.py db_worker`, or at once under the
immediate backend. django-tasks does not retry; `deliver_notification` queues the next attempt itself."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from notifications.delivery import delivery_attempt


@task()
def deliver_notification(delivery_id: int) -> str:
    outcome = delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_at is not None:
        retry_at = outcome.retry_at
        transaction.on_commit(lambda: deliveries_enqueue([(delivery_id, retry_at)]))
    return outcome.status


def deliveries_enqueue(items) -> int:
    """Queue a task for each (delivery id, not before). A backend that cannot defer (the immediate one) gets only
    the due ones; the rest wait in the delivery log for `deliver_notifications` (see docs/deployment.md).
    Returns how many tasks were queued."""
    backend = deliver_notification.get_backend()
    now = timezone.now()
    queued = 0
    for delivery_id, run_after in items:
        if run_after <= now:
            deliver_notification.enqueue(delivery_id)
        elif backend.supports_defer:
            deliver_notification.using(run_after=run_after).enqueue(delivery_id)
        else:
            continue
        queued += 1
    return queued
