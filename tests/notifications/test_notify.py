"""`notify`: one message per person, in their language, into the notification centre and out by their channels."""

from datetime import timedelta

import pytest
from django.core import mail

from notifications.models import Delivery, DeliveryStatus, Notification, NotificationPolicy
from notifications.services import notify, preference_update
from tests.factories import StaffFactory
from tests.notifications.conftest import due_context, queued_deliveries, tomorrow_at, yesterday_at

pytestmark = pytest.mark.django_db


def test_a_message_lands_in_the_notification_centre_and_goes_out_by_email(django_capture_on_commit_callbacks):
    person = StaffFactory(email="wang@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(person, "module_due", due_context(), now=yesterday_at(10))
    assert Notification.objects.get() == notification
    assert notification.read_at is None and notification.url == "/courses/"
    assert notification.title == "您的月度专题即将到期", "the portal's default language"
    assert "2026年3月专题：沟通技巧" in notification.body and "2026-03-31" in notification.body
    (delivery,) = Delivery.objects.all()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", DeliveryStatus.SENT, 1)
    (message,) = mail.outbox
    assert message.to == ["wang@example.com"] and message.subject == notification.title
    assert notification.body in message.body and "/courses/" in message.body


def test_the_message_is_written_in_the_persons_chosen_language(django_capture_on_commit_callbacks):
    person = StaffFactory()
    preference_update(person=person, channels=None, language="en", acting_user=person)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(person, "module_due", due_context(days_left=1), now=yesterday_at(10))
    assert notification.title == "Your monthly module is due soon"
    assert "due 2026-03-31, 1 day left" in notification.body
    assert mail.outbox[0].subject == "Your monthly module is due soon"


def test_someone_who_chose_no_other_channel_gets_only_the_notification_centre(
    django_capture_on_commit_callbacks,
):
    person = StaffFactory()
    preference_update(person=person, channels=[], acting_user=person)
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, "module_due", due_context(), now=yesterday_at(10))
    assert Notification.objects.filter(recipient=person).count() == 1
    assert not Delivery.objects.exists() and not mail.outbox


def test_hr_default_channels_apply_and_a_person_without_address_gets_no_email(
    django_capture_on_commit_callbacks,
):
    NotificationPolicy.objects.update(default_channels=[])
    with_address, without = StaffFactory(), StaffFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify(with_address, "module_due", due_context(), now=yesterday_at(10))
    assert not Delivery.objects.exists()
    NotificationPolicy.objects.update(default_channels=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(without, "module_due", due_context(), now=yesterday_at(10))
        notify(with_address, "module_due", due_context(), now=yesterday_at(10))
    assert [d.notification.recipient for d in Delivery.objects.all()] == [with_address]


def test_a_kind_switched_off_by_hr_sends_nothing_and_a_leaver_gets_nothing():
    NotificationPolicy.objects.update(disabled_kinds=["module_due"])
    assert notify(StaffFactory(), "module_due", due_context()) is None
    NotificationPolicy.objects.update(disabled_kinds=[])
    assert notify(StaffFactory(is_active=False), "module_due", due_context()) is None
    assert not Notification.objects.exists()


def test_quiet_hours_hold_the_email_until_morning_but_the_centre_shows_it_at_once(
    dummy_tasks, django_capture_on_commit_callbacks
):
    person = StaffFactory()
    late = tomorrow_at(22, 30)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(person, "module_due", due_context(), now=late)
    delivery = Delivery.objects.get()
    morning = (late + timedelta(days=1)).replace(hour=8, minute=0)
    assert delivery.held and delivery.status == DeliveryStatus.QUEUED
    assert delivery.next_attempt_at == morning
    (queued,) = queued_deliveries(dummy_tasks)
    assert queued.task.run_after == morning and queued.args == [delivery.pk]
    assert Notification.objects.filter(pk=notification.pk, read_at__isnull=True).exists()
    # Run early (a second worker, a stray enqueue), the attempt leaves it for the morning.
    assert queued.task.call(delivery.pk) == "skipped"
    assert not mail.outbox


def test_an_urgent_message_goes_out_at_night(django_capture_on_commit_callbacks):
    person = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, "module_due", due_context(), urgent=True, now=yesterday_at(23, 30))
    assert Delivery.objects.get().status == DeliveryStatus.SENT and len(mail.outbox) == 1
