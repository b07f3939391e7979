"""Certificates: one per person and programme, verified publicly by a random token, revocable with a reason."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.verification import verification_token


def new_verification_token() -> str:
    # The field's default, named by the migrations.
    return verification_token()


class CertificateKind(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding certificate")
    LEADERSHIP = "leadership", _("Leadership course certificate")


class Certificate(models.Model):
    """A certificate of one programme page (each edition of a programme is its own page: its version)."""

    token = models.CharField(max_length=64, unique=True, default=new_verification_token, editable=False)
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    programme = models.ForeignKey(
        "courses.ProgrammePage", on_delete=models.PROTECT, related_name="+", verbose_name=_("programme")
    )
    programme_title = models.CharField(_("programme"), max_length=255)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    holder_name = models.CharField(_("name on the certificate"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        permissions = [("manage_certificates", _("Can revoke and regenerate certificates"))]
        constraints = [
            models.UniqueConstraint(fields=["holder", "programme"], name="certificate_once_per_programme")
        ]

    def __str__(self):
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class CertificateBatch(models.Model):
    """A background regeneration of many certificates into one combined PDF, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    certificate_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    pdf = models.FileField(upload_to="certificate-batches/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
