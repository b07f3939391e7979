"""Calibration of QA evaluators and grade-the-grader reviews.

- `CalibrationPolicy`: the tolerance (points per criterion) and how many evaluations of each evaluator a QA lead
  reviews a month (one row, created by a migration, changed through `calibration_policy_update`).
- `CalibrationSession`: a QA lead asks several evaluators to score the same call, blind; the criteria are copied
  from the rubric when the session opens (`CalibrationCriterion`), so editing the rubric later changes no
  session. The lead then sets each criterion's reference score; each evaluator then sees their deviation.
- `CalibrationParticipant` / `CalibrationScore`: an invited evaluator and, once they scored, their score per
  criterion.
- `GraderReviewDraw` / `GraderReview` / `GraderReviewItem`: a seeded random sample of each evaluator's
  scorecard evaluations of a month, which a QA lead reviews criterion by criterion (agree or disagree, with a
  note).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class CalibrationPolicy(models.Model):
    """The calibration policy: one row. `tolerance_points`: a criterion scored within this many points of the
    reference counts as within tolerance, and an evaluator whose mean absolute deviation exceeds it is flagged.
    """

    tolerance_points = models.DecimalField(
        _("tolerance (points per criterion)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(5),
        validators=PERCENT_VALIDATORS,
    )
    reviews_per_evaluator = models.PositiveSmallIntegerField(
        _("evaluations reviewed per evaluator a month"), default=3, validators=[MaxValueValidator(100)]
    )
    review_days = models.PositiveSmallIntegerField(
        _("days to review a sampled evaluation"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("calibration policy")
        verbose_name_plural = _("calibration policy")


class CalibrationSession(models.Model):
    """A calibration session on one call. Open until the lead sets the reference (`reference_set_at`), after
    which nobody scores and each participant sees their deviation. `month` is the Asia/Shanghai month the
    session was opened in: the accuracy report counts it there."""

    call = models.ForeignKey(
        "assessments.Call", on_delete=models.PROTECT, related_name="calibrations", verbose_name=_("call")
    )
    rubric = models.ForeignKey(
        "assessments.Rubric", on_delete=models.PROTECT, related_name="calibrations", verbose_name=_("rubric")
    )
    month = models.DateField(_("month"), db_index=True)
    score_by = models.DateField(_("score by"))
    note = models.TextField(_("note to evaluators"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("QA lead")
    )
    opened_at = models.DateTimeField(_("opened at"))
    reference_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference_set_at = models.DateTimeField(_("reference set at"), null=True, blank=True)
    # The policy's tolerance when the reference was set: deviations are judged by the rule of their day, so a
    # later change of the policy leaves past sessions and months as they were reported.
    tolerance_points = models.DecimalField(
        _("tolerance (points per criterion)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"{self.call} {self.opened_at:%Y-%m-%d}"

    @property
    def reference_is_set(self) -> bool:
        return self.reference_set_at is not None


class CalibrationCriterion(models.Model):
    """One criterion of the session's rubric as it was when the session opened, and its reference score."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    levels = models.JSONField(_("levels"), default=list)
    order = models.PositiveSmallIntegerField(default=0)
    reference_percent = models.DecimalField(
        _("reference score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    reference_note = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("calibration criterion")
        verbose_name_plural = _("calibration criteria")
        constraints = [
            models.CheckConstraint(
                condition=Q(reference_percent__isnull=True)
                | Q(reference_percent__gte=0, reference_percent__lte=100),
                name="calibration_reference_range",
            )
        ]

    def __str__(self):
        return self.name


class CalibrationParticipant(models.Model):
    """An evaluator invited to a session; `scored_at` is set when they submit their scores (once)."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="participants")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="calibrations",
        verbose_name=_("evaluator"),
    )
    invited_at = models.DateTimeField()
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calibration participant")
        verbose_name_plural = _("calibration participants")
        constraints = [
            models.UniqueConstraint(fields=["session", "evaluator"], name="calibration_invited_once")
        ]

    def __str__(self):
        return f"{self.session_id} {self.evaluator_id}"


class CalibrationScore(models.Model):
    """A participant's score of one criterion: the percent of the level they chose."""

    participant = models.ForeignKey(CalibrationParticipant, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(CalibrationCriterion, on_delete=models.CASCADE, related_name="scores")
    percent = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS)

    class Meta:
        verbose_name = _("calibration score")
        verbose_name_plural = _("calibration scores")
        constraints = [
            models.UniqueConstraint(fields=["participant", "criterion"], name="calibration_score_once"),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="calibration_score_range"
            ),
        ]


class GraderReviewDraw(models.Model):
    """One run of the grade-the-grader sample for a month: its seed reproduces what it drew from the scorecard
    evaluations of `month` recorded up to `at` and not drawn before."""

    month = models.DateField(_("month"), db_index=True)
    seed = models.CharField(_("seed"), max_length=32)
    at = models.DateTimeField(_("drawn at"))
    per_evaluator = models.PositiveSmallIntegerField(_("evaluations per evaluator"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("grader review sample")
        verbose_name_plural = _("grader review samples")
        ordering = ["month", "at", "pk"]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.seed}"


class GraderReview(models.Model):
    """A QA lead's review of one sampled evaluation (never sampled twice); done once `reviewed_at` is set."""

    draw = models.ForeignKey(GraderReviewDraw, on_delete=models.PROTECT, related_name="reviews")
    evaluation = models.OneToOneField(
        "assessments.Evaluation", on_delete=models.CASCADE, related_name="grader_review"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("evaluator")
    )
    due_on = models.DateField(_("due on"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("grader review")
        verbose_name_plural = _("grader reviews")
        ordering = ["due_on", "pk"]


class GraderReviewItem(models.Model):
    """Agree or disagree with the evaluator's score of one criterion, with a note (required to disagree)."""

    review = models.ForeignKey(GraderReview, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()  # the criterion's place in the evaluation's criteria
    criterion = models.CharField(_("criterion"), max_length=100)
    agree = models.BooleanField(_("agree"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="grader_review_item_once"),
            models.CheckConstraint(condition=Q(agree=True) | ~Q(note=""), name="grader_disagree_has_note"),
        ]
