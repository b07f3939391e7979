"""Answers to the lower apps' signals: each writes its outbox rows (webhook deliveries, xAPI statements) in the
transaction of the change it hears of, and the rows are queued for the worker once that commits."""

from events import payloads, rules
from events.services import event_announce, xapi_enabled, xapi_statements_queue


def on_month_published(sender, publication, **kwargs):
    event_announce(rules.MONTH_PUBLISHED, payloads.month_published_data(publication))


def on_month_unpublished(sender, publication, **kwargs):
    event_announce(rules.MONTH_UNPUBLISHED, payloads.month_unpublished_data(publication))


def on_scores_stored(sender, month, staff_ids, **kwargs):
    event_announce(rules.SCORES_UPDATED, payloads.scores_updated_data(month, staff_ids))


def on_certificate_changed(sender, certificate, change, **kwargs):
    event = rules.CERTIFICATE_EVENTS.get(change)
    if event:
        event_announce(event, payloads.certificate_data(certificate))
    if change == "issued" and xapi_enabled():
        xapi_statements_queue([payloads.certificate_statement(certificate)])


def on_attempt_graded(sender, attempt, **kwargs):
    if xapi_enabled():
        xapi_statements_queue([payloads.quiz_statement(attempt)])


def on_lesson_completed(sender, staff_id, lesson_id, **kwargs):
    """Sent after the completion committed (one per person of an attendance list)."""
    from courses.models import LessonCompletion

    if not xapi_enabled():
        return
    completion = (
        LessonCompletion.objects.select_related("staff", "lesson")
        .filter(staff_id=staff_id, lesson_id=lesson_id)
        .first()
    )
    if completion is not None:
        xapi_statements_queue([payloads.lesson_statement(completion)])
