"""Forms of the incentives pages. Each accepts only its own fields: status, amounts and scores never come from
a form except the reviewer's own criterion scores."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from incentives import rules
from incentives.models import CaseNomination, Suggestion
from incentives.services import award_policy_values_check
from portal.months import first_of_month

HALF_STEPS = [(f"{i / 2:g}", f"{i / 2:g}") for i in range(11)]


class ExclusionForm(forms.Form):
    employee_no = forms.CharField(label=_("Employee number"), max_length=32)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class SuggestionForm(forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = ["title", "problem", "proposal", "expected_benefit"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in ("problem", "proposal", "expected_benefit")
        }


class ReviewForm(forms.Form):
    customer_impact = forms.TypedChoiceField(label=_("Customer impact (30%)"), choices=HALF_STEPS, coerce=str)
    efficiency = forms.TypedChoiceField(
        label=_("Efficiency or cost benefit (25%)"), choices=HALF_STEPS, coerce=str
    )
    breadth = forms.TypedChoiceField(label=_("Breadth of application (20%)"), choices=HALF_STEPS, coerce=str)
    feasibility = forms.TypedChoiceField(label=_("Feasibility (15%)"), choices=HALF_STEPS, coerce=str)
    originality = forms.TypedChoiceField(label=_("Originality (10%)"), choices=HALF_STEPS, coerce=str)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def scores(self):
        from decimal import Decimal

        return [Decimal(self.cleaned_data[name]) for name, _w in rules.SUGGESTION_CRITERIA]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


# Evidence uploads (security checklist item 31): an allow-list of extensions, each checked against its content.
EVIDENCE_MAX_BYTES = getattr(settings, "INCENTIVES_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
_ZIP = b"PK\x03\x04"
EVIDENCE_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (_ZIP,),
    "xlsx": (_ZIP,),
    "pptx": (_ZIP,),
}


def check_evidence(upload) -> None:
    name = upload.name or ""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in EVIDENCE_SIGNATURES:
        raise ValidationError(
            _("Allowed file types: %(types)s.") % {"types": ", ".join(sorted(EVIDENCE_SIGNATURES))}
        )
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in EVIDENCE_SIGNATURES[suffix]):
        raise ValidationError(_("The file's content does not match its type."))


class NominationForm(forms.ModelForm):
    nominee = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    case_month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)
    evidence_file = forms.FileField(label=_("Evidence (PDF, image or Office file)"), required=False)

    class Meta:
        model = CaseNomination
        fields = ["nominee", "title", "situation", "action", "result"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ("situation", "action", "result")}

    def __init__(self, *args, team_members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee"].queryset = team_members

    def clean_case_month(self):
        from portal.months import parse_month
        from portal.tabular.errors import FieldError

        try:
            return parse_month(self.cleaned_data["case_month"])
        except FieldError as exc:
            raise ValidationError(str(exc)) from None

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            check_evidence(upload)
        return upload


class MonthForm(forms.Form):
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)


class AwardPolicyAdminForm(forms.ModelForm):
    """An award policy version in the admin: it starts on the first day of the month chosen, and its tiers are
    checked as the service checks them (with the same messages)."""

    def clean_effective_month(self):
        month = self.cleaned_data.get("effective_month")
        return first_of_month(month) if month else month

    def clean(self):
        cleaned = super().clean()
        try:
            award_policy_values_check(cleaned)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field, errors)
        return cleaned
