from django.core.exceptions import ValidationError

from assessments.qa.selectors import qa_sample_get
from assessments.qa.services import qa_sample_draw
from portal.management.base import MonthCommand, write_json


class Command(MonthCommand):
    help = (
        "Draw (or top up) the month's spot-check sample from the calls imported so far and assign each drawn "
        "call to a QA evaluator; earlier draws are kept. Prints the month's whole sample."
    )
    refused_payload = {"per_agent": None, "draws": [], "assigned": []}

    def handle(self, *args, **options):
        month = self.month_option(options)
        try:
            outcome = qa_sample_draw(month=month)
        except ValidationError as exc:
            self.fail(options, " ".join(exc.messages), {"month": f"{month:%Y-%m}", **self.refused_payload})
        sample = qa_sample_get(month)
        if outcome.draw is None:
            self.stderr.write(
                f"{sample['month']}: nothing new to draw; {len(sample['assigned'])} calls in the sample."
            )
        else:
            self.stderr.write(
                f"{sample['month']}: drew {outcome.drawn} calls (seed {outcome.draw.seed}); "
                f"{len(sample['assigned'])} calls in the sample."
            )
        if options["json"]:
            write_json(self.stdout, sample)
            return
        for row in sample["assigned"]:
            self.stdout.write(f"{row['employee_no']}\t{row['call_id']}\t{row['evaluator']}")
