"""What quizzes register with the curriculum app at start-up: a gate that keeps a lesson with a quiz open until
the quiz is passed, and the quiz panel on the lesson page."""

from django.utils.translation import gettext as _

from assessments.quizzes import selectors


def quiz_completion_gate(staff, lesson) -> str | None:
    """A lesson with a quiz is completed by passing the quiz, not by the learner's button."""
    quiz_ids = [q.pk for q in selectors.quizzes_for_lesson(lesson.pk) if q.lesson_id == lesson.pk]
    if quiz_ids and not selectors.has_passed(staff_id=staff.pk, quiz_ids=quiz_ids):
        return _("Pass the quiz first.")
    return None


def quiz_lesson_panel(request, lesson) -> dict | None:
    quizzes = selectors.quizzes_for_lesson(lesson.pk)
    if not quizzes:
        return None
    best = selectors.best_percent_by_quiz(staff=request.user, quiz_ids=[q.pk for q in quizzes])
    return {
        "template": "assessments/quiz/lesson_panel.html",
        "quizzes": [{"quiz": q, "result": best.get(q.pk)} for q in quizzes],
    }
