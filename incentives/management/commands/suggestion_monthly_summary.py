"""`suggestion_monthly_summary --month YYYY-MM [--json]`: send each submitter their suggestions' status (the
`suggestion_status` notification: notification centre, e-mail, their platform), once per person and month."""

from django.db import transaction

from incentives.services import suggestion_summaries_send
from portal.management.base import MonthCommand, write_json


class Command(MonthCommand):
    help = "Send every submitter the status of their improvement suggestions for a month (once each; sent on commit)."

    refused_payload = {"sent": 0}

    def handle(self, *args, **options):
        month = self.month_option(options)
        with transaction.atomic():
            sent = suggestion_summaries_send(month=month)
        if options["json"]:
            write_json(self.stdout, {"month": f"{month:%Y-%m}", "sent": sent})
        else:
            self.stdout.write(f"{month:%Y-%m}: {sent} summary message(s) sent.")
