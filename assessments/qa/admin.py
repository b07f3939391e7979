"""Wagtail admin viewset of the transcript rules attached to scorecard criteria (trainers/QA and HR)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from assessments.models import CriterionRule


class CriterionRuleViewSet(ModelViewSet):
    model = CriterionRule
    icon = "search"
    menu_label = _("Transcript rules")
    form_fields = ["criterion", "kind", "phrase", "stage", "max_silence_s"]
    list_display = ["criterion", "kind", "phrase", "stage", "max_silence_s"]
    list_filter = ["kind", "stage"]
