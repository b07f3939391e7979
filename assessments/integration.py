"""What this app registers with the curriculum app at start-up: a quiz gate and panel on lessons, and the
certificate reactions to completed onboarding and completed lessons. Each handler only calls a service."""

from assessments import certificates, quiz_selectors


def quiz_completion_gate(staff, lesson) -> str | None:
    """A lesson with a quiz is completed by passing the quiz, not by the learner's button."""
    from django.utils.translation import gettext as _

    quiz_ids = [q.pk for q in quiz_selectors.quizzes_for_lesson(lesson.pk) if q.lesson_id == lesson.pk]
    if quiz_ids and not quiz_selectors.has_passed(staff_id=staff.pk, quiz_ids=quiz_ids):
        return _("Pass the quiz first.")
    return None


def quiz_lesson_panel(request, lesson) -> dict | None:
    quizzes = quiz_selectors.quizzes_for_lesson(lesson.pk)
    if not quizzes:
        return None
    best = quiz_selectors.best_percent_by_quiz(staff=request.user, quiz_ids=[q.pk for q in quizzes])
    return {
        "template": "assessments/quiz/lesson_panel.html",
        "quizzes": [{"quiz": q, "result": best.get(q.pk)} for q in quizzes],
    }


def on_onboarding_completed(sender, staff_id, completed_on, **kwargs):
    certificates.onboarding_certificate_check(staff_id=staff_id)


def on_lesson_completed(sender, staff_id, lesson_id, completed_on, **kwargs):
    certificates.leadership_certificate_check(
        staff_id=staff_id, lesson_id=lesson_id, completed_on=completed_on
    )
