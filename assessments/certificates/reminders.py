"""Reminders of certificates: a certificate expiring in 30 and in 7 days, to its holder.

Sent by the daily `certificates_review` and found by the daily reminder run too; each reminder is recorded once
per certificate, period and step, so whichever runs first sends it and the other finds it sent.
"""

from datetime import date, timedelta

from django.urls import reverse

from assessments.models import Certificate, CertificateStatus
from notifications.reminders import Reminder
from notifications.rules import due_reminder_step

NOTICE_STEPS = (30, 7)


def certificate_expiring_reminders(today: date) -> list[Reminder]:
    rows = (
        Certificate.objects.filter(
            revoked_at__isnull=True,
            holder__is_active=True,
            expires_on__gt=today,
            expires_on__lte=today + timedelta(days=max(NOTICE_STEPS)),
        )
        .exclude(status=CertificateStatus.EXPIRED)
        .values_list("pk", "holder_id", "expires_on", "programme_title", "number")
    )
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
                # The period's end is in the key: a renewed certificate is reminded again before its new date.
                key=f"certificate:{pk}:{expires_on.isoformat()}:{step}",
                title=f"{title} ({number})",
                url=url,
                due_on=expires_on,
            )
        )
    return found
