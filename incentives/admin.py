"""Wagtail admin viewsets of incentives: HR versions the award policy (through its services, with a reason) and
reads publications and awards."""

from django.contrib import messages
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from incentives.forms import AwardPolicyAdminForm
from incentives.models import Award, AwardPolicy, ServiceStarPublication
from incentives.selectors import award_policies_frozen
from incentives.services import (
    AWARD_POLICY_VERSION_FIELDS,
    award_policy_create,
    award_policy_delete,
    award_policy_update,
)
from portal.admin_views import ServiceEditView, ServiceModelViewSet, read_only_in_admin

# Written only by their services (with the audit trail): never edited in the admin.
read_only_in_admin(Award, ServiceStarPublication)


class AwardPolicyEditView(ServiceEditView):
    def get(self, request, *args, **kwargs):
        months = award_policies_frozen().get(self.get_object().pk)
        if months:
            messages.warning(
                request,
                _("A published month used this version (%(months)s): it can no longer change.")
                % {"months": ", ".join(f"{m:%Y-%m}" for m in months)},
            )
        return super().get(request, *args, **kwargs)


class AwardPolicyViewSet(ServiceModelViewSet):
    model = AwardPolicy
    icon = "cog"
    menu_label = _("Award policies")
    list_display = ["name", "effective_month", "star_bonus_yuan", "monthly_budget_yuan"]
    form_fields = AWARD_POLICY_VERSION_FIELDS
    reason_required = True
    step_up = True
    base_form_class = AwardPolicyAdminForm
    edit_view_class = AwardPolicyEditView

    def service_create(self, values, *, reason, acting_user):
        month = values.pop("effective_month")
        return award_policy_create(
            effective_month=month, values=values, reason=reason, acting_user=acting_user
        )

    def service_update(self, instance, changes, *, reason, acting_user):
        return award_policy_update(policy=instance, values=changes, reason=reason, acting_user=acting_user)

    def service_delete(self, instance, *, reason, acting_user):
        award_policy_delete(policy=instance, reason=reason, acting_user=acting_user)


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
