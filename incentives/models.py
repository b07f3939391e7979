"""Incentive records: the award policy, Service Star rounds and their publications, awards with their ledger,
Innovative Service Case nominations, improvement suggestions and their reviews."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incentives import rules
from portal.verification import verification_token

USER = settings.AUTH_USER_MODEL
SCORE_100 = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
REVIEW_SCORE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(5))]


def _month_check(name: str, field: str = "month") -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__day": 1}), name=name)


class AwardPolicy(models.Model):
    """Money and gifts of the incentives, versioned by effective month like the scoring policy.

    The default version (a data migration) has no effective month and applies until HR adds a later one. Awards
    copy their amount when granted, so a later version never changes a granted award.
    """

    effective_month = models.DateField(
        _("effective from month"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("First day of the first month this version applies to; empty for the default version."),
    )
    name = models.CharField(_("name"), max_length=100)
    star_bonus_yuan = models.PositiveIntegerField(_("Service Star bonus (yuan)"), default=1000)
    star_gift_card = models.CharField(_("Service Star gift card"), max_length=200, blank=True)
    innovation_bonus_yuan = models.PositiveIntegerField(
        _("Innovative Service Case bonus (yuan)"), default=2000
    )
    monthly_budget_yuan = models.PositiveIntegerField(_("monthly incentive budget (yuan)"), default=30000)
    tier1_min_score = models.DecimalField(
        _("suggestion tier 1: minimum value score"), max_digits=5, decimal_places=2, validators=SCORE_100
    )
    tier1_yuan = models.PositiveIntegerField(_("suggestion tier 1: award (yuan)"))
    tier2_min_score = models.DecimalField(
        _("suggestion tier 2: minimum value score"), max_digits=5, decimal_places=2, validators=SCORE_100
    )
    tier2_yuan = models.PositiveIntegerField(_("suggestion tier 2: award (yuan)"))
    tier3_min_score = models.DecimalField(
        _("suggestion tier 3: minimum value score"), max_digits=5, decimal_places=2, validators=SCORE_100
    )
    tier3_yuan = models.PositiveIntegerField(_("suggestion tier 3: award (yuan)"))
    tier4_min_score = models.DecimalField(
        _("suggestion tier 4: minimum value score"), max_digits=5, decimal_places=2, validators=SCORE_100
    )
    tier4_yuan = models.PositiveIntegerField(_("suggestion tier 4: award (yuan)"))
    base_yuan = models.PositiveIntegerField(_("suggestion award below tier 4 (yuan)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [F("effective_month").asc(nulls_first=True)]
        verbose_name = _("award policy")
        verbose_name_plural = _("award policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_month__isnull=True) | Q(effective_month__day=1),
                name="awardpolicy_month_first_day",
            ),
            # Tiers strictly descending within 0–100, amounts not increasing as the score falls.
            models.CheckConstraint(
                condition=Q(tier1_min_score__lte=100)
                & Q(tier1_min_score__gt=F("tier2_min_score"))
                & Q(tier2_min_score__gt=F("tier3_min_score"))
                & Q(tier3_min_score__gt=F("tier4_min_score"))
                & Q(tier4_min_score__gt=0),
                name="awardpolicy_tiers_descending",
            ),
            models.CheckConstraint(
                condition=Q(tier1_yuan__gte=F("tier2_yuan"))
                & Q(tier2_yuan__gte=F("tier3_yuan"))
                & Q(tier3_yuan__gte=F("tier4_yuan"))
                & Q(tier4_yuan__gte=F("base_yuan")),
                name="awardpolicy_amounts_descending",
            ),
        ]

    def __str__(self):
        return self.name

    def award_tiers(self) -> tuple[rules.AwardTier, ...]:
        return (
            rules.AwardTier(self.tier1_min_score, self.tier1_yuan),
            rules.AwardTier(self.tier2_min_score, self.tier2_yuan),
            rules.AwardTier(self.tier3_min_score, self.tier3_yuan),
            rules.AwardTier(self.tier4_min_score, self.tier4_yuan),
            rules.AwardTier(Decimal(0), self.base_yuan),
        )


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", pgettext_lazy("service stars", "Published")


class ServiceStarRound(models.Model):
    """HR's review of one month's Service Stars: draft → approved → published (and back to draft on undo).

    The proposal itself is computed by the system from the month's data; the round records the human acts.
    ``approved_staff_ids`` is the winner list the approver saw: publication refuses if the data changed since.
    """

    month = models.DateField(_("month"), unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_staff_ids = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-month"]
        verbose_name = _("Service Star round")
        verbose_name_plural = _("Service Star rounds")
        permissions = [
            ("manage_service_stars", _("Can review, exclude and approve Service Stars")),
            ("publish_service_stars", _("Can publish Service Stars and undo a publication")),
        ]
        constraints = [_month_check("starround_month_first_day")]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class ServiceStarExclusion(models.Model):
    """HR excluded a staff member from a month's Service Stars, with a written reason."""

    round = models.ForeignKey(ServiceStarRound, on_delete=models.CASCADE, related_name="exclusions")
    staff = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("Service Star exclusion")
        verbose_name_plural = _("Service Star exclusions")
        constraints = [
            models.UniqueConstraint(fields=["round", "staff"], name="starexclusion_once_per_round"),
            models.CheckConstraint(condition=~Q(reason=""), name="starexclusion_reason_required"),
        ]


class ServiceStarPublication(models.Model):
    """One publication of a month's Service Stars. At most one active (not undone) per month, in the database.

    An undone publication stays on record with who undid it, when and why.
    """

    round = models.ForeignKey(ServiceStarRound, on_delete=models.PROTECT, related_name="publications")
    month = models.DateField(_("month"))
    policy_version_id = models.PositiveIntegerField(_("scoring policy version"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    undo_reason = models.TextField(_("reason for undoing"), blank=True)

    class Meta:
        ordering = ["-month", "-published_at"]
        verbose_name = _("Service Star publication")
        verbose_name_plural = _("Service Star publications")
        constraints = [
            _month_check("starpublication_month_first_day"),
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(undone_at__isnull=True),
                name="starpublication_one_active_per_month",
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | ~Q(undo_reason=""),
                name="starpublication_undo_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class ServiceStarEntry(models.Model):
    """A frozen snapshot of one candidate at publication: score, rank, eligibility reasons, names as they were."""

    publication = models.ForeignKey(ServiceStarPublication, on_delete=models.CASCADE, related_name="entries")
    staff = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    employee_no = models.CharField(max_length=32)
    name = models.CharField(max_length=100)
    department = models.CharField(max_length=100, blank=True)
    team = models.CharField(max_length=100, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    kpi = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    quality = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    learning = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    partial = models.BooleanField(default=False)
    rank = models.PositiveIntegerField(null=True, blank=True)  # among the eligible, 1 = best
    winner = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    exclusion_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["rank", "employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "staff"], name="starentry_once_per_publication"),
            models.CheckConstraint(
                condition=Q(winner=False) | Q(rank__isnull=False), name="starentry_winner_rank"
            ),
        ]


class StarSummary(models.Model):
    """A month's Service Star review as last stored (`services.star_summary_refresh`): the live proposal with the
    round's exclusions, or the active publication's frozen rows; one `StarSummaryLine` per candidate. Built from
    the month's score summaries of `generation` (`assessments.ScoreSummaryMonth`): being updated while the
    month's generation is ahead of it."""

    month = models.DateField(_("month"), unique=True)
    generation = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField()
    publication = models.ForeignKey(
        ServiceStarPublication, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    has_data = models.BooleanField(default=True)
    reason_counts = models.JSONField(default=dict)  # {reason code: people}
    ineligible_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Service Star summary")
        verbose_name_plural = _("Service Star summaries")
        constraints = [models.CheckConstraint(condition=Q(month__day=1), name="starsummary_month_first_day")]


class StarSummaryLine(models.Model):
    """One candidate of a stored month's review, as `selectors.StarRow` (rank and winner among the eligible;
    reasons when ineligible)."""

    month = models.DateField(_("month"))
    staff = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    employee_no = models.CharField(max_length=32)
    name = models.CharField(max_length=100)
    department = models.CharField(max_length=100, blank=True)
    team = models.CharField(max_length=100, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    kpi = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    quality = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    learning = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    partial = models.BooleanField(default=False)
    rank = models.PositiveIntegerField(null=True, blank=True)
    winner = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    exclusion_reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "staff"], name="starline_once_per_month")]
        indexes = [
            models.Index(fields=["month", "rank"], name="starline_month_rank_idx"),
            models.Index(fields=["month", "employee_no"], name="starline_month_no_idx"),
        ]


class RevisionReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for HR's decision")
    KEPT = "kept", _("Kept: the publication stands")
    UNDONE = "undone", _("Publication undone")


class StarRevisionReview(models.Model):
    """A dispute decided after a month was published whose revised score would change the month's Service Star
    winners: HR decides whether to undo and republish, or keep the publication with a written reason."""

    publication = models.ForeignKey(
        ServiceStarPublication, on_delete=models.PROTECT, related_name="revision_reviews"
    )
    month = models.DateField(_("month"))
    evaluation = models.ForeignKey(
        "assessments.Evaluation", on_delete=models.PROTECT, related_name="star_revision_reviews"
    )
    published_score = models.DecimalField(max_digits=5, decimal_places=2)
    revised_score = models.DecimalField(max_digits=5, decimal_places=2)
    winners_published = models.JSONField(default=list)  # employee numbers, in rank order
    winners_revised = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RevisionReviewStatus.choices, default=RevisionReviewStatus.PENDING
    )
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("revision after publication")
        verbose_name_plural = _("revisions after publication")
        constraints = [
            _month_check("starrevision_month_first_day"),
            models.CheckConstraint(
                condition=Q(status="pending") | ~Q(reason=""), name="starrevision_decision_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.evaluation_id}"


class AwardKind(models.TextChoices):
    SERVICE_STAR = "service_star", _("Service Star")
    INNOVATION = "innovation", _("Innovative Service Case Award")
    SUGGESTION = "suggestion", _("Improvement suggestion award")


class Award(models.Model):
    """An award granted to a staff member for a month. Revoked (never deleted) when its publication is undone."""

    kind = models.CharField(_("award"), max_length=16, choices=AwardKind.choices)
    staff = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="awards", verbose_name=_("staff"))
    month = models.DateField(_("month"))
    amount_yuan = models.PositiveIntegerField(_("amount (yuan)"))
    gift_card = models.CharField(_("gift card"), max_length=200, blank=True)
    external_learning_priority = models.BooleanField(_("priority for external learning"), default=False)
    citation = models.TextField(_("citation"), blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    publication = models.ForeignKey(
        ServiceStarPublication, null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    nomination = models.ForeignKey(
        "CaseNomination", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    suggestion = models.ForeignKey(
        "Suggestion", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # The letter's public verification address carries this token (printed on the letter and as its QR code).
    verification_token = models.CharField(
        max_length=64, unique=True, default=verification_token, editable=False
    )

    class Meta:
        ordering = ["-month", "kind", "rank", "id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        permissions = [("manage_awards", _("Can size and approve awards and export payroll"))]
        constraints = [
            _month_check("award_month_first_day"),
            models.UniqueConstraint(
                fields=["publication", "staff"],
                condition=Q(publication__isnull=False),
                name="award_once_per_publication",
            ),
            models.UniqueConstraint(
                fields=["publication", "rank"],
                condition=Q(publication__isnull=False),
                name="award_unique_rank_per_publication",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="award_rank_positive"
            ),
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(suggestion__isnull=False, revoked_at__isnull=True),
                name="award_once_per_suggestion",
            ),
            models.UniqueConstraint(
                fields=["nomination"],
                condition=Q(nomination__isnull=False, revoked_at__isnull=True),
                name="award_once_per_nomination",
            ),
        ]
        indexes = [models.Index(fields=["month", "kind"], name="award_month_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.month:%Y-%m}"


class LedgerEntry(models.Model):
    """Money movements of the incentive budget: a grant (+) or a reversal (−) of an award, in yuan."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="ledger")
    month = models.DateField(_("month"))
    amount_yuan = models.IntegerField(_("amount (yuan)"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [_month_check("ledger_month_first_day")]


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


def _evidence_path(instance, filename):
    # The stored name is the server's own; the original name is kept only as text.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"incentives/evidence/{secrets.token_hex(16)}.{suffix}"


class CaseNomination(models.Model):
    """A team lead's nomination of a service case for the Innovative Service Case Award."""

    month = models.DateField(_("month"))
    nominee = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    title = models.CharField(_("case title"), max_length=200)
    situation = models.TextField(_("situation"))
    action = models.TextField(_("action"))
    result = models.TextField(_("result"))
    evidence = models.FileField(_("evidence"), upload_to=_evidence_path, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NominationStatus.choices, default=NominationStatus.NOMINATED
    )
    nominated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    nominated_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-month", "-nominated_at"]
        verbose_name = _("case nomination")
        verbose_name_plural = _("case nominations")
        permissions = [("nominate_cases", _("Can nominate service cases"))]
        constraints = [_month_check("nomination_month_first_day")]

    def __str__(self):
        return self.title


class SuggestionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ADOPTED = "adopted", _("Adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    IMPLEMENTED = "implemented", _("Implemented")


class Suggestion(models.Model):
    """An improvement suggestion (合理化建议). Only the submitted text comes from the submitter's form."""

    submitter = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="suggestions")
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    proposal = models.TextField(_("proposal"))
    expected_benefit = models.TextField(_("expected benefit"))
    status = models.CharField(
        _("status"), max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)
    value_score = models.DecimalField(_("value score"), max_digits=5, decimal_places=2, null=True, blank=True)
    proposed_award_yuan = models.PositiveIntegerField(_("proposed award (yuan)"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("improvement suggestion")
        verbose_name_plural = _("improvement suggestions")
        permissions = [
            ("review_suggestions", _("Can review improvement suggestions")),
            ("decide_suggestions", _("Can adopt suggestions and approve their awards")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_score__isnull=True) | Q(value_score__gte=0, value_score__lte=100),
                name="suggestion_value_score_range",
            )
        ]

    def __str__(self):
        return self.title


class SuggestionReview(models.Model):
    """One reviewer's scores (0–5 in halves) of a suggestion on the five criteria of ``rules.SUGGESTION_CRITERIA``."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    customer_impact = models.DecimalField(
        _("customer impact"), max_digits=2, decimal_places=1, validators=REVIEW_SCORE
    )
    efficiency = models.DecimalField(
        _("efficiency or cost benefit"), max_digits=2, decimal_places=1, validators=REVIEW_SCORE
    )
    breadth = models.DecimalField(
        _("breadth of application"), max_digits=2, decimal_places=1, validators=REVIEW_SCORE
    )
    feasibility = models.DecimalField(
        _("feasibility"), max_digits=2, decimal_places=1, validators=REVIEW_SCORE
    )
    originality = models.DecimalField(
        _("originality"), max_digits=2, decimal_places=1, validators=REVIEW_SCORE
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "reviewer"], name="review_once_per_reviewer"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0, f"{name}__lte": 5}), name=f"review_{name}_range"
                )
                for name, _weight in rules.SUGGESTION_CRITERIA
            ],
        ]

    def scores(self) -> list[Decimal]:
        return [getattr(self, name) for name, _weight in rules.SUGGESTION_CRITERIA]
