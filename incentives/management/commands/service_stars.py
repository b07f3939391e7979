"""`service_stars --month YYYY-MM [--json]`: the month's current proposal, or its published result."""

from incentives.selectors import star_month
from portal.management.base import JsonCommand, write_json
from portal.tabular import FieldError, parse_month


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
                "partial": row.partial,
            }
            for row in view.winners
        ],
        "ineligible": [
            {"employee_no": row.employee_no, "name": row.name, "reasons": sorted(row.reasons)}
            for row in view.ineligible
        ],
    }


class Command(JsonCommand):
    help = "Print a month's Service Stars: the live proposal (draft/approved) or the published result."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
        except FieldError as exc:
            self.fail(options, str(exc), {"month": options["month"]})
        payload = star_month_payload(star_month(month=month))
        if options["json"]:
            write_json(self.stdout, payload)
            return
        self.stdout.write(f"{payload['month']} · {payload['status']}")
        for winner in payload["winners"]:
            flag = " (partial)" if winner["partial"] else ""
            self.stdout.write(
                f"{winner['rank']:>3}. {winner['employee_no']} {winner['name']} {winner['score']}{flag}"
            )
        if payload["ineligible"]:
            self.stdout.write("Not eligible:")
            for person in payload["ineligible"]:
                self.stdout.write(
                    f"  {person['employee_no']} {person['name']}: {', '.join(person['reasons'])}"
                )
