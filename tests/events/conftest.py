from unittest import mock

import pytest
from django.test import TestCase

from tests.conftest import give_totp
from tests.events.servers import LearningRecordStore, WebhookReceiver
from tests.factories import StaffFactory


@pytest.fixture
def database_tasks(settings):
    """Tasks go to django-tasks' database backend, as in production; `run_worker` runs the due ones."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """What `manage.py db_worker --batch` does: run every task that is due now, then stop.

    Inside the test's transaction: the worker's checks of its connection between tasks are skipped (a connection
    in a transaction would be closed), as Django's test client skips them between requests, and what the tasks
    queue on commit (the next attempt) is queued when each task ends."""
    from django_tasks_db.management.commands import db_worker

    with (
        mock.patch.object(db_worker, "close_old_connections", lambda: None),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        db_worker.Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()


def committed():
    """What the block queues on commit is queued when it ends (the test's transaction never commits)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def webhook_receiver(settings):
    settings.WEBHOOKS_ALLOW_LOCAL_HTTP = True  # the receiver is on this machine, over plain http
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def lrs(settings):
    with LearningRecordStore(key="portal-key", secret="portal-secret") as store:
        settings.XAPI_LRS_URL = store.endpoint
        settings.XAPI_LRS_KEY = "portal-key"
        settings.XAPI_LRS_SECRET = "portal-secret"
        yield store


@pytest.fixture
def admin_user(db):
    return give_totp(StaffFactory(role="admin", employee_no="ADM01", name="管理员"))
