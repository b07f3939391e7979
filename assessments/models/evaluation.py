from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EvaluationKind(models.TextChoices):
    SPOT_CHECK = "spot_check", _("Call-recording spot check")
    ROLE_PLAY = "role_play", _("Role-play")


class DisputeStatus(models.TextChoices):
    NONE = "", _("Not disputed")
    OPEN = "open", _("Disputed, waiting for a second evaluator")
    UPHELD = "upheld", _("Dispute reviewed: score upheld")
    REVISED = "revised", _("Dispute reviewed: score revised")


class Evaluation(models.Model):
    """A QA evaluation of one person (0–100): a scored scorecard in the portal, or a row imported from a QA system.

    Imported rows are identified by (staff, date, kind, evaluator). `evaluator` is free text as given;
    `evaluator_user` links it to a person when it equals an employee number or when scored in the portal.
    The quality component of a month's score is the mean of the scores dated in that month.
    """

    class Source(models.TextChoices):
        IMPORT = "import", _("Imported")
        SCORECARD = "scorecard", _("Scorecard")

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluations")
    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EvaluationKind.choices)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    evaluator = models.CharField(_("evaluator"), max_length=100)
    evaluator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.IMPORT)
    # Scorecards (portal-scored evaluations): the rubric, each criterion's level, and the call's context.
    rubric = models.ForeignKey(
        "assessments.Rubric", null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations"
    )
    criteria_scores = models.JSONField(_("criteria"), default=list, blank=True)
    recording_ref = models.CharField(_("recording reference"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=50, blank=True)
    customer_type = models.CharField(_("customer type"), max_length=50, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # One dispute per evaluation, decided by a second evaluator; the decision is final.
    dispute_status = models.CharField(
        _("dispute"), max_length=8, choices=DisputeStatus.choices, default="", blank=True
    )
    dispute_reason = models.TextField(_("reason for dispute"), blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    original_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(_("decision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("QA evaluation")
        verbose_name_plural = _("QA evaluations")
        permissions = [
            ("evaluate_staff", _("Can score role-plays and spot checks")),
            ("import_evaluations", _("Can import QA evaluations")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["staff", "date", "kind", "evaluator"], name="evaluation_key"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="evaluation_score_range"),
        ]

    def __str__(self):
        return f"{self.staff_id} {self.date} {self.kind} {self.score}"
