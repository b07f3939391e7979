"""`deliver_events`: queue every webhook delivery and xAPI statement whose next attempt is due (every few minutes
from cron or a systemd timer, next to `deliver_notifications`). With the database task backend the worker already
runs them at their time; this is the safety net for a worker that died mid-send, and the only runner of retries
where the task backend cannot defer."""

from django.core.management.base import BaseCommand

from events.services import events_requeue_due


class Command(BaseCommand):
    help = "Queue the webhook deliveries and xAPI statements that are due (retries, interrupted sends)."

    def handle(self, *args, **options):
        self.stdout.write(f"{events_requeue_due()} deliveries queued.")
