"""Deliveries to DingTalk, Feishu and WeCom through their fakes on 127.0.0.1: delivered, retried after a 500,
marked failed with the platform's error after the last retry."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, NotificationPolicy
from notifications.rules import MAX_ATTEMPTS
from notifications.services import notify
from notifications.tasks import deliver_notification
from portal.models import PlatformIdentity
from tests.factories import StaffFactory
from tests.notifications.conftest import due_context, queued_deliveries

pytestmark = pytest.mark.django_db

DINGTALK_SEND = "/topapi/message/corpconversation/asyncsend_v2"


@pytest.fixture
def only(no_quiet_hours):
    def choose(channel):
        NotificationPolicy.objects.update(default_channels=[channel])

    return choose


@pytest.mark.parametrize("platform", ["dingtalk", "feishu", "wecom"])
def test_a_message_reaches_the_person_on_the_platform_found_by_job_number_or_mobile(
    platform, request, only, django_capture_on_commit_callbacks
):
    fake = request.getfixturevalue(f"{platform}_fake")
    only(platform)
    fake.add_member("u-wang", name="王小明", job_number="E1001", mobile="13800138000")
    # WeCom's contacts API finds people by mobile only; DingTalk and Feishu also by job number.
    person = StaffFactory(employee_no="E1001", name="王小明", mobile="13800138000")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(person, "module_due", due_context(title="客户心理学"))
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == (platform, DeliveryStatus.SENT, 1)
    (message,) = fake.messages
    assert message.user_id == "u-wang" and message.title == notification.title
    assert "客户心理学" in message.text
    assert message.url.endswith("/courses/") and message.url.startswith("http")
    assert PlatformIdentity.objects.get(user=person, platform=platform).platform_user_id == "u-wang"


def test_a_dingtalk_notice_is_retried_after_a_500_with_a_longer_wait_each_time(
    dingtalk_fake, only, dummy_tasks, django_capture_on_commit_callbacks
):
    only("dingtalk")
    dingtalk_fake.add_member("u1", job_number="E1001")
    dingtalk_fake.fail_next(times=2, status=500, path=DINGTALK_SEND)
    person = StaffFactory(employee_no="E1001")
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, "module_due", due_context())
    delivery = Delivery.objects.get()
    waits = []
    for expected in ("retry", "retry", "sent"):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        before = len(queued_deliveries(dummy_tasks))
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver_notification.call(delivery.pk) == expected
        delivery.refresh_from_db()
        if expected == "retry":
            assert delivery.status == DeliveryStatus.QUEUED and delivery.error_code == "500"
            (retry,) = queued_deliveries(dummy_tasks)[before:]
            waits.append(retry.task.run_after - delivery.last_attempt_at)
    assert waits == [timedelta(minutes=1), timedelta(minutes=5)]
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 3 and delivery.error == ""
    assert len(dingtalk_fake.messages) == 1, "the platform lost nothing and got it once"


def test_after_the_last_retry_the_delivery_is_failed_and_hr_sees_the_platforms_error(
    dingtalk_fake, only, hr_client, django_capture_on_commit_callbacks
):
    only("dingtalk")
    dingtalk_fake.add_member("u1", job_number="E1001")
    dingtalk_fake.fail_next(times=MAX_ATTEMPTS, errcode=88, path=DINGTALK_SEND)
    person = StaffFactory(employee_no="E1001", name="王小明")
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, "module_due", due_context())
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1, "the first attempt ran at once"
    for _attempt in range(2, MAX_ATTEMPTS):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        assert deliver_notification.call(delivery.pk) == "retry"
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert deliver_notification.call(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == MAX_ATTEMPTS
    assert delivery.error_code == "88" and delivery.error
    assert not dingtalk_fake.messages
    page = hr_client.get(reverse("notifications:deliveries"), {"status": "failed"}).content.decode()
    assert "王小明" in page and "<code>88</code>" in page and delivery.error in page


def test_someone_the_platform_does_not_know_fails_at_once_with_the_reason(
    wecom_fake, only, django_capture_on_commit_callbacks
):
    only("wecom")
    person = StaffFactory(employee_no="E404")
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, "module_due", due_context())
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error_code) == (
        DeliveryStatus.FAILED,
        1,
        "user_not_found",
    )
