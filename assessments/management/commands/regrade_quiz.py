from django.core.management.base import BaseCommand, CommandError

from assessments.models import Quiz
from assessments.quizzes.grading import QuizError, quiz_regrade
from portal.models import User


class Command(BaseCommand):
    help = "Regrade every finished attempt of a quiz against its questions' current answers (audited)."

    def add_arguments(self, parser):
        parser.add_argument("quiz_id", type=int)
        parser.add_argument("--reason", required=True, help="Why (recorded on every attempt's audit row).")
        parser.add_argument("--by", help="Employee number of the person ordering the regrade.")

    def handle(self, *args, **options):
        quiz = Quiz.objects.filter(pk=options["quiz_id"]).first()
        if quiz is None:
            raise CommandError(f"No quiz {options['quiz_id']}.")
        acting_user = User.objects.filter(employee_no=options["by"]).first() if options["by"] else None
        try:
            count = quiz_regrade(quiz=quiz, acting_user=acting_user, reason=options["reason"])
        except QuizError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Regraded {count} attempt(s).")
