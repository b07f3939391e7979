"""Integration API clients (each acting as its own service account) and the answers kept for retried writes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    STAFF_WRITE = "staff:write", _("Import the roster")
    TRAINING_WRITE = "training:write", _("Import training records")
    EVALUATIONS_WRITE = "evaluations:write", _("Import evaluations")
    KPIS_WRITE = "kpis:write", _("Import a month's KPIs")
    SCORES_READ = "scores:read", _("Read monthly scores")
    STARS_READ = "stars:read", _("Read published Service Stars")
    PAYOUTS_READ = "payouts:read", _("Read payroll rows")
    CERTIFICATES_READ = "certificates:read", _("Read certificates")


class ApiClient(models.Model):
    """A system that calls the API with a bearer token.

    Only the token's SHA-256 is kept (the token itself is shown once, at creation). The client acts as
    `account`, a service account that cannot sign in, so audit rows, import runs and ledger entries name it.
    """

    name = models.CharField(_("name"), max_length=28, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("token begins"), max_length=12, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client", editable=False
    )
    rate_per_minute = models.PositiveIntegerField(_("requests a minute"), default=600)
    expires_on = models.DateField(_("expires on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        permissions = [("manage_api_clients", _("Can create and revoke API clients"))]

    def __str__(self):
        return self.name


class IdempotentAnswer(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`, replayed for a retry within 24 hours."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotent_answer_once_per_key")
        ]
