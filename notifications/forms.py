from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications import rules
from notifications.kinds import kind_choices
from notifications.models import Channel

_CHANNEL_LABELS = dict(Channel.choices)


def _channel_choices(channels) -> list[tuple[str, str]]:
    return [(channel, _CHANNEL_LABELS[channel]) for channel in channels]


class PreferenceForm(forms.Form):
    use_default = forms.BooleanField(label=_("Use the channels HR chose for everyone"), required=False)
    channels = forms.MultipleChoiceField(
        label=_("My channels"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    language = forms.ChoiceField(label=_("Language of my messages"), required=False, choices=())

    def __init__(self, *args, usable_channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = _channel_choices(usable_channels)
        self.fields["language"].choices = [("", _("The portal's language")), *settings.LANGUAGES]


class PolicyForm(forms.Form):
    quiet_start = forms.TimeField(
        label=_("Quiet hours start"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours end"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_(
            "Asia/Shanghai time. Messages that are not urgent wait until then. Equal times: no quiet hours."
        ),
    )
    default_channels = forms.MultipleChoiceField(
        label=_("Default channels"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=_channel_choices(rules.CHOOSABLE_CHANNELS),
        help_text=_(
            "For everyone who has not chosen their own. The notification centre always gets every message."
        ),
    )
    enabled_kinds = forms.MultipleChoiceField(
        label=_("Kinds of message sent"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    onboarding_days = forms.IntegerField(
        label=_("Days to complete onboarding"),
        min_value=1,
        max_value=365,
        help_text=_("The pace reminders expect when an onboarding programme sets no days to complete."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled_kinds"].choices = [(kind, str(label)) for kind, label in kind_choices()]
