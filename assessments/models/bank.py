"""Question banks: banks → categories (GIFT `$CATEGORY` paths) → questions of seven types.

A question's answer key lives in `data` (JSON), in the shape of `assessments.quizzes.gift`'s dataclasses:
- choice and short answer: {"options": [{"text", "fraction", "feedback"}]} (fraction: percent as a string)
- numerical: {"numeric": [{"value", "tolerance", "fraction", "feedback"}]}
- matching: {"pairs": [[left, right], ...]}; true/false: {"correct", "true_feedback", "false_feedback"}
- text formats of answers and feedback, only where they differ from the question text's: "text_format" and
  "feedback_format" on an option, "feedback_format" on a numeric answer, "true_feedback_format",
  "false_feedback_format" and "general_feedback_format" on the question; a numerical question's catch-all
  answer ("any other answer", worth 0%): "other": {"feedback", "feedback_format"}
- a description (text shown between questions) has no answers and is never drawn into an attempt.
Attempts copy a question's content when drawn, so editing a question never changes a finished attempt.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QuestionType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True / false")
    SHORT_ANSWER = "short_answer", _("Short answer")
    NUMERICAL = "numerical", _("Numerical")
    MATCHING = "matching", _("Matching")
    ESSAY = "essay", _("Essay")
    DESCRIPTION = "description", _("Description")


class QuestionBank(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        permissions = [("manage_questions", _("Can manage question banks and quizzes"))]

    def __str__(self):
        return self.name


class QuestionCategory(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="categories")
    path = models.CharField(_("category"), max_length=255)

    class Meta:
        ordering = ["bank__name", "path"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        constraints = [models.UniqueConstraint(fields=["bank", "path"], name="category_unique_path_in_bank")]

    def __str__(self):
        return f"{self.bank.name}: {self.path}"


class Question(models.Model):
    bank = models.ForeignKey(
        QuestionBank, on_delete=models.CASCADE, related_name="questions", verbose_name=_("bank")
    )
    category = models.ForeignKey(
        QuestionCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
        verbose_name=_("category"),
    )
    qtype = models.CharField(_("type"), max_length=16, choices=QuestionType.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    text = models.TextField(_("question text"))
    text_format = models.CharField(_("text format"), max_length=10, default="moodle")
    data = models.JSONField(_("answers"), default=dict, blank=True)
    general_feedback = models.TextField(_("general feedback"), blank=True)
    id_number = models.CharField(_("ID number"), max_length=100, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    mark = models.DecimalField(_("mark"), max_digits=5, decimal_places=2, default=Decimal(1))
    is_active = models.BooleanField(_("active"), default=True)
    source_line = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["bank", "category__path", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.CheckConstraint(condition=Q(mark__gt=0), name="question_mark_positive")]

    def __str__(self):
        return self.title or self.text[:60]
