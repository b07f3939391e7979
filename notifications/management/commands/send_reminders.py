"""`send_reminders [--date YYYY-MM-DD] [--dry-run] [--json]`: the daily reminder run (a cron job or systemd timer,
see docs/deployment.md). Idempotent: each reminder goes once per person and trigger, however often it runs."""

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.kinds import REMINDER_KINDS
from notifications.reminders import reminders_run
from notifications.rules import CHANNELS
from portal.management.base import JsonCommand, write_json

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str) -> date:
    """A calendar day written YYYY-MM-DD; anything else (or an impossible date) raises ValueError."""
    text = text.strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(
        _("--date: %(value)s is not a date; write YYYY-MM-DD, e.g. 2026-10-01.") % {"value": text}
    )


class Command(JsonCommand):
    help = "Send today's reminders (modules due, SOP changes unread, decisions waiting, …) once each."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--date", help="The day to run for, YYYY-MM-DD (default: today in Asia/Shanghai)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be sent; record nothing."
        )

    def handle(self, *args, **options):
        given = options.get("date")
        if given:
            try:
                today = parse_day(given)
            except ValueError as exc:
                self.fail(
                    options,
                    str(exc),
                    {
                        "date": given,
                        "sent": 0,
                        "held": 0,
                        "by_kind": dict.fromkeys(REMINDER_KINDS, 0),
                        "by_channel": dict.fromkeys(CHANNELS, 0),
                    },
                )
        else:
            today = timezone.localdate()
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
