from django.core.management.base import BaseCommand

from assessments.quizzes.grading import attempts_close_expired
from assessments.quizzes.tasks import close_expired_attempts


class Command(BaseCommand):
    help = "Close and grade quiz attempts whose time limit has passed (run every minute, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue it as a background task instead.")

    def handle(self, *args, **options):
        if options["enqueue"]:
            close_expired_attempts.enqueue()
            self.stdout.write("Queued.")
            return
        self.stdout.write(f"Closed {attempts_close_expired()} attempt(s).")
