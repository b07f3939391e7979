"""Background tasks of QA (django-tasks): run by `manage.py db_worker`, or at once under the immediate backend."""

from django_tasks import task


@task()
def import_call_file(job_id: int) -> None:
    # Imported here: the services queue this task, so they cannot be imported before it.
    from assessments.qa.services import call_import_job_run

    call_import_job_run(job_id=job_id)
