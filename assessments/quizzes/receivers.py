"""What quizzes register with the curriculum app at start-up: a gate that keeps a lesson with a quiz open until
the quiz is passed, and the quiz panel on the lesson page."""

from django.utils.translation import gettext as _

from assessments.quizzes import selectors
from portal.cache import scope_invalidate


def quiz_completion_gate(staff, lesson) -> str | None:
    """A lesson with a quiz is completed by passing the quiz, not by the learner's button."""
    quiz_ids = [q.pk for q in selectors.quizzes_for_lesson(lesson.pk) if q.lesson_id == lesson.pk]
    if quiz_ids and not selectors.has_passed(staff_id=staff.pk, quiz_ids=quiz_ids):
        return _("Pass the quiz first.")
    return None


def quiz_lesson_panel(request, lesson) -> dict | None:
    quizzes = selectors.quizzes_for_lesson_page(lesson.pk)
    if not quizzes:
        return None
    best = selectors.best_percent_by_quiz(staff=request.user, quiz_ids=[q.pk for q in quizzes])
    return {
        "template": "assessments/quiz/lesson_panel.html",
        "quizzes": [{"quiz": q, "result": best.get(q.pk)} for q in quizzes],
    }


def _quizzes_changed(sender, **kwargs):
    scope_invalidate(selectors.QUIZZES_SCOPE)


def connect_invalidation() -> None:
    """A quiz saved or deleted (its page deleted with it included) shows on the next lesson page."""
    from django.db.models.signals import post_delete, post_save

    from assessments.models import Quiz

    post_save.connect(_quizzes_changed, sender=Quiz, dispatch_uid="assessments.quizzes.cache.save")
    post_delete.connect(_quizzes_changed, sender=Quiz, dispatch_uid="assessments.quizzes.cache.delete")
