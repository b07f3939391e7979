"""HR's form for a certification type version: the type's values, and the starting month of a new version."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.certificates.services import TYPE_FIELDS
from assessments.models import CertificateKind, CertificationType


class CertificationTypeForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("kind"), choices=CertificateKind.choices)
    effective_month = forms.DateField(
        label=_("effective from month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )

    class Meta:
        model = CertificationType
        fields = list(TYPE_FIELDS)

    def __init__(self, *args, new: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not new:
            del self.fields["kind"]
            del self.fields["effective_month"]


class CredentialVerifyForm(forms.Form):
    """The public verifier's form: a pasted credential, or a file (the JSON download or the PNG badge)."""

    credential = forms.CharField(
        label=_("Paste the credential"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("The signed credential (it starts with eyJ) or the downloaded JSON file's text."),
    )
    file = forms.FileField(
        label=_("or upload the file"),
        required=False,
        help_text=_("The credential's JSON file or its PNG badge, at most 2 MB."),
    )
