"""Notifications: the portal's own notification centre, the delivery log of the other channels, the settings HR
keeps and each person's choice of channels, and the record of reminders already sent."""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import rules


class Channel(models.TextChoices):
    PORTAL = rules.PORTAL, _("Portal notification centre")
    EMAIL = rules.EMAIL, _("E-mail")
    DINGTALK = "dingtalk", _("DingTalk work notice")
    FEISHU = "feishu", _("Feishu message")
    WECOM = "wecom", _("WeCom application message")


def default_channels() -> list[str]:
    return list(rules.CHOOSABLE_CHANNELS)


class NotificationPolicy(models.Model):
    """The one row of settings HR keeps (created by a migration): quiet hours, default channels, kinds switched
    off. Quiet hours are on the Asia/Shanghai clock; equal start and end mean none."""

    quiet_start = models.TimeField(_("quiet hours start"), default=time(21, 0))
    quiet_end = models.TimeField(_("quiet hours end"), default=time(8, 0))
    default_channels = models.JSONField(
        _("default channels"),
        default=default_channels,
        blank=True,
        help_text=_("For everyone who has not chosen their own. The notification centre always gets them."),
    )
    disabled_kinds = models.JSONField(_("kinds switched off"), default=list, blank=True)
    onboarding_days = models.PositiveSmallIntegerField(
        _("days to complete onboarding"),
        default=14,
        help_text=_("The pace reminders expect when an onboarding programme sets no days to complete."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        permissions = [
            (
                "manage_notifications",
                _("Can see message deliveries, resend them and change notification settings"),
            )
        ]

    def __str__(self):
        return str(_("notification settings"))


class NotificationPreference(models.Model):
    """A person's own choice of channels (None: HR's default) and language of their messages (blank: the
    portal's default language)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    channels = models.JSONField(_("channels"), null=True, blank=True)
    language = models.CharField(_("language of messages"), max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.person_id)


class Notification(models.Model):
    """One message to one person as rendered for them; it is also their entry in the portal's notification
    centre, whatever other channels it takes."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The bell counts these on every page.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
        ]

    def __str__(self):
        return self.title


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """A notification's delivery by one channel other than the portal: the background task's record of attempts.

    django-tasks does not retry, so this row does: a failed attempt sets `next_attempt_at` and queues the next
    one, until the last attempt fails and the row is marked failed with the platform's error.
    """

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    held = models.BooleanField(_("held for quiet hours"), default=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel"),
            models.CheckConstraint(condition=~Q(channel=rules.PORTAL), name="delivery_not_portal"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_status_next_idx")]

    def __str__(self):
        return f"{self.notification_id} {self.channel} {self.status}"


class ReminderSent(models.Model):
    """A reminder already sent to a person for a trigger (`key`, e.g. an enrolment's 3-day step): the daily run
    sends each one once, however often it runs."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("trigger"), max_length=120)
    sent_on = models.DateField(_("sent on"))
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="reminder_once_per_trigger")
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"
