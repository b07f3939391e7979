"""The kinds of notification and the names HR reads for them (the settings page switches kinds off by name).

The reminder kinds of the daily run are declared here; an app that sends a kind of its own registers its label
at start-up and adds its template `notifications/messages/<kind>.txt`.
"""

from django.utils.translation import gettext_lazy as _

REMINDER_KINDS = (
    "module_due",
    "module_overdue",
    "onboarding_behind",
    "sop_unread",
    "quiz_closing",
    "certificate_expiring",
    "decision_waiting",
    "dispute_overdue",
    "suggestion_status",
    "lead_digest",
)

_labels: dict[str, object] = {
    "module_due": _("Monthly module due soon"),
    "module_overdue": _("Monthly module overdue"),
    "onboarding_behind": _("Onboarding behind its pace"),
    "sop_unread": _("SOP change not yet read"),
    "quiz_closing": _("Quiz closing tomorrow"),
    "certificate_expiring": _("Certificate expiring"),
    "decision_waiting": _("Decision waiting"),
    "dispute_overdue": _("Dispute step overdue (escalated to HR)"),
    "suggestion_status": _("Monthly suggestion status"),
    "lead_digest": _("Team lead's daily digest"),
}


def register_kind(kind: str, label) -> None:
    _labels.setdefault(kind, label)


def kind_label(kind: str):
    """The kind's name for people (a lazy translation: it takes the language it is rendered in)."""
    return _labels.get(kind, kind)


def kind_choices() -> list[tuple[str, object]]:
    return list(_labels.items())
