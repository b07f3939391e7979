"""Delivery with retries: a failed attempt is queued again later and later, the last failure is recorded with
the error for HR, who can resend."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus
from notifications.rules import MAX_ATTEMPTS
from notifications.services import deliveries_requeue_due, delivery_resend, notify
from notifications.tasks import deliver_notification
from portal.models import AuditEvent
from tests.factories import StaffFactory
from tests.notifications.conftest import due_context, queued_deliveries

pytestmark = pytest.mark.django_db

DOWN = "tests.notifications.backends.DownEmailBackend"


def _run_due(delivery):
    """What the worker does when the next attempt's time has come."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    return deliver_notification.call(delivery.pk)


def test_a_failed_email_is_retried_later_each_time_then_marked_failed_with_its_error(
    settings, no_quiet_hours, dummy_tasks, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = DOWN
    person = StaffFactory(employee_no="E1001")
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, "module_due", due_context())
    delivery = Delivery.objects.get()
    assert [r.args for r in queued_deliveries(dummy_tasks)] == [[delivery.pk]]
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        queued_before = len(queued_deliveries(dummy_tasks))
        with django_capture_on_commit_callbacks(execute=True):
            outcome = _run_due(delivery)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert delivery.error_code == "SMTPServerDisconnected"
        assert delivery.error == "Connection unexpectedly closed"
        if attempt < MAX_ATTEMPTS:
            assert outcome == "retry" and delivery.status == DeliveryStatus.QUEUED
            (retry,) = queued_deliveries(dummy_tasks)[queued_before:]
            assert retry.task.run_after == delivery.next_attempt_at
            waits.append(retry.task.run_after - delivery.last_attempt_at)
        else:
            assert outcome == "failed" and delivery.status == DeliveryStatus.FAILED
            assert delivery.next_attempt_at is None and len(queued_deliveries(dummy_tasks)) == queued_before
    assert waits == sorted(waits) and len(set(waits)) == len(waits), "each wait longer than the last"
    assert waits[0] == timedelta(minutes=1) and waits[-1] == timedelta(hours=12)


def test_hr_sees_the_failed_delivery_with_its_error_and_resends_it(
    settings, hr_client, hr_user, no_quiet_hours, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = DOWN
    person = StaffFactory(name="王小明")
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, "module_due", due_context())
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, attempts=MAX_ATTEMPTS)

    page = hr_client.get(reverse("notifications:deliveries"), {"status": "failed"}).content.decode()
    assert "王小明" in page and "Connection unexpectedly closed" in page and "SMTPServerDisconnected" in page
    assert (
        "王小明"
        not in hr_client.get(reverse("notifications:deliveries"), {"status": "sent"}).content.decode()
    )

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(reverse("notifications:resend", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1 and delivery.error == ""
    assert len(mail.outbox) == 1
    audit = AuditEvent.objects.get(action="notifications.resend")
    assert audit.actor == hr_user and audit.data["error"] == "Connection unexpectedly closed"


def test_only_hr_may_resend_or_see_deliveries(client, no_quiet_hours):
    agent = StaffFactory()
    notify(agent, "module_due", due_context())
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    client.force_login(agent)
    assert client.get(reverse("notifications:deliveries")).status_code == 403
    assert client.post(reverse("notifications:resend", args=[delivery.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        delivery_resend(delivery=delivery, acting_user=agent)
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


def test_a_delivery_still_queued_is_not_resent(hr_user, no_quiet_hours):
    notify(StaffFactory(), "module_due", due_context())
    with pytest.raises(ValidationError):
        delivery_resend(delivery=Delivery.objects.get(), acting_user=hr_user)


def test_the_safety_net_queues_due_deliveries_and_those_whose_worker_died(dummy_tasks, no_quiet_hours):
    notify(StaffFactory(), "module_due", due_context())  # never committed in the test: no task queued
    notify(StaffFactory(), "module_due", due_context())
    first, second = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=second.pk).update(
        status=DeliveryStatus.SENDING, last_attempt_at=timezone.now() - timedelta(hours=1)
    )
    assert deliveries_requeue_due() == 2
    assert sorted(r.args[0] for r in queued_deliveries(dummy_tasks)) == [
        first.pk,
        second.pk,
    ]
    assert Delivery.objects.get(pk=second.pk).status == DeliveryStatus.QUEUED
