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
