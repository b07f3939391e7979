"""`suggestion_monthly_summary --month YYYY-MM [--json]`: e-mail each submitter their suggestions' status."""

from django.db import transaction

from incentives.services import suggestion_summaries_send
from portal.management.base import JsonCommand, write_json
from portal.tabular import FieldError, parse_month


class Command(JsonCommand):
    help = "E-mail every submitter the status of their improvement suggestions for a month (sent on commit)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
        except FieldError as exc:
            self.fail(options, str(exc), {"month": options["month"], "sent": 0})
        with transaction.atomic():
            sent = suggestion_summaries_send(month=month)
        if options["json"]:
            write_json(self.stdout, {"month": f"{month:%Y-%m}", "sent": sent})
        else:
            self.stdout.write(f"{month:%Y-%m}: {sent} summary e-mail(s) sent.")
