"""`certificates_review [--date YYYY-MM-DD] [--dry-run] [--json]`: the daily review of certificates (a cron job or
systemd timer, see docs/deployment.md). Suspends, restores, renews and expires by the certification types' rules
as of that day, and sends the 30- and 7-day expiry reminders. Idempotent: a second run on the day changes
nothing."""

from assessments.certificates.services import certificates_review
from portal.management.base import DailyCommand, write_json


class Command(DailyCommand):
    help = "Review certificates as of a day: suspend, restore, renew, expire, and remind before expiry."

    date_help = "The day to review as of, YYYY-MM-DD (default: today in Asia/Shanghai)."
    dry_run_help = "Count what would change; write nothing."
    refused_payload = {"suspended": 0, "restored": 0, "renewed": 0, "expired": 0, "reminded": 0}

    def handle(self, *args, **options):
        today = self.day_option(options)
        result = certificates_review(today=today, dry_run=options["dry_run"])
        payload = result.as_json()
        if options["json"]:
            write_json(self.stdout, payload)
            return
        prefix = "Dry run, nothing recorded: " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}{payload['date']}: {payload['suspended']} suspended, {payload['restored']} restored, "
            f"{payload['renewed']} renewed, {payload['expired']} expired, {payload['reminded']} reminded."
        )
