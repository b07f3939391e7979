"""Reads of notifications: settings, preferences, a person's notifications, HR's delivery log."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404

from notifications.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPolicy,
    NotificationPreference,
)
from portal.cache import cached

# The bell shows "99+" beyond this: counting further would cost without telling anyone more.
UNREAD_CAP = 99


def policy_get() -> NotificationPolicy:
    """The settings row (a migration creates it); its defaults, unsaved, if it is missing."""
    return NotificationPolicy.objects.order_by("pk").first() or NotificationPolicy()


def preference_get(person) -> NotificationPreference:
    """`person`'s preference, or an unsaved one meaning "HR's default channels, the portal's language"."""
    return NotificationPreference.objects.filter(person=person).first() or NotificationPreference(
        person=person
    )


def preferences_by_person(person_ids) -> dict[int, NotificationPreference]:
    return {p.person_id: p for p in NotificationPreference.objects.filter(person_id__in=list(person_ids))}


def message_language(person, preference: NotificationPreference | None) -> str:
    """The language a person's messages are written in: their own choice, else the portal's default."""
    chosen = getattr(person, "language", "") or (preference.language if preference else "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def unread_scope(user_id: int) -> str:
    """The cache scope of a person's unread count: notifications.services makes it stale on every change."""
    return f"unread:{user_id}"


def unread_entry(user_id: int) -> tuple[str, list[str]]:
    """The cache key and scopes of a person's unread count (read with the person: `register_read_with_person`)."""
    return f"unread:{user_id}", [unread_scope(user_id)]


def unread_count(user) -> int:
    """Unread notifications of `user`, counted up to UNREAD_CAP + 1 (one small indexed query, or none while
    the shared cache holds the count)."""
    return cached(
        *unread_entry(user.pk),
        lambda: Notification.objects.filter(recipient=user, read_at__isnull=True)[: UNREAD_CAP + 1].count(),
        personal=True,
    )


def notifications_for(user, *, unread_only: bool = False):
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_get_for_user(user, notification_id: int) -> Notification:
    """`user`'s own notification; anyone else's is a 404."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise Http404
    return notification


def deliveries_list(*, status: str = "", channel: str = "", query: str = ""):
    """HR's delivery log, newest first, with the notification and its recipient in the same query."""
    qs = Delivery.objects.select_related("notification__recipient").order_by("-created_at", "-id")
    if status in DeliveryStatus.values:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if query:
        qs = qs.filter(
            Q(notification__recipient__employee_no__icontains=query)
            | Q(notification__recipient__name__icontains=query)
        )
    return qs


def delivery_counts() -> dict[str, int]:
    """Deliveries per status, for the filter links of the delivery page."""
    from django.db.models import Count

    return dict(Delivery.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def users_with_permission(permission: str) -> list[int]:
    """Ids of active people whose role group (or own grant) holds `permission` ("app_label.codename").

    Superusers are not counted: administrators hold every permission through their role group already, and
    a superuser flag alone does not make someone the decider of a queue."""
    app_label, codename = permission.split(".", 1)
    through_group = Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
    )
    own = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(through_group | own)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
