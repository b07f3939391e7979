"""Wagtail admin wiring only: question banks, questions, quizzes and rubrics; monthly scores in scoring_admin."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

import assessments.scoring_admin  # noqa: F401  (monthly performance scores: admin menu entries)
from assessments.models import Question, QuestionBank, Quiz, Rubric


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
    list_filter = ["bank", "qtype", "is_active"]
    search_fields = ["title", "text"]


class QuizViewSet(ModelViewSet):
    model = Quiz
    icon = "form"
    form_fields = [
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
        "is_final_exam",
        "is_active",
    ]
    list_display = ["title", "time_limit_minutes", "pass_percent", "is_final_exam", "is_active"]
    list_filter = ["is_active", "is_final_exam"]
    search_fields = ["title"]


class RubricViewSet(ModelViewSet):
    model = Rubric
    icon = "list-ul"
    form_fields = ["name", "kind", "description", "is_active"]
    list_display = ["name", "kind", "is_active"]


class AssessmentsViewSetGroup(ViewSetGroup):
    menu_label = "Assessments"
    menu_icon = "tasks"
    menu_order = 300
    items = (
        QuestionBankViewSet("question_banks"),
        QuestionViewSet("questions"),
        QuizViewSet("quizzes"),
        RubricViewSet("rubrics"),
    )


@hooks.register("register_admin_viewset")
def register_assessments_viewsets():
    return AssessmentsViewSetGroup()
