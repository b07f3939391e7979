"""Monthly KPIs, the HR-editable scoring policy (versioned by effective month), and stored monthly scores."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.scoring import rules

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _percent(label):
    return models.DecimalField(label, max_digits=5, decimal_places=2, validators=PERCENT)


class ScoringPolicyVersion(models.Model):
    """One version of the scoring and Service Star policy, in force from `effective_month` until a later one.

    The default version (from a migration) has no effective month: it applies to every month until HR adds
    a later version. Versions are never edited once a published month used them; HR adds a new one.
    """

    effective_month = models.DateField(
        _("effective from month"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("First day of the first month this version applies to; empty for the default version."),
    )
    name = models.CharField(_("name"), max_length=100)
    timeliness_floor = _percent(_("response timeliness: floor (0 points)"))
    timeliness_target = _percent(_("response timeliness: target (80 points)"))
    timeliness_excellence = _percent(_("response timeliness: excellence (100 points)"))
    resolution_floor = _percent(_("resolution rate: floor"))
    resolution_target = _percent(_("resolution rate: target"))
    resolution_excellence = _percent(_("resolution rate: excellence"))
    satisfaction_floor = _percent(_("satisfaction: floor"))
    satisfaction_target = _percent(_("satisfaction: target"))
    satisfaction_excellence = _percent(_("satisfaction: excellence"))
    complaint_floor = _percent(_("complaint rate: floor (lower is better)"))
    complaint_target = _percent(_("complaint rate: target"))
    complaint_excellence = _percent(_("complaint rate: excellence"))
    weight_kpi = _percent(_("weight of KPI component"))
    weight_quality = _percent(_("weight of quality component"))
    weight_learning = _percent(_("weight of learning component"))
    required_hours = models.DecimalField(
        _("required in-service hours per month"), max_digits=5, decimal_places=2
    )
    min_contacts = models.PositiveIntegerField(_("minimum contacts handled"))
    winners = models.PositiveSmallIntegerField(_("Service Star winners per month"))
    # QA: the score of an evaluation that fails a critical item, and the appeal chain's deadlines.
    critical_cap = models.DecimalField(
        _("score of an evaluation failing a critical item"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        default=Decimal(0),
    )
    dispute_days = models.PositiveSmallIntegerField(_("days to dispute an evaluation"), default=7)
    endorse_days = models.PositiveSmallIntegerField(
        _("days for the team lead to endorse or reject a dispute"), default=3
    )
    decide_days = models.PositiveSmallIntegerField(_("days for a QA lead to decide a dispute"), default=5)
    # The trainers' own work queue: an essay to grade or an exam marked for review is due this many days on.
    grading_days = models.PositiveSmallIntegerField(
        _("days for a trainer to grade an essay or decide an exam review"), default=3
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = [models.F("effective_month").asc(nulls_first=True)]
        verbose_name = _("scoring policy version")
        verbose_name_plural = _("scoring policy versions")
        permissions = [("manage_policy", _("Can change the scoring policy"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_month__isnull=True) | Q(effective_month__day=1),
                name="policy_month_first_day",
            ),
            models.CheckConstraint(
                condition=Q(weight_kpi__gte=0, weight_quality__gte=0, weight_learning__gte=0),
                name="policy_weights",
            ),
        ]

    def __str__(self):
        return self.name

    def as_rules(self) -> rules.ScoringPolicy:
        """The pure-rules view of this version."""

        def band(prefix):
            return rules.KpiBand(
                floor=getattr(self, f"{prefix}_floor"),
                target=getattr(self, f"{prefix}_target"),
                excellence=getattr(self, f"{prefix}_excellence"),
            )

        return rules.ScoringPolicy(
            timeliness=band("timeliness"),
            resolution=band("resolution"),
            satisfaction=band("satisfaction"),
            complaint=band("complaint"),
            weight_kpi=self.weight_kpi,
            weight_quality=self.weight_quality,
            weight_learning=self.weight_learning,
            required_hours=self.required_hours,
            min_contacts=self.min_contacts,
            winners=self.winners,
        )


class KpiRecord(models.Model):
    """One staff member's service KPIs for one month, imported from the call-centre systems (percent 0–100)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kpi_records")
    month = models.DateField(_("month"))
    contacts_handled = models.PositiveIntegerField(_("contacts handled"))
    response_timeliness_rate = _percent(_("response timeliness rate"))
    resolution_rate = _percent(_("resolution rate"))
    satisfaction_rate = _percent(_("customer satisfaction"))
    complaint_rate = _percent(_("complaint rate"))
    major_complaints = models.PositiveIntegerField(_("upheld major complaints"))

    class Meta:
        verbose_name = _("monthly KPIs")
        verbose_name_plural = _("monthly KPIs")
        permissions = [("import_kpis", _("Can import monthly KPIs"))]
        constraints = [
            models.UniqueConstraint(fields=["staff", "month"], name="kpi_once_per_staff_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="kpi_month_first_day"),
        ]
        indexes = [models.Index(fields=["month"], name="kpi_month_idx")]

    def as_rules(self) -> rules.KpiValues:
        return rules.KpiValues(
            contacts_handled=self.contacts_handled,
            timeliness=self.response_timeliness_rate,
            resolution=self.resolution_rate,
            satisfaction=self.satisfaction_rate,
            complaint=self.complaint_rate,
            major_complaints=self.major_complaints,
        )


class MonthlyScore(models.Model):
    """A staff member's stored score for a month, with the policy version used.

    Components are stored rounded half-up to 2 places for display; the composite was computed from the
    unrounded components (assessments.scoring.rules) and then rounded once. Recomputed when the month's data changes;
    frozen once the month is published (portal MonthLock).
    """

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="monthly_scores"
    )
    month = models.DateField(_("month"))
    policy = models.ForeignKey(ScoringPolicyVersion, on_delete=models.PROTECT, related_name="+")
    kpi = models.DecimalField(_("KPI"), max_digits=5, decimal_places=2, null=True, blank=True)
    quality = models.DecimalField(_("quality"), max_digits=5, decimal_places=2, null=True, blank=True)
    learning = models.DecimalField(_("learning"), max_digits=5, decimal_places=2, null=True, blank=True)
    composite = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    partial = models.BooleanField(_("partial"), default=False)
    in_service_hours = models.DecimalField(_("in-service hours"), max_digits=6, decimal_places=2, default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("monthly score")
        verbose_name_plural = _("monthly scores")
        constraints = [
            models.UniqueConstraint(fields=["staff", "month"], name="score_once_per_staff_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="score_month_first_day"),
        ]
        indexes = [models.Index(fields=["month", "composite"], name="score_month_composite_idx")]


class ScoreSummaryMonth(models.Model):
    """Where a month's stored summaries stand: every write that changes the month's figures adds one to
    `generation` (inside its transaction) and queues one refresh unless one is queued already; a refresh stores
    the figures of the generation it read and records it in `computed_generation`. The figures are being updated
    while `generation` is ahead of `computed_generation`."""

    month = models.DateField(_("month"), unique=True)
    generation = models.PositiveBigIntegerField(default=0)
    computed_generation = models.PositiveBigIntegerField(default=0)
    queued = models.BooleanField(default=False)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("score summary month")
        verbose_name_plural = _("score summary months")
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="summary_month_first_day")]

    @property
    def stale(self) -> bool:
        return self.generation > self.computed_generation


class ScoreSummary(models.Model):
    """The figures of a month's score pages for one scope (`scope`: "all", "d<department id>", "t<team id>" or
    "d<department id>t<team id>"), as `assessments.scoring.summaries.score_summaries_compute` gives them."""

    month = models.DateField(_("month"))
    scope = models.CharField(max_length=48)
    figures = models.JSONField()

    class Meta:
        verbose_name = _("score summary")
        verbose_name_plural = _("score summaries")
        constraints = [models.UniqueConstraint(fields=["month", "scope"], name="score_summary_once")]
