"""Receivers of lower apps' events that make a month's stored scores stale, and the score menu entries.

The handlers only mark months dirty (cheap, inside the sender's request); score pages recompute a dirty unlocked
month before showing it (assessments.services.monthly_scores_refresh).
"""

from django.utils.translation import gettext_lazy as _

from portal.models import Role

SCORED = (Role.AGENT, Role.TEAM_LEAD)
LEADERS = (Role.TEAM_LEAD, Role.MANAGER, Role.HR, Role.ADMIN)


def _lesson_completed(sender, staff_id=None, lesson_id=None, completed_on=None, **kwargs):
    from assessments.scoring.services import score_months_mark_dirty

    if completed_on is not None:
        score_months_mark_dirty(months=[completed_on])


def _dated_records_changed(sender, months=None, dates=None, **kwargs):
    """For import signals of other apps that announce the months (or dates) they touched."""
    from assessments.scoring.services import score_months_mark_dirty

    score_months_mark_dirty(months=[*(months or []), *(dates or [])])


def _staff_changed(sender, staff_ids=None, **kwargs):
    from assessments.scoring.services import score_unlocked_months_mark_dirty

    score_unlocked_months_mark_dirty()


def connect_scoring() -> None:
    from courses import signals as course_signals
    from portal.navigation import register_home_panel, register_nav
    from portal.signals import staff_changed

    course_signals.lesson_completed.connect(_lesson_completed, dispatch_uid="assessments.scores.lesson")
    staff_changed.connect(_staff_changed, dispatch_uid="assessments.scores.staff")
    # Signals that other branches may add (training-record or evaluation imports, quiz grading).
    for name in ("training_records_imported", "learning_result_recorded", "evaluations_imported"):
        signal = getattr(course_signals, name, None)
        if signal is not None:
            signal.connect(_dated_records_changed, dispatch_uid=f"assessments.scores.{name}")

    from assessments.scoring.views import my_score_panel

    register_nav(_("My scores"), "assessments:my-scores", roles=SCORED, order=30)
    register_nav(_("Scores"), "assessments:scores-overview", roles=LEADERS, order=31)
    register_home_panel("assessments/scores/panel.html", my_score_panel, roles=SCORED, order=20)
