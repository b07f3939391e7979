from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from notifications.models import NotificationPolicy
from notifications.reminders import Reminder


@pytest.fixture
def no_quiet_hours(db):
    NotificationPolicy.objects.update(quiet_start=time(0, 0), quiet_end=time(0, 0))


@pytest.fixture
def dummy_tasks(settings):
    """Tasks are recorded, not run: a test runs them (`task.call`) and reads when each was to run."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return default_task_backend


def queued_deliveries(backend) -> list:
    """The delivery tasks a DummyBackend recorded (Wagtail records search-index updates there too)."""
    return [result for result in backend.results if result.task.name == "deliver_notification"]


def yesterday_at(hour: int, minute: int = 0):
    """A moment of yesterday on the Shanghai clock: in the past, so a delivery due then is due now."""
    local = timezone.localtime() - timedelta(days=1)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def tomorrow_at(hour: int, minute: int = 0):
    local = timezone.localtime() + timedelta(days=1)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def due_context(title="2026年3月专题：沟通技巧", days_left=3):
    item = Reminder(
        recipient_id=0,
        kind="module_due",
        key="test",
        title=title,
        url="/courses/",
        due_on=date(2026, 3, 31),
        data={"days_left": days_left},
    )
    return {"items": [item], "url": "/courses/"}
