from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from portal.defaults import restore_after_flush
        from portal.navigation import register_home_panel, register_nav

        register_nav(_("Notifications"), "notifications:list", order=5)
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
    """Everything waiting for the reader's decision (approvals, disputes, cases, suggestions, essays), however
    recent; the daily reminders repeat only what has waited too long."""
    from django.utils import timezone

    from notifications.reminders import decisions_waiting_for

    items = decisions_waiting_for(request.user.pk, timezone.now())
    if not items:
        return None
    return {"items": items}
