"""`suggestion_monthly_summary --month YYYY-MM [--json]`: e-mail each submitter their suggestions' status."""

from django.db import transaction

from incentives.services import suggestion_summaries_send
from portal.management.base import MonthCommand, write_json


class Command(MonthCommand):
    help = "E-mail every submitter the status of their improvement suggestions for a month (sent on commit)."

    refused_payload = {"sent": 0}

    def handle(self, *args, **options):
        month = self.month_option(options)
        with transaction.atomic():
            sent = suggestion_summaries_send(month=month)
        if options["json"]:
            write_json(self.stdout, {"month": f"{month:%Y-%m}", "sent": sent})
        else:
            self.stdout.write(f"{month:%Y-%m}: {sent} summary e-mail(s) sent.")
