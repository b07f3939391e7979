"""Background tasks of certificates (django-tasks): run by `manage.py db_worker`, or at once under the immediate
backend."""

from django_tasks import task

from assessments.certificates.batches import certificate_batch_render


@task()
def regenerate_certificates(batch_id: int) -> None:
    certificate_batch_render(batch_id=batch_id)
