"""Demo data for `make run`: idempotent; each part of the company is seeded by its module in `demo`."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from demo import assessments, awards, curriculum, people
from portal import signing

# In dependency order: people first, then their curriculum, assessments and awards.
PARTS = (people, curriculum, assessments, awards)


class Command(BaseCommand):
    help = "Create (or refresh) the demo company, its curriculum and a few months of data. Safe to run twice."

    def handle(self, *args, **options):
        # A fresh machine has no signing key yet: certificates, letters and credentials need one.
        created = signing.ensure_key(common_name=str(settings.PORTAL_ISSUER_NAME))
        if created:
            self.stdout.write(f"Signing key {created.kid} created in {created.directory}.")
        logins = []
        for module in PARTS:
            with transaction.atomic():
                logins.extend(module.seed(stdout=self.stdout) or [])
        if logins:
            self.stdout.write("")
            self.stdout.write("Demo logins (employee number or e-mail, password):")
            for line in logins:
                self.stdout.write(f"  {line}")
