from assessments.scoring.services import coaching_assign_for_month, monthly_scores_compute
from portal.management.base import MonthCommand, write_json
from portal.services import MonthLockedError


class Command(MonthCommand):
    help = "Recompute and store a month's scores from its current data (refused for a published month)."

    refused_payload = {"scored": 0}

    def handle(self, *args, **options):
        month = self.month_option(options)
        try:
            scored = monthly_scores_compute(month=month)
            coaching_assign_for_month(month=month)
        except MonthLockedError as exc:
            self.fail(options, str(exc), {"month": options["month"], "scored": 0})
        if options["json"]:
            write_json(self.stdout, {"month": f"{month:%Y-%m}", "scored": scored, "errors": []})
        else:
            self.stdout.write(f"Recomputed {month:%Y-%m}: {scored} scores stored.")
