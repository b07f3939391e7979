"""Reminders of certificates for the daily run: a certificate expiring in 30 and in 7 days.

Certificates have no expiry date today, so this finds nothing. It reads the first date field of
`EXPIRY_FIELDS` that the model has, and starts reminding as soon as one is added.
"""

from datetime import date, timedelta

from django.db import models
from django.urls import reverse

from assessments.models import Certificate
from notifications.reminders import Reminder
from notifications.rules import due_reminder_step

EXPIRY_FIELDS = ("expires_on", "valid_until", "expiry_date")
NOTICE_STEPS = (30, 7)


def certificate_expiry_field() -> str | None:
    names = {f.name for f in Certificate._meta.get_fields() if isinstance(f, models.DateField)}
    return next((name for name in EXPIRY_FIELDS if name in names), None)


def certificate_expiring_reminders(today: date) -> list[Reminder]:
    field = certificate_expiry_field()
    if field is None:
        return []
    rows = Certificate.objects.filter(
        revoked_at__isnull=True,
        holder__is_active=True,
        **{f"{field}__gte": today, f"{field}__lte": today + timedelta(days=max(NOTICE_STEPS))},
    ).values_list("pk", "holder_id", field, "programme_title", "number")
    url = reverse("assessments:my-certificates")
    found = []
    for pk, holder_id, expires_on, title, number in rows:
        step = due_reminder_step((expires_on - today).days, NOTICE_STEPS)
        if not step:
            continue
        found.append(
            Reminder(
                recipient_id=holder_id,
                kind="certificate_expiring",
                key=f"certificate:{pk}:{step}",
                title=f"{title} ({number})",
                url=url,
                due_on=expires_on,
            )
        )
    return found
