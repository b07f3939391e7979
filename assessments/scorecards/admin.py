"""Wagtail admin viewset of scorecard rubrics."""

from wagtail.admin.viewsets.model import ModelViewSet

from assessments.models import Rubric


class RubricViewSet(ModelViewSet):
    model = Rubric
    icon = "list-ul"
    list_display = ["name", "kind", "is_active"]
