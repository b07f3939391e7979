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
