"""Events out: webhook endpoints an administrator registers, the events the portal announced to them and the
delivery log (one row per endpoint and event, retried), and the xAPI statements queued for the organisation's
learning record store (LRS)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import rules


class EventName(models.TextChoices):
    MONTH_PUBLISHED = rules.MONTH_PUBLISHED, _("A month's Service Stars published")
    MONTH_UNPUBLISHED = rules.MONTH_UNPUBLISHED, _("A month's publication undone")
    SCORES_UPDATED = rules.SCORES_UPDATED, _("Monthly scores changed")
    CERTIFICATE_ISSUED = rules.CERTIFICATE_ISSUED, _("Certificate issued")
    CERTIFICATE_REVOKED = rules.CERTIFICATE_REVOKED, _("Certificate revoked")
    CERTIFICATE_SUSPENDED = rules.CERTIFICATE_SUSPENDED, _("Certificate suspended")
    CERTIFICATE_RESTORED = rules.CERTIFICATE_RESTORED, _("Certificate restored")
    CERTIFICATE_EXPIRED = rules.CERTIFICATE_EXPIRED, _("Certificate expired")


class SendStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class WebhookEndpoint(models.Model):
    """A URL of another system that hears the events it subscribed to, signed with its secret.

    The secret signs every delivery, so it is kept; it is shown once, when the endpoint is created."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        permissions = [("manage_webhooks", _("Can register webhook endpoints and resend their deliveries"))]

    def __str__(self):
        return self.name


class WebhookEvent(models.Model):
    """One event as the portal announced it: the body every endpoint receives (`id`, `event`, `created`,
    `data`) is built from this row, so a re-send carries the same id and data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.CharField(_("event"), max_length=40, choices=EventName.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    data = models.JSONField(_("data"), default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self):
        return f"{self.event} {self.id}"


class OutgoingAttempts(models.Model):
    """The fields of a delivery log that `portal.retries` reads and writes."""

    status = models.CharField(
        _("status"), max_length=8, choices=SendStatus.choices, default=SendStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_body = models.CharField(_("response"), max_length=1024, blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        abstract = True


class WebhookDelivery(OutgoingAttempts):
    """One event's delivery to one endpoint: attempts, the last answer (status code and first 1 KB of the body)
    and the next attempt."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once_per_endpoint")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx")]

    def __str__(self):
        return f"{self.endpoint_id} {self.event_id} {self.status}"


class XapiStatement(OutgoingAttempts):
    """One learning event as an xAPI statement for the LRS; `statement` is the JSON sent, its `id` this row's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(_("verb"), max_length=40)
    statement = models.JSONField(_("statement"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="xapi_statement_due_idx")]

    def __str__(self):
        return f"{self.verb} {self.id}"
