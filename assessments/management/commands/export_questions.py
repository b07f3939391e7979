from django.core.management.base import BaseCommand, CommandError

from assessments.models import QuestionBank
from assessments.quizzes.services import question_bank_export


class Command(BaseCommand):
    help = "Write a question bank as GIFT text on standard output (or to --output)."

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True)
        parser.add_argument("--output", help="File to write instead of standard output.")

    def handle(self, *args, **options):
        bank = QuestionBank.objects.filter(name=options["bank"]).first()
        if bank is None:
            raise CommandError(f"No question bank named {options['bank']!r}.")
        text = question_bank_export(bank=bank)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
