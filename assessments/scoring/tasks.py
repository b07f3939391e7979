"""Background tasks of scoring (django-tasks): run by `manage.py db_worker`, or at once under the immediate
backend (then inside the writing transaction)."""

from datetime import date

from django_tasks import task

from assessments.scoring.summaries import score_summaries_refresh


@task()
def refresh_score_summaries(month: str) -> None:
    score_summaries_refresh(month=date.fromisoformat(month))
