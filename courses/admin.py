"""Wagtail admin viewsets of learning records: HR corrects training records and enrolments through the
services (audited; a published month's records are refused), and reads completions and SOP revisions."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from courses.models import Enrolment, LessonCompletion, SopRevision, TrainingRecord
from courses.services import (
    enrolment_create,
    enrolment_delete,
    enrolment_update,
    training_record_create,
    training_record_delete,
    training_record_update,
)
from portal.admin_views import (
    ServiceCreateView,
    ServiceDeleteView,
    ServiceEditView,
    ServiceModelViewSet,
    read_only_in_admin,
)

# Written only by their services (with the audit trail): never edited in the admin.
read_only_in_admin(LessonCompletion, SopRevision)


class TrainingRecordCreateView(ServiceCreateView):
    def save_instance(self):
        return training_record_create(
            **self.form_values(), reason=self.change_reason(), acting_user=self.request.user
        )


class TrainingRecordEditView(ServiceEditView):
    def save_instance(self):
        return training_record_update(
            record=self.object,
            changes=self.form_values(),
            reason=self.change_reason(),
            acting_user=self.request.user,
        )


class TrainingRecordDeleteView(ServiceDeleteView):
    def delete_action(self):
        training_record_delete(record=self.object, reason=self.change_reason, acting_user=self.request.user)


class TrainingRecordViewSet(ServiceModelViewSet):
    model = TrainingRecord
    icon = "list-ul"
    menu_label = _("Training records")
    list_display = ["staff", "date", "category", "title", "hours", "score"]
    list_filter = ["category", "date"]
    search_fields = ["title", "staff__employee_no", "staff__name"]
    list_per_page = 50
    form_fields = ["staff", "date", "category", "title", "hours", "score"]
    add_view_class = TrainingRecordCreateView
    edit_view_class = TrainingRecordEditView
    delete_view_class = TrainingRecordDeleteView


class EnrolmentCreateView(ServiceCreateView):
    def save_instance(self):
        return enrolment_create(**self.form_values(), acting_user=self.request.user)


class EnrolmentEditView(ServiceEditView):
    def save_instance(self):
        return enrolment_update(
            enrolment=self.object,
            changes=self.form_values(),
            reason=self.change_reason(),
            acting_user=self.request.user,
        )


class EnrolmentDeleteView(ServiceDeleteView):
    def delete_action(self):
        enrolment_delete(enrolment=self.object, reason=self.change_reason, acting_user=self.request.user)


class EnrolmentViewSet(ServiceModelViewSet):
    model = Enrolment
    icon = "user"
    menu_label = _("Enrolments")
    list_display = ["staff", "programme", "assigned_on", "due_on", "completed_on", "reason"]
    list_filter = ["reason", "completed_on"]
    search_fields = ["staff__employee_no", "staff__name"]
    list_per_page = 50
    form_fields = ["staff", "programme", "assigned_on", "due_on", "completed_on", "reason"]
    add_view_class = EnrolmentCreateView
    edit_view_class = EnrolmentEditView
    delete_view_class = EnrolmentDeleteView


class LessonCompletionViewSet(ModelViewSet):
    model = LessonCompletion
    icon = "tick"
    menu_label = _("Lesson completions")
    list_display = ["staff", "lesson", "completed_on", "hours", "category", "via", "recorded_by"]
    list_filter = ["category", "via", "completed_on"]
    search_fields = ["staff__employee_no", "staff__name"]
    list_per_page = 50
    inspect_view_enabled = True
    form_fields = []


class SopRevisionViewSet(ModelViewSet):
    model = SopRevision
    icon = "history"
    menu_label = _("SOP revisions")
    list_display = ["title", "published_on", "published_by"]
    inspect_view_enabled = True
    form_fields = []
