"""Wagtail admin viewsets of incentives: HR versions the award policy (through its services, with a reason) and
reads publications and awards."""

from django.contrib import messages
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from incentives.forms import AwardPolicyAdminForm
from incentives.models import Award, AwardPolicy, ServiceStarPublication
from incentives.selectors import award_policies_frozen
from incentives.services import (
    AWARD_POLICY_FIELDS,
    award_policy_create,
    award_policy_delete,
    award_policy_update,
)
from portal.admin_views import (
    ServiceCreateView,
    ServiceDeleteView,
    ServiceEditView,
    ServiceModelViewSet,
    read_only_in_admin,
)

# Written only by their services (with the audit trail): never edited in the admin.
read_only_in_admin(Award, ServiceStarPublication)


class AwardPolicyCreateView(ServiceCreateView):
    def save_instance(self):
        values = self.form_values()
        return award_policy_create(
            effective_month=values.pop("effective_month"),
            values=values,
            reason=self.change_reason(),
            acting_user=self.request.user,
        )


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

    def save_instance(self):
        return award_policy_update(
            policy=self.object,
            values=self.form_values(),
            reason=self.change_reason(),
            acting_user=self.request.user,
        )


class AwardPolicyDeleteView(ServiceDeleteView):
    reason_required = True

    def delete_action(self):
        award_policy_delete(policy=self.object, reason=self.change_reason, acting_user=self.request.user)


class AwardPolicyViewSet(ServiceModelViewSet):
    model = AwardPolicy
    icon = "cog"
    menu_label = _("Award policies")
    list_display = ["name", "effective_month", "star_bonus_yuan", "monthly_budget_yuan"]
    form_fields = ["effective_month", *AWARD_POLICY_FIELDS]
    reason_required = True
    base_form_class = AwardPolicyAdminForm
    add_view_class = AwardPolicyCreateView
    edit_view_class = AwardPolicyEditView
    delete_view_class = AwardPolicyDeleteView


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
