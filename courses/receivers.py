"""Answers to events other parts announce: the people app's staff changes and Wagtail's page publication.

Each receiver only calls this app's services (conventions: "Between apps").
"""

from django.utils import timezone

from courses import services


def on_staff_changed(sender, staff_ids=(), created_ids=(), **kwargs):
    services.enrolments_for_staff(staff_ids=staff_ids, today=timezone.localdate())


def on_programme_published(sender, instance, revision=None, **kwargs):
    services.enrolments_for_programme(programme=instance, today=timezone.localdate())


def on_lesson_published(sender, instance, revision=None, **kwargs):
    services.sop_revision_record(
        lesson=instance, revision=revision, acting_user=getattr(revision, "user", None)
    )


def my_training_scopes(user) -> list[str]:
    """What the home page's training panel is computed from: the person's own learning and the curriculum (SOP
    revisions are rows of the curriculum too)."""
    from portal.cache import learner_scope
    from portal.page_cache import PAGES_SCOPE

    return [learner_scope(user.pk), PAGES_SCOPE]


def _learner_row_changed(sender, instance, **kwargs):
    from portal.cache import learners_invalidate

    learners_invalidate([instance.staff_id])


def _sop_revision_changed(sender, **kwargs):
    from portal.cache import scope_invalidate
    from portal.page_cache import PAGES_SCOPE

    scope_invalidate(PAGES_SCOPE)


def connect_learner_invalidation() -> None:
    """A person's enrolment, completion, training record or SOP acknowledgement saved or deleted makes their
    cached home panels stale; bulk writes in the services do it themselves."""
    from django.db.models.signals import post_delete, post_save

    from courses.models import Enrolment, LessonCompletion, SopAcknowledgement, SopRevision, TrainingRecord

    for signal in (post_save, post_delete):
        for model in (Enrolment, LessonCompletion, SopAcknowledgement, TrainingRecord):
            signal.connect(
                _learner_row_changed, sender=model, dispatch_uid=f"courses.learner.{model.__name__}"
            )
        signal.connect(_sop_revision_changed, sender=SopRevision, dispatch_uid="courses.learner.SopRevision")
