"""Admin wiring only: HR edits the award policy and reads publications and awards in the Wagtail admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from incentives.models import Award, AwardPolicy, ServiceStarPublication


class AwardPolicyViewSet(ModelViewSet):
    model = AwardPolicy
    icon = "cog"
    menu_label = _("Award policies")
    list_display = ["name", "effective_month", "star_bonus_yuan", "monthly_budget_yuan"]
    form_fields = [
        "name",
        "effective_month",
        "star_bonus_yuan",
        "star_gift_card",
        "innovation_bonus_yuan",
        "monthly_budget_yuan",
        "tier1_min_score",
        "tier1_yuan",
        "tier2_min_score",
        "tier2_yuan",
        "tier3_min_score",
        "tier3_yuan",
        "tier4_min_score",
        "tier4_yuan",
        "base_yuan",
    ]


class PublicationViewSet(ModelViewSet):
    model = ServiceStarPublication
    icon = "date"
    menu_label = _("Service Star publications")
    list_display = [
        "month",
        "published_at",
        "published_by",
        "approved_by",
        "undone_at",
        "undone_by",
        "undo_reason",
    ]
    inspect_view_enabled = True
    form_fields = []


class AwardViewSet(ModelViewSet):
    model = Award
    icon = "pick"
    menu_label = _("Awards")
    list_display = ["month", "kind", "staff", "amount_yuan", "granted_by", "revoked_at"]
    list_filter = ["kind", "month"]
    inspect_view_enabled = True
    form_fields = []


class IncentivesViewSetGroup(ViewSetGroup):
    menu_label = _("Incentives")
    menu_icon = "pick"
    menu_order = 300
    items = (AwardPolicyViewSet, PublicationViewSet, AwardViewSet)


@hooks.register("register_admin_viewset")
def register_incentives_viewsets():
    return IncentivesViewSetGroup()
