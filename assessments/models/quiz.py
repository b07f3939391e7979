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

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    closed_by = models.CharField(max_length=10, choices=ClosedBy.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    regraded_at = models.DateTimeField(null=True, blank=True)

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
