"""Certificates: one per person and programme, verified publicly by a random token, revocable with a reason;
valid for a period by their certification type, renewed, suspended and restored by the daily review."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.verification import verification_token


def new_verification_token() -> str:
    # The field's default, named by the migrations.
    return verification_token()


class CertificateKind(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding certificate")
    LEADERSHIP = "leadership", _("Leadership course certificate")


class CertificateStatus(models.TextChoices):
    """What the daily review decides; a revocation (`revoked_at`) overrides every status."""

    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")


class EarnedBy(models.TextChoices):
    PROGRAMME_FINAL_EXAM = "programme_final_exam", _("A programme and its final exam")
    COURSE = "course", _("Every required lesson of a course")
    QUIZ = "quiz", _("A quiz")


class PerformanceRuleKind(models.TextChoices):
    NONE = "none", _("No performance rule")
    FRONT_LINE = "front_line", _("Front-line service: KPI targets, major complaints and quality")


class CertificationType(models.Model):
    """One version of a certification type (per certificate kind), in force from `effective_month` until a later
    version of the same kind. The default versions (from a migration) have no effective month."""

    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    effective_month = models.DateField(
        _("effective from month"),
        null=True,
        blank=True,
        help_text=_("First day of the first month this version applies to; empty for the default version."),
    )
    name = models.CharField(_("name"), max_length=100)
    earned_by = models.CharField(_("earned by"), max_length=24, choices=EarnedBy.choices)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    performance_rule = models.CharField(
        _("performance rule"),
        max_length=16,
        choices=PerformanceRuleKind.choices,
        default=PerformanceRuleKind.NONE,
    )
    suspend_after_missed_months = models.PositiveSmallIntegerField(
        _("suspend after this many consecutive published months missing a KPI target"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    restore_after_met_months = models.PositiveSmallIntegerField(
        _("restore after this many consecutive published months meeting every KPI target"),
        default=2,
        validators=[MinValueValidator(1)],
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        _("renewal opens this many days before expiry"), default=60, validators=[MinValueValidator(1)]
    )
    renewal_min_quality = models.DecimalField(
        _("minimum mean quality score over the last 3 published months to renew"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(80),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    recertification_quiz = models.ForeignKey(
        "assessments.Quiz",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recertification quiz"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", models.F("effective_month").asc(nulls_first=True)]
        verbose_name = _("certification type")
        verbose_name_plural = _("certification types")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "effective_month"], name="certification_type_once_per_month"
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(effective_month__isnull=True),
                name="certification_type_one_default",
            ),
            models.CheckConstraint(
                condition=Q(effective_month__isnull=True) | Q(effective_month__day=1),
                name="certification_type_month_first_day",
            ),
        ]

    def __str__(self):
        return self.name


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
    status = models.CharField(
        _("status"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    # The last published month whose data the latest status decision used; later months decide the next one.
    status_month = models.DateField(null=True, blank=True)
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("The first day the certificate is no longer valid."),
    )

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
        return self.revoked_at is None and self.status == CertificateStatus.VALID

    @property
    def valid_until(self):
        """The last day of the current period (the day before `expires_on`)."""
        return self.expires_on - timedelta(days=1) if self.expires_on else None

    @property
    def public_status(self) -> str:
        """valid, suspended, expired or revoked: what the verification page says."""
        return "revoked" if self.revoked_at is not None else self.status


class CertificatePeriod(models.Model):
    """One period of validity of a certificate: the first from its issue, then one per renewal."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="periods")
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("expires on"))
    renewal = models.BooleanField(_("renewal"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["certificate", "starts_on"]
        verbose_name = _("certificate period")
        verbose_name_plural = _("certificate periods")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "starts_on"], name="certificate_period_once"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="certificate_period_order"
            ),
        ]


class CertificateVerification(models.Model):
    """One look at a certificate's public verification page: the one write a public page makes."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="verifications")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    ip_network = models.CharField(_("network"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("certificate verification")
        verbose_name_plural = _("certificate verifications")


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
