"""Quizzes attached to a lesson or module, and learners' attempts with their drawn, snapshotted items."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models.bank import Question, QuestionBank, QuestionCategory


class ReviewPolicy(models.TextChoices):
    AFTER_SUBMISSION = "after_submission", _("Show correct answers after submission")
    AFTER_CLOSE = "after_close", _("Show correct answers after the quiz closes")
    NEVER = "never", _("Never show correct answers")


class Quiz(models.Model):
    class Selection(models.TextChoices):
        FIXED = "fixed", _("A fixed list of questions")
        RANDOM = "random", _("Questions drawn at random per attempt")

    title = models.CharField(_("title"), max_length=200)
    lesson = models.ForeignKey(
        "courses.LessonPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lesson"),
    )
    module = models.ForeignKey(
        "courses.ModulePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("module"),
    )
    selection = models.CharField(_("questions"), max_length=8, choices=Selection.choices, default="fixed")
    questions = models.ManyToManyField(
        Question, through="QuizQuestion", blank=True, related_name="quizzes", verbose_name=_("questions")
    )
    bank = models.ForeignKey(
        QuestionBank,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bank"),
    )
    category = models.ForeignKey(
        QuestionCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Random draws: only from this category (and its sub-categories)."),
    )
    draw_count = models.PositiveSmallIntegerField(_("questions per attempt"), default=0)
    pass_percent = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0: no limit.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=0, help_text=_("0: no limit.")
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    review_policy = models.CharField(
        _("review"), max_length=20, choices=ReviewPolicy.choices, default=ReviewPolicy.AFTER_SUBMISSION
    )
    shuffle_options = models.BooleanField(_("shuffle answer options"), default=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    is_final_exam = models.BooleanField(
        _("final exam of its programme"),
        default=False,
        help_text=_("Passing it is required for the certificate."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    leave_limit = models.PositiveSmallIntegerField(
        _("times the exam page may be left"),
        null=True,
        blank=True,
        help_text=_(
            "Blank: not counted. Leaving the page (another app, another tab) for 15 seconds or more counts once; "
            "a shorter absence (an incoming call) is logged but not counted. One more than allowed submits the "
            "attempt and marks it for review; the learner may appeal."
        ),
    )
    idle_submit_minutes = models.PositiveSmallIntegerField(
        _("submit after minutes without activity"),
        default=0,
        help_text=_("0: never. The learner is asked whether they are still there before."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_percent__gte=0, pass_percent__lte=100), name="quiz_pass_percent_range"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def course_page_id(self):
        return self.lesson_id or self.module_id

    @property
    def guarded(self) -> bool:
        """Whether attempts report the learner's activity (a leave limit or an idle submit is set)."""
        return self.leave_limit is not None or bool(self.idle_submit_minutes)


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once")]


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    NEEDS_GRADING = "needs_grading", _("Waiting for a trainer to grade")
    GRADED = "graded", _("Graded")


class Attempt(models.Model):
    """One try of a quiz by one person. The server owns the clock: `deadline` is fixed at start."""

    class ClosedBy(models.TextChoices):
        LEARNER = "learner", _("Submitted")
        DEADLINE = "deadline", _("Closed at the time limit")
        LEAVE_LIMIT = "leave_limit", _("Submitted: the exam page was left more often than allowed")
        IDLE = "idle", _("Submitted after a time without activity")

    class Review(models.TextChoices):
        NONE = "", _("Not marked")
        FLAGGED = "flagged", _("Marked for review")
        CLEARED = "cleared", _("Reviewed: appeal upheld")
        CONFIRMED = "confirmed", _("Reviewed: result stands")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    closed_by = models.CharField(max_length=16, choices=ClosedBy.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    regraded_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    leaves_counted = models.PositiveSmallIntegerField(_("times the page was left"), default=0)
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, default="", blank=True)
    counts_toward_limit = models.BooleanField(
        _("counts toward the attempts allowed"),
        default=True,
        help_text=_("An upheld appeal gives the attempt back."),
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "staff", "number"], name="attempt_number_once"),
            models.UniqueConstraint(
                fields=["quiz", "staff"], condition=Q(status="in_progress"), name="attempt_one_open"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="attempt_status_deadline_idx")]

    def __str__(self):
        return f"{self.quiz} #{self.number} ({self.staff_id})"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS


class AttemptItem(models.Model):
    """A question as drawn into an attempt: its content copied, its display order, the learner's answer.

    `version` grows with each saved answer; a write naming an older version is refused (stale tab).
    `fraction` is the automatic grade (0–1); essays get `manual_fraction` from a trainer.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    slot = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, null=True, on_delete=models.SET_NULL, related_name="+")
    snapshot = models.JSONField()
    order = models.JSONField(default=list, blank=True)
    response = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    fraction = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)
    grader_comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["slot"]
        constraints = [models.UniqueConstraint(fields=["attempt", "slot"], name="attempt_item_slot_once")]


class AttemptEvent(models.Model):
    """One entry of an attempt's integrity log, shown to the learner and to trainers. Times are the server's."""

    class Kind(models.TextChoices):
        LEFT = "left", _("Left the exam page")
        RETURNED = "returned", _("Came back to the exam page")
        IDLE = "idle", _("No activity: asked whether still there")
        LEAVE_LIMIT = "leave_limit", _("Left more often than allowed: submitted and marked for review")
        IDLE_SUBMIT = "idle_submit", _("Submitted after a time without activity")
        APPEAL = "appeal", _("Appeal filed")
        APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld")
        APPEAL_REJECTED = "appeal_rejected", _("Appeal rejected: the result stands")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    away_seconds = models.PositiveIntegerField(null=True, blank=True)
    counted = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("attempt event")
        verbose_name_plural = _("attempt events")
        indexes = [models.Index(fields=["attempt", "kind"], name="attempt_event_kind_idx")]


class AttemptAppeal(models.Model):
    """A learner's appeal against an attempt submitted by the integrity guard; a trainer decides."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for a trainer")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="appeal")
    reason = models.TextField(_("reason"))
    filed_at = models.DateTimeField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("attempt appeal")
        verbose_name_plural = _("attempt appeals")
