"""`manage.py generate_scale_data --staff 10000 --months 12 [--seed N]`: a synthetic company for benchmarks."""

import time
from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone

from demo.scale.generate import generate_company
from portal.management.base import JsonCommand, write_json


class Command(JsonCommand):
    help = (
        "Generate a synthetic company (departments, teams, roles, onboarding history, monthly training, quiz "
        "results, QA evaluations, KPIs, scores, suggestions) into an empty database. Reproducible from --seed."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--staff", type=int, default=10000, help="number of staff (at least 50)")
        parser.add_argument("--months", type=int, default=12, help="complete months of history before today")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed: the same seed gives the same data"
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="the date to generate up to (YYYY-MM-DD; default: today in Asia/Shanghai)",
        )

    def handle(self, *args, **options):
        if options["staff"] < 50:
            raise CommandError("--staff must be at least 50.")
        if not 0 <= options["months"] <= 60:
            raise CommandError("--months must be between 0 and 60.")
        today = options["today"] or timezone.localdate()
        progress = self.stderr if options["json"] else self.stdout
        started = time.perf_counter()
        try:
            company = generate_company(
                size=options["staff"],
                months=options["months"],
                seed=options["seed"],
                today=today,
                stdout=progress,
            )
        except ValueError as exc:
            self.fail(options, str(exc), {"staff": 0})
            return
        seconds = time.perf_counter() - started
        if options["json"]:
            write_json(
                self.stdout,
                {
                    "staff": len(company.people),
                    "months": [f"{m:%Y-%m}" for m in company.months],
                    "seed": options["seed"],
                    "seconds": f"{seconds:.2f}",
                },
            )
        else:
            progress.write(
                f"Generated {len(company.people)} staff over {len(company.months)} months in {seconds:.1f} s."
            )
