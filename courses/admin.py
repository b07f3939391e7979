"""Wagtail admin viewsets of learning records: HR corrects training records and enrolments through the
services (audited; a published month's records are refused), and reads completions and SOP revisions."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from courses.models import Enrolment, LessonCompletion, SopRevision, TrainingRecord
from courses.services import (
    ENROLMENT_FIELDS,
    TRAINING_RECORD_FIELDS,
    enrolment_create,
    enrolment_delete,
    enrolment_update,
    training_record_create,
    training_record_delete,
    training_record_update,
)
from portal.admin_views import ServiceModelViewSet, read_only_in_admin

# Written only by their services (with the audit trail): never edited in the admin.
read_only_in_admin(LessonCompletion, SopRevision)


class TrainingRecordViewSet(ServiceModelViewSet):
    model = TrainingRecord
    icon = "list-ul"
    menu_label = _("Training records")
    list_display = ["staff", "date", "category", "title", "hours", "score"]
    list_filter = ["category", "date"]
    search_fields = ["title", "staff__employee_no", "staff__name"]
    list_per_page = 50
    form_fields = list(TRAINING_RECORD_FIELDS)

    def service_create(self, values, *, reason, acting_user):
        return training_record_create(**values, reason=reason, acting_user=acting_user)

    def service_update(self, instance, changes, *, reason, acting_user):
        return training_record_update(
            record=instance, changes=changes, reason=reason, acting_user=acting_user
        )

    def service_delete(self, instance, *, reason, acting_user):
        training_record_delete(record=instance, reason=reason, acting_user=acting_user)


class EnrolmentViewSet(ServiceModelViewSet):
    model = Enrolment
    icon = "user"
    menu_label = _("Enrolments")
    list_display = ["staff", "programme", "assigned_on", "due_on", "completed_on", "reason"]
    list_filter = ["reason", "completed_on"]
    search_fields = ["staff__employee_no", "staff__name"]
    list_per_page = 50
    form_fields = list(ENROLMENT_FIELDS)

    def service_create(self, values, *, reason, acting_user):
        return enrolment_create(**values, acting_user=acting_user)

    def service_update(self, instance, changes, *, reason, acting_user):
        return enrolment_update(enrolment=instance, changes=changes, reason=reason, acting_user=acting_user)

    def service_delete(self, instance, *, reason, acting_user):
        enrolment_delete(enrolment=instance, reason=reason, acting_user=acting_user)


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
