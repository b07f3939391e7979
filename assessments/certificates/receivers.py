"""Certificates answer the curriculum's events: completed onboarding and completed lessons. Each handler only
calls a service."""

from assessments.certificates import services


def on_onboarding_completed(sender, staff_id, completed_on, **kwargs):
    services.onboarding_certificate_check(staff_id=staff_id)


def on_lesson_completed(sender, staff_id, lesson_id, completed_on, **kwargs):
    services.leadership_certificate_check(staff_id=staff_id, lesson_id=lesson_id, completed_on=completed_on)


def on_final_exam_passed(sender, staff_id, quiz_id, **kwargs):
    services.onboarding_certificate_check(staff_id=staff_id)
