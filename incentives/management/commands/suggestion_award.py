"""`suggestion_award --scores 4,3.5,5,2,1 --scores 3,4,4,2.5,1 [--json]`: value score and award under the policy."""

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from incentives import rules
from incentives.selectors import award_policy_for_month
from portal.management.base import JsonCommand, write_json

CRITERIA = ", ".join(name for name, _weight in rules.SUGGESTION_CRITERIA)


def parse_review(text: str, number: int) -> tuple[list[Decimal] | None, list[str]]:
    """One reviewer's comma-separated scores; returns (scores, errors)."""
    scores = []
    for part in text.split(","):
        try:
            value = Decimal(part.strip())
        except InvalidOperation:
            return None, [f"review {number}: {part.strip()!r} is not a number"]
        scores.append(value)
    try:
        rules.validate_reviewer_scores(scores)
    except ValueError as exc:
        return None, [f"review {number}: {exc}"]
    return scores, []


class Command(JsonCommand):
    help = (
        "Value score and award of an adopted suggestion under the current award policy. Give --scores once per "
        f"reviewer (at least {rules.MIN_REVIEWS}), five scores 0–5 in halves, in this order: {CRITERIA}."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--scores", action="append", default=[], metavar="S1,S2,S3,S4,S5")

    def handle(self, *args, **options):
        errors = []
        reviews = []
        for number, text in enumerate(options["scores"], start=1):
            scores, problems = parse_review(text, number)
            errors.extend(problems)
            if scores is not None:
                reviews.append(scores)
        if len(options["scores"]) < rules.MIN_REVIEWS:
            errors.append(
                f"at least {rules.MIN_REVIEWS} reviews are needed (one --scores per reviewer), "
                f"got {len(options['scores'])}"
            )
        if errors:
            if options["json"]:
                write_json(self.stdout, {"value_score": None, "award_yuan": None, "errors": errors})
            for error in errors:
                self.stderr.write(error)
            raise SystemExit(1)
        policy = award_policy_for_month(timezone.localdate())
        value = rules.suggestion_value_score(reviews)
        award = rules.suggestion_award_amount(value, policy.award_tiers())
        if options["json"]:
            write_json(self.stdout, {"value_score": f"{value:.2f}", "award_yuan": award})
        else:
            self.stdout.write(f"value score {value:.2f} → award {award:,} yuan ({policy.name})")
