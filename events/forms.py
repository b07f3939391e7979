from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import EventName


class WebhookEndpointForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=60, help_text=_("The system that listens, e.g. Payroll.")
    )
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("An https:// address on the internet; the portal POSTs each event there as JSON."),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventName.choices, widget=forms.CheckboxSelectMultiple
    )
