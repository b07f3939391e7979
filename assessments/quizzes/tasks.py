"""Background tasks of quizzes (django-tasks): run by `manage.py db_worker`, or at once under the immediate
backend."""

from django_tasks import task

from assessments.models import Attempt
from assessments.quizzes.grading import attempt_close_if_expired, attempts_close_expired


@task()
def close_expired_attempts() -> int:
    return attempts_close_expired()


@task()
def close_attempt_at_deadline(attempt_id: int) -> bool:
    """Scheduled when a timed attempt starts, to run just after its deadline plus grace: closes and grades it
    if the learner walked away. A no-op for an attempt already submitted."""
    attempt = Attempt.objects.filter(pk=attempt_id).select_related("quiz").first()
    return attempt is not None and attempt_close_if_expired(attempt)
