"""`service_stars --month YYYY-MM [--json]`: the month's current proposal, or its published result. Writes
nothing."""

from django.utils.translation import gettext as _

from incentives.selectors import star_month
from portal.management.base import MonthCommand, write_json


def star_month_payload(view) -> dict:
    """The command's JSON: winners by rank; ineligible people by employee number with reasons sorted A–Z
    (as the published example lists them)."""
    return {
        "month": f"{view.month:%Y-%m}",
        "status": str(view.status),
        "winners": [
            {
                "rank": row.rank,
                "employee_no": row.employee_no,
                "name": row.name,
                "score": f"{row.score:.2f}",
            }
            for row in view.winners
        ],
        "ineligible": [
            {"employee_no": row.employee_no, "reasons": sorted(row.reasons)} for row in view.ineligible
        ],
    }


class Command(MonthCommand):
    help = (
        "Print a month's Service Stars: the live proposal (draft/approved) or the published result. Writes "
        "nothing; a month without data proposes nobody."
    )

    refused_payload = {"winners": [], "ineligible": []}

    def handle(self, *args, **options):
        month = self.month_option(options)
        view = star_month(month=month)
        payload = star_month_payload(view)
        if options["json"]:
            write_json(self.stdout, payload)
            if not view.has_data:
                self.stderr.write(_("No data for this month."))
            return
        self.stdout.write(f"{payload['month']} · {payload['status']}")
        if not view.has_data:
            self.stdout.write(_("No data for this month."))
            return
        for row in view.winners:
            flag = " (partial)" if row.partial else ""
            self.stdout.write(f"{row.rank:>3}. {row.employee_no} {row.name} {row.score:.2f}{flag}")
        if view.ineligible:
            self.stdout.write("Not eligible:")
            for row in view.ineligible:
                self.stdout.write(f"  {row.employee_no} {row.name}: {', '.join(sorted(row.reasons))}")
