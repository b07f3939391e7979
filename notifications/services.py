"""Every write of notifications: sending messages (`notify`), reading them, HR's settings and resends, people's
preferences.

A message is rendered once per person, in their language, from the kind's template
`notifications/messages/<kind>.txt` (first line: the title; the rest: the body). It always lands in the portal's
notification centre; each other channel of the person gets a delivery row and a background task.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications import rules
from notifications.channels import platforms_enabled
from notifications.kinds import kind_choices
from notifications.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPolicy,
    NotificationPreference,
)
from notifications.selectors import message_language, policy_get, preferences_by_person, unread_scope
from notifications.tasks import deliveries_enqueue
from portal.cache import scope_invalidate
from portal.retries import rows_due
from portal.services import audit_record

MANAGE_PERMISSION = "notifications.manage_notifications"


@dataclass
class OutgoingMessage:
    person: object  # a portal.models.User
    kind: str
    context: dict
    urgent: bool = False


@dataclass
class SendResult:
    """What a send did (or, dry, would do). Every count is of deliveries, one per person and channel, the portal's
    own notification centre included; `held` ones wait for the end of quiet hours."""

    notifications: list = field(default_factory=list)
    sent: int = 0
    held: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_channel: Counter = field(default_factory=Counter)


def message_render(kind: str, context: dict, *, language: str) -> tuple[str, str]:
    """Title and body of a `kind` message, rendered in `language`."""
    with translation.override(language):
        text = render_to_string(f"notifications/messages/{kind}.txt", context)
    title, body = rules.split_message(text)
    return title[:200], body


def notify(person, kind: str, context: dict, *, urgent: bool = False, now: datetime | None = None):
    """Send `person` one message of `kind`: rendered in their language from `context`, into the portal's
    notification centre and out by each of their channels (after commit, as background tasks). A non-urgent
    message is held until quiet hours end. Returns the Notification, or None when HR switched the kind off or the
    person has left."""
    result = messages_send([OutgoingMessage(person, kind, context, urgent)], now=now)
    return result.notifications[0] if result.notifications else None


def messages_send(messages: list[OutgoingMessage], *, now: datetime | None = None, dry_run: bool = False):
    """Send many messages with a fixed number of queries (plus one template rendering each). With `dry_run`,
    count what would be sent and write nothing."""
    now = now or timezone.now()
    local_now = timezone.localtime(now)
    policy = policy_get()
    messages = [m for m in messages if m.kind not in policy.disabled_kinds and m.person.is_active]
    preferences = preferences_by_person({m.person.pk for m in messages})
    platforms = platforms_enabled()
    result = SendResult()
    planned = []  # (notification, [(channel, first attempt, held)])
    for message in messages:
        preference = preferences.get(message.person.pk)
        channel_list = rules.delivery_channels(
            chosen=preference.channels if preference else None,
            default=policy.default_channels,
            enabled_platforms=platforms,
            has_email=bool(message.person.email),
        )
        first_at, held = rules.first_attempt_at(
            local_now, urgent=message.urgent, start=policy.quiet_start, end=policy.quiet_end
        )
        title, body = message_render(
            message.kind,
            {"person": message.person, **message.context},
            language=message_language(message.person, preference),
        )
        notification = Notification(
            recipient=message.person,
            kind=message.kind,
            title=title,
            body=body,
            url=str(message.context.get("url", ""))[:500],
            urgent=message.urgent,
            created_at=now,
        )
        outgoing = []
        for channel in channel_list:
            # The notification centre disturbs nobody: it shows the message at once, even in quiet hours.
            channel_held = held and channel != rules.PORTAL
            result.held += channel_held
            result.sent += not channel_held
            result.by_kind[message.kind] += 1
            result.by_channel[channel] += 1
            if channel != rules.PORTAL:
                outgoing.append((channel, first_at if channel_held else now, channel_held))
        planned.append((notification, outgoing))
    if dry_run or not planned:
        return result
    with transaction.atomic():
        notifications = Notification.objects.bulk_create([n for n, _outgoing in planned], batch_size=500)
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(
                    notification=notification,
                    channel=channel,
                    held=held,
                    next_attempt_at=first_at,
                    created_at=now,
                )
                for notification, (_n, outgoing) in zip(notifications, planned, strict=True)
                for channel, first_at, held in outgoing
            ],
            batch_size=500,
        )
        scope_invalidate(*{unread_scope(n.recipient_id) for n in notifications})
        queue = [(d.pk, d.next_attempt_at) for d in deliveries]
        if queue:
            transaction.on_commit(lambda: deliveries_enqueue(queue))
    result.notifications = notifications
    return result


# --- The notification centre -------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, acting_user) -> Notification:
    """Mark one of the acting user's own notifications read (again is a no-op)."""
    if notification.recipient_id != acting_user.pk:
        raise PermissionDenied(_("You may not do this."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        scope_invalidate(unread_scope(acting_user.pk))
    return notification


def notifications_mark_all_read(*, acting_user) -> int:
    """Mark every unread notification of the acting user read. Returns how many."""
    marked = Notification.objects.filter(recipient=acting_user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    scope_invalidate(unread_scope(acting_user.pk))
    return marked


# --- Preferences and HR's settings ----------------------------------------------------------------------------


def _clean_channels(channels) -> list[str]:
    unknown = set(channels) - set(rules.CHOOSABLE_CHANNELS)
    if unknown:
        raise ValidationError(_("Unknown channel: %(channel)s.") % {"channel": ", ".join(sorted(unknown))})
    return [c for c in rules.CHOOSABLE_CHANNELS if c in channels]


def preference_update(
    *, person, channels: list[str] | None, language: str = "", acting_user
) -> NotificationPreference:
    """A person chooses their own channels (None: HR's default) and the language of their messages."""
    if acting_user is None or acting_user.pk != person.pk:
        raise PermissionDenied(_("You may not do this."))
    values = {"channels": None if channels is None else _clean_channels(channels), "language": language or ""}
    preference, _created = NotificationPreference.objects.update_or_create(person=person, defaults=values)
    return preference


def policy_update(
    *,
    acting_user,
    quiet_start: time,
    quiet_end: time,
    default_channels: list[str],
    disabled_kinds: list[str],
    onboarding_days: int,
) -> NotificationPolicy:
    """HR changes quiet hours, the default channels, the kinds switched off or the onboarding pace; audited."""
    if acting_user is None or not acting_user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied(_("You may not do this."))
    known = {kind for kind, _label in kind_choices()}
    if set(disabled_kinds) - known:
        raise ValidationError(_("Unknown kind of notification."))
    if onboarding_days < 1:
        raise ValidationError(_("Onboarding takes at least one day."))
    with transaction.atomic():
        policy = NotificationPolicy.objects.select_for_update().order_by("pk").first() or NotificationPolicy()
        before = _policy_values(policy)
        policy.quiet_start = quiet_start
        policy.quiet_end = quiet_end
        policy.default_channels = _clean_channels(default_channels)
        policy.disabled_kinds = sorted(set(disabled_kinds))
        policy.onboarding_days = onboarding_days
        policy.updated_by = acting_user
        policy.save()
        after = _policy_values(policy)
        audit_record(
            action="notifications.policy_update",
            acting_user=acting_user,
            target=policy,
            **{key: {"old": before[key], "new": after[key]} for key in after if before[key] != after[key]},
        )
    return policy


def _policy_values(policy: NotificationPolicy) -> dict:
    return {
        "quiet_start": policy.quiet_start.strftime("%H:%M") if policy.quiet_start else None,
        "quiet_end": policy.quiet_end.strftime("%H:%M") if policy.quiet_end else None,
        "default_channels": list(policy.default_channels or []),
        "disabled_kinds": list(policy.disabled_kinds or []),
        "onboarding_days": policy.onboarding_days,
    }


# --- Deliveries ----------------------------------------------------------------------------------------------


def delivery_resend(*, delivery: Delivery, acting_user) -> Delivery:
    """HR sends a failed (or sent) delivery again, now and with a fresh round of retries; audited with the error
    it had."""
    if acting_user is None or not acting_user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied(_("You may not do this."))
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status not in (DeliveryStatus.FAILED, DeliveryStatus.SENT):
            raise ValidationError(_("This message is still being delivered."))
        audit_record(
            action="notifications.resend",
            acting_user=acting_user,
            target=delivery,
            channel=delivery.channel,
            status=delivery.status,
            attempts=delivery.attempts,
            error=delivery.error,
        )
        delivery.status = DeliveryStatus.QUEUED
        delivery.attempts = 0
        delivery.held = False
        delivery.next_attempt_at = now
        delivery.save(update_fields=["status", "attempts", "held", "next_attempt_at"])
        delivery_id = delivery.pk
        transaction.on_commit(lambda: deliveries_enqueue([(delivery_id, now)]))
    return delivery


def deliveries_requeue_due(*, now: datetime | None = None) -> int:
    """Queue a task for every delivery whose next attempt is due, and put back deliveries whose worker died while
    sending. Needed where the task backend cannot defer (held messages and retries wait in the log) and as a safety
    net elsewhere: an attempt claims its row, so a delivery queued twice is still sent once. Returns how many."""
    return deliveries_enqueue(rows_due(Delivery, now=now or timezone.now()))
