"""Background tasks of notifications (django-tasks): run by `manage.py db_worker`, or at once under the
immediate backend. django-tasks does not retry; `deliver_notification` queues the next attempt itself."""

from django.db import transaction
from django_tasks import task

from notifications.delivery import delivery_attempt
from portal.retries import tasks_enqueue


@task()
def deliver_notification(delivery_id: int) -> str:
    outcome = delivery_attempt(delivery_id=delivery_id)
    if outcome.retry_at is not None:
        retry_at = outcome.retry_at
        transaction.on_commit(lambda: deliveries_enqueue([(delivery_id, retry_at)]))
    return outcome.status


def deliveries_enqueue(items) -> int:
    """Queue a task for each (delivery id, not before); see `portal.retries.tasks_enqueue`. A backend that cannot
    defer (the immediate one) leaves retries in the delivery log for `deliver_notifications`
    (see docs/deployment.md). Returns how many tasks were queued."""
    return tasks_enqueue(deliver_notification, items)
