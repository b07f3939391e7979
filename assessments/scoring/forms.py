"""Forms of the score pages: the KPI upload (with month and replace), policy versions, remedial modules."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import KpiRecord, ScoringPolicyVersion
from assessments.scoring.services import POLICY_FIELDS, policy_values_check
from portal.months import parse_month
from portal.tabular.errors import FieldError
from portal.uploads import ImportFileForm


class MonthField(forms.CharField):
    """A month typed YYYY-MM (or picked with <input type=month>), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except FieldError as exc:
            raise forms.ValidationError(str(exc)) from None

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if hasattr(value, "strftime") else value


class KpiImportForm(ImportFileForm):
    month = MonthField(label=gettext_lazy("Month of the data"))
    replace = forms.BooleanField(
        label=gettext_lazy("Replace this month's KPI data"),
        required=False,
        help_text=gettext_lazy("Needed when the month already has KPI data; the replacement is recorded."),
    )

    def clean(self):
        cleaned = super().clean()
        month = cleaned.get("month")
        if month and not cleaned.get("replace"):
            existing = KpiRecord.objects.filter(month=month).count()
            if existing:
                self.add_error(
                    "replace",
                    _(
                        "%(month)s already has KPI data (%(count)s rows). Tick “Replace” to replace it with "
                        "this file."
                    )
                    % {"month": f"{month:%Y-%m}", "count": existing},
                )
        return cleaned


class PolicyVersionForm(forms.ModelForm):
    """A policy version's values; new versions also need the month they start in."""

    effective_month = MonthField(label=gettext_lazy("Effective from month"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason for this change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept in the audit trail with who changed what and when."),
    )

    class Meta:
        model = ScoringPolicyVersion
        fields = POLICY_FIELDS

    def __init__(self, *args, new: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.new = new
        if new:
            self.fields["effective_month"].required = True
        else:
            del self.fields["effective_month"]

    def clean(self):
        cleaned = super().clean()
        try:
            policy_values_check(cleaned)
        except forms.ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def _post_clean(self):
        # The service validates and saves; the model's full_clean would run too early (no effective month).
        pass


class CoachingModulesForm(forms.Form):
    """One remedial module (or none) per KPI."""

    def __init__(self, *args, modules_qs, current: dict, labels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in labels.items():
            self.fields[code] = forms.ModelChoiceField(
                queryset=modules_qs,
                required=False,
                label=label,
                initial=current.get(code),
                empty_label=_("(no remedial module)"),
            )
