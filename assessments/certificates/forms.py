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
