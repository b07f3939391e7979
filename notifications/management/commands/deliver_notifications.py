"""`deliver_notifications`: queue every delivery whose next attempt is due (every few minutes from cron or a
systemd timer). With the database task backend the worker already runs them at their time; this is the safety
net for a worker that died mid-send, and the only runner of held messages and retries where the task backend
cannot defer (PORTAL_TASKS_IMMEDIATE)."""

from django.core.management.base import BaseCommand

from notifications.services import deliveries_requeue_due


class Command(BaseCommand):
    help = "Queue the message deliveries that are due (held for quiet hours, retries, interrupted sends)."

    def handle(self, *args, **options):
        self.stdout.write(f"{deliveries_requeue_due()} deliveries queued.")
