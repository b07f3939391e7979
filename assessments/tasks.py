"""Background tasks (django-tasks): run by `manage.py db_worker`, or at once under the immediate backend."""

from django_tasks import task


@task()
def regenerate_certificates(batch_id: int) -> None:
    from assessments.certificates import certificate_batch_render

    certificate_batch_render(batch_id=batch_id)


@task()
def close_expired_attempts() -> int:
    from assessments.quiz_services import attempts_close_expired

    return attempts_close_expired()


@task()
def close_attempt_at_deadline(attempt_id: int) -> bool:
    """Scheduled when a timed attempt starts, to run just after its deadline plus grace: closes and grades it
    if the learner walked away. A no-op for an attempt already submitted."""
    from assessments.models import Attempt
    from assessments.quiz_services import attempt_close_if_expired

    attempt = Attempt.objects.filter(pk=attempt_id).select_related("quiz").first()
    return attempt is not None and attempt_close_if_expired(attempt)
