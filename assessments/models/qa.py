"""Quality assurance records: the call list, HR's QA policy, the monthly sample draws and transcript rules.

- `Call`: one customer contact from the call-centre's call list, keyed by the centre's `call_id`. Imported
  (`assessments.qa.services.call_import`), never fetched: `recording_url` is a link shown to people.
- `QaPolicy`: HR's QA values (one row, created by a migration, changed through `qa_policy_update`).
- `QaEvaluatorCapacity`: how many sampled calls one QA evaluator can take a month, when HR set it for them
  (otherwise the policy's `evaluator_capacity`); the draw shares calls out in proportion.
- `CallImportJob`: a call list uploaded on the page and imported in the background, with its progress.
- `QaSampleDraw` / `SampledCall`: each run of the monthly sample records its seed and time; each drawn call is
  assigned to one QA evaluator and, once scored, linked to its evaluation.
- `CriterionRule` / `RuleFinding`: rules attached to a scorecard criterion that pre-score a transcript, and per
  sampled call what each rule suggested beside what the evaluator decided.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TRANSCRIPT_MAX_BYTES = 200 * 1024
EVALUATOR_CAPACITY_MAX = 100_000


class CallChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


class Call(models.Model):
    """One call (or chat, e-mail…) handled by a staff member, as the call-centre's system lists it.

    `month` is the first day of the Asia/Shanghai month of `started_at`, stored so that a month's calls are one
    indexed range. `imported_at` is when the call first arrived: a top-up draw only looks at calls that arrived
    after the previous draw, which keeps every draw reproducible from its seed.
    """

    call_id = models.CharField(_("call id"), max_length=64, unique=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls", verbose_name=_("staff")
    )
    started_at = models.DateTimeField(_("started at"))
    month = models.DateField(_("month"))
    duration_s = models.PositiveIntegerField(_("duration (seconds)"))
    channel = models.CharField(_("channel"), max_length=8, choices=CallChannel.choices)
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    imported_at = models.DateTimeField(_("imported at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["started_at", "call_id"]
        indexes = [models.Index(fields=["month", "staff"], name="call_month_staff")]
        permissions = [
            ("import_calls", _("Can import the call list")),
            ("manage_qa", _("Can run the QA sample and set the QA policy")),
        ]

    def __str__(self):
        return self.call_id


class QaPolicy(models.Model):
    """HR's QA policy: how many calls of each agent are checked a month, and how short a call is too short.

    One row (created by a migration); `qa_policy_update` changes it with a reason and an audit row. Later QA
    values (tolerances, windows) belong here too.
    """

    spot_checks_per_agent = models.PositiveSmallIntegerField(
        _("spot checks per agent per month"), default=3, validators=[MaxValueValidator(100)]
    )
    min_call_seconds = models.PositiveIntegerField(
        _("minimum call length (seconds)"), default=30, validators=[MaxValueValidator(24 * 3600)]
    )
    # About 15 spot checks a working day over 20 days; HR sets it per evaluator where people differ.
    evaluator_capacity = models.PositiveIntegerField(
        _("calls an evaluator takes a month (unless set for them)"),
        default=300,
        validators=[MinValueValidator(1), MaxValueValidator(EVALUATOR_CAPACITY_MAX)],
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("QA policy")
        verbose_name_plural = _("QA policy")


class QaEvaluatorCapacity(models.Model):
    """How many sampled calls one QA evaluator can take a month, as HR set it (`qa_evaluator_capacity_set`).

    An evaluator without a row takes the policy's `evaluator_capacity`. The draw gives each evaluator calls in
    proportion to their capacity; it is a share, not a ceiling (calls are never left unassigned).
    """

    evaluator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="qa_capacity",
        verbose_name=_("evaluator"),
    )
    calls_per_month = models.PositiveIntegerField(
        _("calls a month"), validators=[MinValueValidator(1), MaxValueValidator(EVALUATOR_CAPACITY_MAX)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("QA evaluator capacity")
        verbose_name_plural = _("QA evaluator capacities")
        constraints = [
            models.CheckConstraint(condition=Q(calls_per_month__gte=1), name="qa_capacity_positive")
        ]

    def __str__(self):
        return f"{self.evaluator_id}: {self.calls_per_month}"


class QaSampleDraw(models.Model):
    """One run of the monthly sample that drew at least one call: its seed reproduces exactly what it drew from
    the calls of `month` imported up to `at` (and after the previous draw's `at`, for a top-up)."""

    month = models.DateField(_("month"), db_index=True)
    seed = models.CharField(_("seed"), max_length=32)
    at = models.DateTimeField(_("drawn at"))
    per_agent = models.PositiveSmallIntegerField(_("spot checks per agent"))
    min_call_seconds = models.PositiveIntegerField(_("minimum call length (seconds)"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Employee number → calls still wanted, for each agent the draw drew for: a replay then draws for the same
    # people even after one has left or changed role.
    wanted = models.JSONField(_("calls wanted per agent"), default=dict, blank=True)

    class Meta:
        verbose_name = _("QA sample draw")
        verbose_name_plural = _("QA sample draws")
        ordering = ["month", "at", "pk"]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.seed}"


class SampledCall(models.Model):
    """A call drawn for a spot check (never twice: one row per call), the QA evaluator assigned to it and, once
    scored, the evaluation (dated on the call's day, so it counts in the call's month)."""

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="sample", verbose_name=_("call"))
    draw = models.ForeignKey(QaSampleDraw, on_delete=models.PROTECT, related_name="calls")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="qa_assignments",
        verbose_name=_("evaluator"),
    )
    evaluation = models.OneToOneField(
        "assessments.Evaluation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sampled_call",
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sampled call")
        verbose_name_plural = _("sampled calls")

    def __str__(self):
        return str(self.call_id)


class RuleKind(models.TextChoices):
    REQUIRED = "required", _("Phrase that must occur")
    FORBIDDEN = "forbidden", _("Phrase that must not occur")
    MAX_SILENCE = "max_silence", _("Longest silence allowed")


class RuleStage(models.TextChoices):
    ANYWHERE = "", _("Anywhere in the call")
    OPENING = "opening", _("Opening")
    VERIFICATION = "verification", _("Verification")
    CLOSING = "closing", _("Closing")


class CriterionRule(models.Model):
    """A rule that pre-scores one scorecard criterion from a call's transcript (agent lines only).

    `required`: `phrase` must occur in the agent's lines of `stage`; `forbidden`: `phrase` must not occur
    anywhere the agent speaks (both fuzzy matched, see `assessments.qa.transcripts`); `max_silence`: no gap
    between consecutive timestamps longer than `max_silence_s`.
    """

    criterion = models.ForeignKey(
        "assessments.RubricCriterion",
        on_delete=models.CASCADE,
        related_name="qa_rules",
        verbose_name=_("criterion"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RuleKind.choices)
    phrase = models.CharField(_("phrase"), max_length=100, blank=True)
    stage = models.CharField(
        _("stage"),
        max_length=12,
        choices=RuleStage.choices,
        blank=True,
        default="",
        help_text=_(
            "Opening: the agent's first 3 lines; closing: the agent's last 3 lines; verification: any agent line "
            "before the closing ones."
        ),
    )
    max_silence_s = models.PositiveIntegerField(
        _("longest silence (seconds)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("transcript rule")
        verbose_name_plural = _("transcript rules")
        ordering = ["criterion", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="max_silence", max_silence_s__gte=1) | (~Q(kind="max_silence") & ~Q(phrase=""))
                ),
                name="criterion_rule_complete",
            )
        ]

    def __str__(self):
        if self.kind == RuleKind.MAX_SILENCE:
            return f"{self.get_kind_display()}: {self.max_silence_s}s"
        return f"{self.get_kind_display()}: {self.phrase}"


class RuleFinding(models.Model):
    """What one rule suggested for one sampled call, beside what the evaluator decided (`passed`).

    `suggested` is None when the rule could not tell (no timestamps for a silence rule). `lines` are the
    transcript's 1-based line numbers that the suggestion rests on.
    """

    sampled_call = models.ForeignKey(SampledCall, on_delete=models.CASCADE, related_name="findings")
    rule = models.ForeignKey(CriterionRule, null=True, on_delete=models.SET_NULL, related_name="findings")
    rule_text = models.CharField(_("rule"), max_length=200)
    suggested = models.BooleanField(_("suggested"), null=True)
    passed = models.BooleanField(_("decided"))
    lines = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("evaluator")
    )
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rule finding")
        verbose_name_plural = _("rule findings")
        constraints = [models.UniqueConstraint(fields=["sampled_call", "rule"], name="rule_finding_once")]


class CallImportJob(models.Model):
    """A call list uploaded on the page and checked or imported in the background (django-tasks), with its
    progress for the status page, like a certificate batch.

    The file is kept in storage (it may be far larger than memory-held uploads) until the import has run; a
    check (`dry_run`) keeps it so that the person can then import the same file. `rows` moves while the file
    is read; `counts` and `errors` hold the outcome (`errors` as `[{"line", "message", "column"}]`).
    """

    ERRORS_KEPT = 1000

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        CHECKED = "checked", _("Checked, nothing written")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    file = models.FileField(upload_to="call-imports/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    mapping = models.CharField(_("column mapping"), max_length=100, blank=True)
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    # Every row checked and found good; the import now writes them (its second reading, under the lock).
    writing = models.BooleanField(_("writing"), default=False)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)  # the first ERRORS_KEPT
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    preview = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("call list import")
        verbose_name_plural = _("call list imports")

    def __str__(self):
        return self.file_name

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def count_items(self) -> list[tuple[str, str, int]]:
        """(key, label, count) of the outcome, labelled as every import labels them."""
        from portal.importing import COUNT_LABELS

        return [(key, str(COUNT_LABELS.get(key, key)), value) for key, value in self.counts.items()]
