"""What waits for QA evaluators and leads in their work queue: calibration calls to score, references to set,
and sampled evaluations to review (registered with the decision finders at start-up)."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.calibration.leads import qa_lead_ids
from assessments.models import CalibrationParticipant, CalibrationSession, GraderReview
from notifications.reminders import Reminder


def calibration_calls_to_score(cutoff: datetime, recipient_id: int | None = None) -> list[Reminder]:
    """Invitations before `cutoff` not yet scored, in sessions whose reference is not set, to the invitee."""
    rows = CalibrationParticipant.objects.filter(
        scored_at__isnull=True,
        invited_at__lt=cutoff,
        session__reference_set_at__isnull=True,
        evaluator__is_active=True,
    ).order_by("invited_at", "pk")
    if recipient_id is not None:
        rows = rows.filter(evaluator_id=recipient_id)
    return [
        Reminder(
            recipient_id=evaluator_id,
            kind="decision_waiting",
            key=f"calibration:{session_id}",
            title=f"{call_id} · {rubric}",
            url=reverse("assessments:calibration-session", args=[session_id]),
            due_on=score_by,
            data={"what": _("Calibration call to score"), "since": invited_at},
        )
        for evaluator_id, session_id, call_id, rubric, score_by, invited_at in rows.values_list(
            "evaluator_id",
            "session_id",
            "session__call__call_id",
            "session__rubric__name",
            "session__score_by",
            "invited_at",
        )
    ]


def calibration_references_to_set(cutoff: datetime, recipient_id: int | None = None) -> list[Reminder]:
    """Sessions opened before `cutoff` that someone has scored and whose reference is not set, to the QA lead who
    opened them (while they are a QA lead), due on the session's scoring date."""
    leads = set(qa_lead_ids())
    rows = (
        CalibrationSession.objects.filter(
            reference_set_at__isnull=True, opened_at__lt=cutoff, participants__scored_at__isnull=False
        )
        .distinct()
        .order_by("opened_at", "pk")
    )
    if recipient_id is not None:
        rows = rows.filter(opened_by_id=recipient_id)
    return [
        Reminder(
            recipient_id=lead_id,
            kind="decision_waiting",
            key=f"calibration-reference:{pk}",
            title=f"{call_id} · {rubric}",
            url=reverse("assessments:calibration-session", args=[pk]),
            due_on=score_by,
            data={"what": _("Calibration reference to set"), "since": opened_at},
        )
        for pk, lead_id, call_id, rubric, score_by, opened_at in rows.values_list(
            "pk", "opened_by_id", "call__call_id", "rubric__name", "score_by", "opened_at"
        )
        if lead_id in leads
    ]


def evaluations_to_review(cutoff: datetime, recipient_id: int | None = None) -> list[Reminder]:
    """Sampled evaluations drawn before `cutoff` and not reviewed, to every QA lead but the evaluator and the
    evaluated person."""
    leads = qa_lead_ids()
    if recipient_id is not None:
        leads = [lead for lead in leads if lead == recipient_id]
    if not leads:
        return []
    rows = GraderReview.objects.filter(reviewed_at__isnull=True, draw__at__lt=cutoff).order_by("due_on", "pk")
    return [
        Reminder(
            recipient_id=lead,
            kind="decision_waiting",
            key=f"grader-review:{pk}",
            title=f"{evaluator_name} · {staff_name} · {on_date:%Y-%m-%d}",
            url=reverse("assessments:grader-review", args=[pk]),
            due_on=due_on,
            subject_id=evaluator_id,
            data={"what": _("Evaluation to review"), "since": drawn_at},
        )
        for pk, evaluator_id, evaluator_name, staff_id, staff_name, on_date, due_on, drawn_at in rows.values_list(
            "pk",
            "evaluator_id",
            "evaluator__name",
            "evaluation__staff_id",
            "evaluation__staff__name",
            "evaluation__date",
            "due_on",
            "draw__at",
        )
        for lead in leads
        if lead not in (evaluator_id, staff_id)
    ]
