"""Wagtail admin viewsets of question banks, questions and quizzes."""

from wagtail.admin.viewsets.model import ModelViewSet

from assessments.models import Question, QuestionBank, Quiz
from assessments.quizzes.forms import QUIZ_FORM_FIELDS, QuestionAdminForm, QuizAdminForm


class QuestionBankViewSet(ModelViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    form_fields = ["name", "description"]
    list_display = ["name", "created_at"]
    search_fields = ["name"]


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "help"
    form_fields = [
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
    list_display = ["__str__", "bank", "category", "qtype", "is_active"]

    def get_form_class(self, for_update=False):
        return QuestionAdminForm

    list_filter = ["bank", "qtype", "is_active"]
    search_fields = ["title", "text"]


class QuizViewSet(ModelViewSet):
    model = Quiz
    icon = "form"
    form_fields = QUIZ_FORM_FIELDS

    def get_form_class(self, for_update=False):
        return QuizAdminForm

    list_display = ["title", "time_limit_minutes", "pass_percent", "is_final_exam", "is_active"]
    list_filter = ["is_active", "is_final_exam"]
    search_fields = ["title"]
