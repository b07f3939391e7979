"""Admin wiring only: HR edits the award policy and reads publications and awards in the Wagtail admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from incentives.admin import AwardPolicyViewSet, AwardViewSet, PublicationViewSet


class IncentivesViewSetGroup(ViewSetGroup):
    menu_label = _("Incentives")
    menu_icon = "pick"
    menu_order = 300
    items = (AwardPolicyViewSet, PublicationViewSet, AwardViewSet)


@hooks.register("register_admin_viewset")
def register_incentives_viewsets():
    return IncentivesViewSetGroup()
