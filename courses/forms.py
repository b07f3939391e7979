from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import DeliveryMode, LessonPage
from portal.uploads import ImportFileForm


class IsoDateInput(forms.DateInput):
    """A browser date picker: its value must be ISO (YYYY-MM-DD) whatever the language, or the browser drops it
    (the Chinese locale's first input format is 2026/12/06)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def offline_lessons():
    return LessonPage.objects.live().filter(delivery_mode=DeliveryMode.OFFLINE).order_by("path")


class LessonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.planned_hours} h)"


class AttendanceForm(forms.Form):
    lesson = LessonChoiceField(queryset=LessonPage.objects.none(), label=_("Offline lesson"))
    on_date = forms.DateField(label=_("Session date"), widget=IsoDateInput(), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = offline_lessons()


class AttendanceUploadForm(ImportFileForm):
    lesson = LessonChoiceField(queryset=LessonPage.objects.none(), label=_("Offline lesson"))
    on_date = forms.DateField(label=_("Session date"), widget=IsoDateInput(), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = offline_lessons()


class OfflineSessionForm(forms.Form):
    lesson = LessonChoiceField(queryset=LessonPage.objects.none(), label=_("Offline lesson"))
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    room = forms.CharField(label=_("Room"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = offline_lessons()


class AttendeeChangeForm(forms.Form):
    employee_no = forms.CharField(label=_("Employee number"), max_length=32)
    reason = forms.CharField(label=_("Reason"), max_length=200)
