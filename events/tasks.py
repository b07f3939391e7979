"""Background tasks of events out (django-tasks): run by `manage.py db_worker`. django-tasks does not retry; each
task queues its own next attempt (`portal.retries`)."""

from django.db import transaction
from django_tasks import task

from events.delivery import statement_attempt, webhook_attempt
from portal.retries import tasks_enqueue


@task()
def deliver_webhook(delivery_id: int) -> str:
    outcome = webhook_attempt(delivery_id=delivery_id)
    if outcome.retry_at is not None:
        retry_at = outcome.retry_at
        transaction.on_commit(lambda: webhooks_enqueue([(delivery_id, retry_at)]))
    return outcome.status


@task()
def send_xapi_statement(statement_id: str) -> str:
    outcome = statement_attempt(statement_id=statement_id)
    if outcome.retry_at is not None:
        retry_at = outcome.retry_at
        transaction.on_commit(lambda: statements_enqueue([(statement_id, retry_at)]))
    return outcome.status


def webhooks_enqueue(items) -> int:
    return tasks_enqueue(deliver_webhook, items)


def statements_enqueue(items) -> int:
    return tasks_enqueue(send_xapi_statement, items)
