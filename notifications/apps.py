from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from notifications.selectors import unread_entry
        from portal.cache import register_read_with_person
        from portal.defaults import restore_after_flush
        from portal.models import Role
        from portal.navigation import register_home_panel, register_nav

        register_read_with_person(unread_entry)
        register_nav(_("Notifications"), "notifications:list", order=5)
        register_nav(
            _("My work queue"),
            "notifications:queue",
            order=6,
            roles=[Role.TEAM_LEAD, Role.MANAGER, Role.TRAINER, Role.HR, Role.ADMIN],
        )
        register_nav(_("Notification preferences"), "notifications:preferences", order=90)
        register_nav(
            _("Message deliveries"),
            "notifications:deliveries",
            order=86,
            permission="notifications.manage_notifications",
        )
        register_nav(
            _("Notification settings"),
            "notifications:policy",
            order=87,
            permission="notifications.manage_notifications",
        )
        register_home_panel("notifications/panels/decisions.html", _decisions_panel, order=1)
        # The settings row comes from a data migration; keep it after a flush too.
        restore_after_flush(self, "notifications.migrations.0002_default_policy")


def _decisions_panel(request):
    """What waits for the reader (approvals, disputes, evaluations, calibration, essays, sessions to sign), however
    recent, with counts per kind of work and the first few in work-queue order (overdue first); the daily
    reminders repeat only what has waited too long."""
    from django.utils import timezone

    from notifications.reminders import work_queue_for
    from notifications.rules import queue_counts

    items = work_queue_for(request.user, timezone.now())
    if not items:
        return None
    counts = queue_counts([(str(i.data.get("what", "")), i.data["overdue"]) for i in items])
    return {
        "items": items[:PANEL_ITEMS],
        "total": len(items),
        "counts": counts,
        "overdue": sum(c[2] for c in counts),
    }


PANEL_ITEMS = 8
