from django.utils.functional import SimpleLazyObject

from notifications.selectors import UNREAD_CAP, unread_count


def _bell(user) -> dict:
    count = unread_count(user)
    return {"count": count, "label": f"{UNREAD_CAP}+" if count > UNREAD_CAP else str(count)}


def notification_bell(request):
    """The bell's unread count, counted only when a page shows it: one small indexed query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_bell": SimpleLazyObject(lambda: _bell(user))}
