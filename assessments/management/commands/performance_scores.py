from django.utils.translation import gettext as _

from assessments.scoring.selectors import month_score_lines, scored_staff_for_month
from portal.management.base import MonthCommand, write_json
from portal.services import month_is_locked


def _text(value):
    return None if value is None else f"{value:.2f}"


def score_line_payload(line) -> dict:
    """One person's object in the command's `scores` list (the integration API answers the same)."""
    return {
        "employee_no": line.employee_no,
        "score": _text(line.composite),
        "kpi": _text(line.kpi),
        "quality": _text(line.quality),
        "learning": _text(line.learning),
        "partial": line.partial,
    }


class Command(MonthCommand):
    help = (
        "Print the month's score of every active agent and team lead who has one: the stored scores (for an open "
        "month with data but none stored, computed from the current data). Writes nothing; a month without data "
        "prints none."
    )

    refused_payload = {"scores": []}

    def handle(self, *args, **options):
        month = self.month_option(options)
        lines = month_score_lines(month=month, staff_qs=scored_staff_for_month(month))
        if options["json"]:
            write_json(
                self.stdout,
                {
                    "month": f"{month:%Y-%m}",
                    "scores": [score_line_payload(line) for line in lines],
                },
            )
            if not lines:
                self.stderr.write(_("No data for this month."))
            return
        header = f"{'employee_no':<14}{'score':>8}{'kpi':>8}{'quality':>9}{'learning':>10}  partial  name"
        self.stdout.write(
            f"Scores of {month:%Y-%m}" + (" (published, frozen)" if month_is_locked(month) else "")
        )
        if not lines:
            self.stdout.write(_("No data for this month."))
            return
        self.stdout.write(header)
        for line in lines:
            self.stdout.write(
                f"{line.employee_no:<14}{_text(line.composite):>8}{_text(line.kpi) or '-':>8}"
                f"{_text(line.quality) or '-':>9}{_text(line.learning) or '-':>10}  "
                f"{'yes' if line.partial else 'no':<7}  {line.name}"
            )
        self.stdout.write(f"{len(lines)} scored")
