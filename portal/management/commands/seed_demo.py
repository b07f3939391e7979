"""Demo data for `make run`: idempotent, and each app adds its own part through its `demo.py` module."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create (or refresh) the demo company, its curriculum and a few months of data. Safe to run twice."

    def handle(self, *args, **options):
        logins = []
        for app_config in apps.get_app_configs():
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                logins.extend(module.seed(stdout=self.stdout) or [])
        if logins:
            self.stdout.write("")
            self.stdout.write("Demo logins (employee number or e-mail, password):")
            for line in logins:
                self.stdout.write(f"  {line}")
