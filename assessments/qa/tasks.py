"""Background tasks of QA (django-tasks): run by `manage.py db_worker`, or at once under the immediate backend."""

from django_tasks import task

from assessments.qa.call_jobs import call_import_job_run


@task()
def import_call_file(job_id: int) -> None:
    call_import_job_run(job_id=job_id)
