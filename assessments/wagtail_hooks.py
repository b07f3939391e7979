"""Wagtail admin wiring only: the assessments menu group and the score pages' menu entries."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from assessments.qa.admin import CriterionRuleViewSet
from assessments.quizzes.admin import QuestionBankViewSet, QuestionViewSet, QuizViewSet
from assessments.scorecards.admin import RubricViewSet
from assessments.scoring.admin import policy_menu_item, scores_menu_item


class AssessmentsViewSetGroup(ViewSetGroup):
    menu_label = _("Assessments")
    menu_icon = "tasks"
    menu_order = 300
    items = (
        QuestionBankViewSet("question_banks"),
        QuestionViewSet("questions"),
        QuizViewSet("quizzes"),
        RubricViewSet("rubrics"),
        CriterionRuleViewSet("transcript_rules"),
    )


@hooks.register("register_admin_viewset")
def register_assessments_viewsets():
    return AssessmentsViewSetGroup()


hooks.register("register_admin_menu_item", scores_menu_item)
hooks.register("register_admin_menu_item", policy_menu_item)
