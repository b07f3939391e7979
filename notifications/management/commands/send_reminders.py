"""`send_reminders [--date YYYY-MM-DD] [--dry-run] [--json]`: the daily reminder run (a cron job or systemd timer,
see docs/deployment.md). Idempotent: each reminder goes once per person and trigger, however often it runs."""

from notifications.kinds import REMINDER_KINDS
from notifications.reminders import reminders_run
from notifications.rules import CHANNELS
from portal.management.base import DailyCommand, write_json


class Command(DailyCommand):
    help = "Send today's reminders (modules due, SOP changes unread, decisions waiting, …) once each."

    date_help = "The day to run for, YYYY-MM-DD (default: today in Asia/Shanghai)."
    dry_run_help = "Count what would be sent; record nothing."
    refused_payload = {
        "sent": 0,
        "held": 0,
        "by_kind": dict.fromkeys(REMINDER_KINDS, 0),
        "by_channel": dict.fromkeys(CHANNELS, 0),
    }

    def handle(self, *args, **options):
        today = self.day_option(options)
        result = reminders_run(today=today, dry_run=options["dry_run"])
        payload = result.as_json()
        if options["json"]:
            write_json(self.stdout, payload)
            return
        prefix = "Dry run, nothing recorded: " if options["dry_run"] else ""
        kinds = ", ".join(f"{kind} {n}" for kind, n in payload["by_kind"].items() if n)
        self.stdout.write(
            f"{prefix}{payload['date']}: {payload['sent']} deliveries queued, {payload['held']} held for the end "
            f"of quiet hours{f' ({kinds})' if kinds else ''}."
        )
