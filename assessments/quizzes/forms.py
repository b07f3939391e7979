"""The quiz form of the Wagtail admin: the quiz's settings plus its fixed question list."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from assessments.models import Question, Quiz
from assessments.quizzes import gift
from assessments.quizzes.services import question_to_gift, quiz_questions_set

QUIZ_FORM_FIELDS = [
    "title",
    "lesson",
    "module",
    "selection",
    "bank",
    "category",
    "draw_count",
    "pass_percent",
    "max_attempts",
    "time_limit_minutes",
    "opens_at",
    "closes_at",
    "review_policy",
    "shuffle_options",
    "shuffle_questions",
    "leave_limit",
    "idle_submit_minutes",
    "is_final_exam",
    "is_active",
]


class QuizAdminForm(WagtailAdminModelForm):
    fixed_questions = forms.ModelMultipleChoiceField(
        label=_("Questions (fixed list)"),
        queryset=Question.objects.filter(is_active=True)
        .exclude(qtype="description")
        .select_related("bank", "category"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 15}),
        help_text=_("For a fixed list: the questions every attempt gets. Random draws use the bank instead."),
    )

    class Meta:
        model = Quiz
        fields = QUIZ_FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The exam guard is off unless set: an empty idle limit means "never".
        if "idle_submit_minutes" in self.fields:
            self.fields["idle_submit_minutes"].required = False
        if self.instance.pk:
            self.fields["fixed_questions"].initial = list(
                self.instance.quiz_questions.values_list("question_id", flat=True)
            )

    def clean_idle_submit_minutes(self):
        return self.cleaned_data.get("idle_submit_minutes") or 0

    def clean(self):
        data = super().clean()
        if data.get("selection") == Quiz.Selection.RANDOM:
            if not data.get("bank"):
                self.add_error("bank", _("Random draws need a bank."))
            if data.get("category") and data.get("bank") and data["category"].bank_id != data["bank"].pk:
                self.add_error("category", _("The category must belong to the bank."))
            if not data.get("draw_count"):
                self.add_error("draw_count", _("Say how many questions each attempt draws."))
        elif not data.get("fixed_questions"):
            self.add_error("fixed_questions", _("Choose the questions of the quiz."))
        if data.get("lesson") and data.get("module"):
            self.add_error("module", _("Attach the quiz to a lesson or to a module, not both."))
        return data

    def save(self, commit=True):
        quiz = super().save(commit=commit)
        # Keep the order in which the questions were posted (a queryset comes back in model order).
        posted = [str(v) for v in self.data.getlist(self.add_prefix("fixed_questions"))]
        questions = sorted(
            self.cleaned_data.get("fixed_questions") or [],
            key=lambda q: posted.index(str(q.pk)) if str(q.pk) in posted else len(posted),
        )
        if commit:
            quiz_questions_set(quiz=quiz, questions=questions)
        else:
            original = self.save_m2m

            def save_m2m():
                original()
                quiz_questions_set(quiz=quiz, questions=questions)

            self.save_m2m = save_m2m
        return quiz


class QuestionAdminForm(WagtailAdminModelForm):
    """A question edited by hand is checked by writing it as GIFT and reading it back: the same rules as an import."""

    class Meta:
        model = Question
        fields = [
            "bank",
            "category",
            "qtype",
            "title",
            "text",
            "text_format",
            "data",
            "general_feedback",
            "mark",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = Question(**{k: v for k, v in data.items() if k not in ("category",)})
        candidate.category = None
        try:
            text = gift.export_gift([question_to_gift(candidate)])
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise forms.ValidationError(
                _("The answers are not valid for this question type: %(error)s") % {"error": exc}
            ) from exc
        errors = gift.parse_gift(text).errors
        if errors:
            raise forms.ValidationError(errors[0].message)
        if data.get("category") and data.get("bank") and data["category"].bank_id != data["bank"].pk:
            self.add_error("category", _("The category must belong to the bank."))
        return data
