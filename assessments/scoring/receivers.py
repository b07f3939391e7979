"""Receivers of lower apps' events that change a month's score inputs, and the score menu entries.

Each handler stores the affected months' scores again inside the sender's transaction (only the people concerned
where it can), so a month's stored scores are up to date whenever a write commits and no read ever writes them.
Published (locked) months keep their frozen scores.
"""

from django.utils.translation import gettext_lazy as _

from portal.models import Role

SCORED = (Role.AGENT, Role.TEAM_LEAD)
LEADERS = (Role.TEAM_LEAD, Role.MANAGER, Role.HR, Role.ADMIN)


def coaching_lesson_panel(request, lesson) -> dict | None:
    """On a lesson of one of the learner's outstanding remedial modules: why it was assigned and, when they
    completed the lesson before the assignment, the button that records studying it again."""
    from assessments.scoring.selectors import coaching_open_for_lesson, lessons_studied_at

    if not request.user.is_authenticated:
        return None
    items = coaching_open_for_lesson(staff=request.user, lesson=lesson)
    if not items:
        return None
    studied = lessons_studied_at(staff_ids=[request.user.pk], lesson_ids=[lesson.pk]).get(
        (request.user.pk, lesson.pk)
    )
    return {
        "template": "assessments/scores/coaching_lesson_panel.html",
        "items": items,
        "lesson": lesson,
        "studied_before": studied is not None and any(studied < item.assigned_at for item in items),
    }


def _learning_records_changed(sender, staff_ids=(), dates=(), categories=None, **kwargs):
    """Lesson completions, training records or assessment results: in-service ones count in the scores."""
    from assessments.scoring.services import monthly_scores_update
    from courses.models import Category

    if categories is not None and Category.IN_SERVICE not in categories:
        return
    monthly_scores_update(months=dates, staff_ids=staff_ids)


def _staff_roles_changed(sender, staff_ids=(), **kwargs):
    """People created, given another role or (de)activated: who is scored changed in every open month."""
    from assessments.scoring.services import monthly_scores_update_from

    monthly_scores_update_from(staff_ids=staff_ids)


def _staff_changed(sender, **kwargs):
    """People created or changed (team, department, role, active): every month's groups may have changed."""
    from assessments.scoring.services import score_summaries_mark_all_stale

    score_summaries_mark_all_stale()


def connect_scoring() -> None:
    from courses.signals import learning_records_changed
    from portal.navigation import register_home_panel, register_nav
    from portal.signals import staff_changed, staff_roles_changed

    learning_records_changed.connect(_learning_records_changed, dispatch_uid="assessments.scores.learning")
    staff_roles_changed.connect(_staff_roles_changed, dispatch_uid="assessments.scores.staff")
    staff_changed.connect(_staff_changed, dispatch_uid="assessments.scores.summaries")

    from assessments.scoring.views import my_score_panel

    register_nav(_("My scores"), "assessments:my-scores", roles=SCORED, order=30)
    register_nav(_("Scores"), "assessments:scores-overview", roles=LEADERS, order=31)
    register_home_panel("assessments/scores/panel.html", my_score_panel, roles=SCORED, order=20)
