"""Wagtail admin viewset of the transcript rules attached to scorecard criteria: trainers/QA and HR read them; HR
and the QA leads change them through the audited services, with a reason."""

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy

from assessments.models import CriterionRule
from assessments.qa.services import (
    RULE_FIELDS,
    criterion_rule_create,
    criterion_rule_delete,
    criterion_rule_update,
)
from assessments.scorecards.selectors import may_edit_scoring_standards
from portal.admin_views import ServiceModelViewSet, WritersPermissionPolicy

register_permission_policy(
    CriterionRule, WritersPermissionPolicy(CriterionRule, may_write=may_edit_scoring_standards)
)


class CriterionRuleViewSet(ServiceModelViewSet):
    model = CriterionRule
    icon = "search"
    menu_label = _("Transcript rules")
    form_fields = list(RULE_FIELDS)
    list_display = ["criterion", "kind", "phrase", "stage", "max_silence_s"]
    list_filter = ["kind", "stage"]
    reason_required = True

    def service_create(self, values, *, reason, acting_user):
        return criterion_rule_create(values=values, reason=reason, acting_user=acting_user)

    def service_update(self, instance, changes, *, reason, acting_user):
        return criterion_rule_update(rule=instance, changes=changes, reason=reason, acting_user=acting_user)

    def service_delete(self, instance, *, reason, acting_user):
        criterion_rule_delete(rule=instance, reason=reason, acting_user=acting_user)
