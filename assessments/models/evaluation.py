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
    """Where a dispute stands in the appeal chain: the team lead endorses or rejects it, a QA lead decides an
    endorsed one. A rejection and a QA lead's decision are final."""

    NONE = "", _("Not disputed")
    OPEN = "open", _("Disputed, waiting for the team lead")
    ENDORSED = "endorsed", _("Endorsed by the team lead, waiting for a QA lead")
    REJECTED = "rejected", _("Dispute rejected by the team lead: score stands")
    UPHELD = "upheld", _("Dispute decided: score upheld")
    REVISED = "revised", _("Dispute decided: score revised")


# A dispute in one of these is still open: it holds the month's approval and publication.
OPEN_DISPUTE_STATUSES = (DisputeStatus.OPEN, DisputeStatus.ENDORSED)


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
    # A revised scorecard keeps the criteria as first scored; one revised after publication keeps the revised
    # criteria beside the frozen ones until HR undoes the publication.
    original_criteria_scores = models.JSONField(_("criteria before the dispute"), default=list, blank=True)
    revised_criteria_pending = models.JSONField(
        _("criteria revised after publication"), default=list, blank=True
    )
    recording_ref = models.CharField(_("recording reference"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=50, blank=True)
    customer_type = models.CharField(_("customer type"), max_length=50, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # A critical criterion failed: the score is the policy's cap (weighted score kept beside) and HR reviews it.
    critical_failed = models.BooleanField(_("critical item failed"), default=False)
    score_before_cap = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    hr_review_needed = models.BooleanField(_("needs HR review"), default=False)
    hr_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hr_reviewed_at = models.DateTimeField(null=True, blank=True)
    hr_review_note = models.TextField(_("HR's review"), blank=True)
    # One dispute per evaluation, through the appeal chain (`DisputeStep` keeps its dated timeline): the team
    # lead endorses or rejects, a QA lead decides an endorsed one.
    dispute_status = models.CharField(
        _("dispute"), max_length=8, choices=DisputeStatus.choices, default="", blank=True
    )
    dispute_reason = models.TextField(_("reason for dispute"), blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    original_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    dispute_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispute_reviewed_at = models.DateTimeField(null=True, blank=True)
    dispute_review_note = models.TextField(_("team lead's reason"), blank=True)
    # A revision decided after the month was published: kept beside the frozen score, applied only when HR
    # undoes the publication (the month's published scores never change silently).
    revised_score_pending = models.DecimalField(
        _("revised score (after publication)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
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

    @property
    def dispute_is_open(self) -> bool:
        return self.dispute_status in OPEN_DISPUTE_STATUSES


class DisputeStepKind(models.TextChoices):
    DISPUTED = "disputed", _("Disputed by the evaluated person")
    ENDORSED = "endorsed", _("Endorsed by the team lead")
    REJECTED = "rejected", _("Rejected by the team lead")
    FORWARDED = "forwarded", _("Sent to a QA lead: the team has no other team lead")
    UPHELD = "upheld", _("Decided by a QA lead: score upheld")
    REVISED = "revised", _("Decided by a QA lead: score revised")
    HR_KEPT = "hr_kept", _("HR kept the published Service Stars")
    HR_UNDONE = "hr_undone", _("HR undid the publication to apply the revision")


class DisputeStep(models.Model):
    """One dated step of a dispute's appeal chain, as the evaluated person reads it in their timeline."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="dispute_steps")
    kind = models.CharField(_("step"), max_length=16, choices=DisputeStepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("dispute step")
        verbose_name_plural = _("dispute steps")

    def __str__(self):
        return f"{self.evaluation_id} {self.kind} {self.at:%Y-%m-%d}"


class QaLead(models.Model):
    """A trainer/QA person HR has made a QA lead: they decide disputes the team lead endorsed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_lead")
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("QA lead")
        verbose_name_plural = _("QA leads")
        permissions = [
            ("manage_qa_leads", _("Can appoint QA leads")),
            ("review_critical_failures", _("Can review evaluations with a failed critical item")),
        ]

    def __str__(self):
        return str(self.user)
