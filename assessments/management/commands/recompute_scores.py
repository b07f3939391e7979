from assessments.services import coaching_assign_for_month, monthly_scores_compute
from portal.management.base import JsonCommand, write_json
from portal.services import MonthLockedError
from portal.tabular import FieldError, parse_month


class Command(JsonCommand):
    help = "Recompute and store a month's scores from its current data (refused for a published month)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
            scored = monthly_scores_compute(month=month)
            coaching_assign_for_month(month=month)
        except (FieldError, MonthLockedError) as exc:
            self.fail(options, str(exc), {"month": options["month"], "scored": 0})
        if options["json"]:
            write_json(self.stdout, {"month": f"{month:%Y-%m}", "scored": scored, "errors": []})
        else:
            self.stdout.write(f"Recomputed {month:%Y-%m}: {scored} scores stored.")
