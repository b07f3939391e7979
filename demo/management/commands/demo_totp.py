"""Print the current two-factor code of a demo HR/admin account (demo accounts share a published secret)."""

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management.base import BaseCommand, CommandError

from demo.people import DEMO_TOTP_SECRET, DEMO_TOTP_USERS


class Command(BaseCommand):
    help = "Show the current TOTP code for a demo account (hr01, hr02 or admin01)."

    def add_arguments(self, parser):
        parser.add_argument("employee_no", nargs="?", default="hr01")

    def handle(self, *args, employee_no, **options):
        if employee_no not in DEMO_TOTP_USERS:
            raise CommandError(f"{employee_no} is not a demo account with two-factor authentication.")
        counters = list(yield_hotp_counters_from_time())
        current = counters[len(counters) // 2]
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, current)))
