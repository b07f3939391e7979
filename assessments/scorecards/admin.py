"""Wagtail admin viewset of scorecard rubrics: trainers/QA and HR read them; HR and the QA leads change them
(with their criteria) through the audited services, with a reason."""

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from assessments.models import Rubric
from assessments.scorecards.selectors import may_edit_scoring_standards
from assessments.scorecards.services import rubric_delete, rubric_save
from portal.admin_views import (
    REASON_FIELD,
    ServiceCreateView,
    ServiceEditView,
    ServiceModelViewSet,
    WritersPermissionPolicy,
    reason_field,
)

register_permission_policy(Rubric, WritersPermissionPolicy(Rubric, may_write=may_edit_scoring_standards))


class RubricAdminForm(WagtailAdminModelForm):
    change_reason = reason_field(required=True)


class RubricCreateView(ServiceCreateView):
    def save_instance(self):
        # The form leaves the rubric and its criteria unsaved in memory; the service saves them together.
        return rubric_save(
            rubric=self.form.save(commit=False), reason=self.change_reason(), acting_user=self.request.user
        )


class RubricEditView(ServiceEditView):
    def save_instance(self):
        return rubric_save(
            rubric=self.form.save(commit=False), reason=self.change_reason(), acting_user=self.request.user
        )


class RubricViewSet(ServiceModelViewSet):
    model = Rubric
    icon = "list-ul"
    list_display = ["name", "kind", "is_active"]
    reason_required = True
    add_view_class = RubricCreateView
    edit_view_class = RubricEditView
    edit_handler = ObjectList(
        [*Rubric.panels, FieldPanel(REASON_FIELD)],
        base_form_class=RubricAdminForm,
    )

    def get_form_class(self, for_update=False):
        # The panels' form (criteria inline), not the plain model form of the service viewsets.
        return ModelViewSet.get_form_class(self, for_update)

    def service_delete(self, instance, *, reason, acting_user):
        rubric_delete(rubric=instance, reason=reason, acting_user=acting_user)
