"""Reads of calibration and grade-the-grader (they never write): the policy, who may see a session and what
they see of it, the monthly evaluator-accuracy report, and the reviews waiting for a QA lead."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404

from assessments.calibration import rules
from assessments.calibration.leads import is_qa_lead
from assessments.models import (
    CalibrationCriterion,
    CalibrationParticipant,
    CalibrationPolicy,
    CalibrationScore,
    CalibrationSession,
    GraderReview,
    GraderReviewItem,
)
from assessments.qa.selectors import qa_evaluator_ids
from portal.models import User
from portal.months import months_up_to

TREND_MONTHS = 6


def calibration_policy_get() -> CalibrationPolicy:
    """The calibration policy (its defaults, unsaved, if the row is missing)."""
    return CalibrationPolicy.objects.order_by("pk").first() or CalibrationPolicy()


def evaluator_ids() -> list[int]:
    """Ids of the people who may be invited to calibrate: the active QA evaluators."""
    return sorted(qa_evaluator_ids().values())


def evaluators_list() -> list[User]:
    return list(User.objects.filter(pk__in=evaluator_ids()).order_by("employee_no"))


# --- Sessions --------------------------------------------------------------------------------------------------


def sessions_for_user(user: User) -> list[CalibrationSession]:
    """A QA lead's view: every session, newest first; an evaluator's: the sessions they were invited to, those
    still to score first. Each carries `invited` and `scored` counts, and `mine` (the reader's participation)."""
    sessions = CalibrationSession.objects.select_related("call__staff", "rubric").annotate(
        invited=Count("participants"),
        scored=Count("participants", filter=Q(participants__scored_at__isnull=False)),
    )
    if not is_qa_lead(user):
        sessions = sessions.filter(participants__evaluator=user)
    sessions = list(sessions.order_by("-opened_at", "-pk")[:300])
    mine = {
        p.session_id: p
        for p in CalibrationParticipant.objects.filter(evaluator=user, session__in=[s.pk for s in sessions])
    }
    for session in sessions:
        session.mine = mine.get(session.pk)
    if not is_qa_lead(user):
        sessions.sort(key=lambda s: (s.mine.scored_at is not None, s.reference_is_set, s.score_by))
    return sessions


def session_get_for_user(user: User, session_id: int) -> CalibrationSession:
    """The session if `user` is a QA lead or was invited to it; 404 otherwise."""
    session = CalibrationSession.objects.select_related("call__staff", "rubric", "opened_by").filter(
        pk=session_id
    )
    session = session.first()
    if session is None:
        raise Http404
    if not is_qa_lead(user) and not session.participants.filter(evaluator=user).exists():
        raise Http404
    return session


@dataclass
class CriterionLine:
    criterion: CalibrationCriterion
    mine: Decimal | None = None
    deviation: Decimal | None = None
    within: bool | None = None


@dataclass
class ParticipantLine:
    participant: CalibrationParticipant
    scores: list[Decimal | None] = field(default_factory=list)
    deviations: list[Decimal | None] = field(default_factory=list)
    accuracy: rules.Accuracy | None = None


def session_tolerance(session: CalibrationSession) -> Decimal:
    """The tolerance `session` is judged by: the policy's when its reference was set (today's before that)."""
    if session.tolerance_points is not None:
        return session.tolerance_points
    return calibration_policy_get().tolerance_points


def month_tolerance(month: date) -> Decimal:
    """The tolerance `month`'s report judges by: the one kept with the month's latest reference (today's
    policy for a month without one)."""
    kept = (
        CalibrationSession.objects.filter(month=month, tolerance_points__isnull=False)
        .order_by("-reference_set_at", "-pk")
        .values_list("tolerance_points", flat=True)
        .first()
    )
    return kept if kept is not None else calibration_policy_get().tolerance_points


def session_view(session: CalibrationSession, user: User) -> dict:
    """What `user` sees of `session`. An evaluator sees only their own scores, and the reference with their
    deviation per criterion once it is set; never another evaluator's scores. A QA lead sees every participant's
    scores (to discuss them before setting the reference) and, once set, each one's deviations."""
    criteria = list(session.criteria.all())
    participants = list(session.participants.select_related("evaluator").order_by("evaluator__employee_no"))
    me = next((p for p in participants if p.evaluator_id == user.pk), None)
    lead = is_qa_lead(user) and me is None
    tolerance = session_tolerance(session)
    scores: dict[int, dict[int, Decimal]] = defaultdict(dict)
    visible = [p.pk for p in participants] if lead else ([me.pk] if me else [])
    for participant_id, criterion_id, percent in CalibrationScore.objects.filter(
        participant_id__in=visible
    ).values_list("participant_id", "criterion_id", "percent"):
        scores[participant_id][criterion_id] = percent
    reference = (
        {c.pk: c.reference_percent for c in criteria if c.reference_percent is not None}
        if session.reference_is_set
        else {}
    )
    lines = []
    for criterion in criteria:
        line = CriterionLine(criterion)
        if me is not None:
            line.mine = scores[me.pk].get(criterion.pk)
            if criterion.pk in reference and line.mine is not None:
                line.deviation = line.mine - reference[criterion.pk]
                line.within = rules.within_tolerance(line.deviation, tolerance)
        lines.append(line)
    my_accuracy = None
    if me is not None and reference and me.scored_at:
        my_accuracy = rules.evaluator_accuracy([rules.deviations(scores[me.pk], reference)], tolerance)
    others = []
    if lead:
        for participant in participants:
            own = scores[participant.pk]
            devs = rules.deviations(own, reference) if reference else {}
            others.append(
                ParticipantLine(
                    participant=participant,
                    scores=[own.get(c.pk) for c in criteria],
                    deviations=[devs.get(c.pk) for c in criteria],
                    accuracy=rules.evaluator_accuracy([devs], tolerance) if devs else None,
                )
            )
    return {
        "criteria": criteria,
        "lines": lines,
        "me": me,
        "is_lead_view": lead,
        "participants": others,
        "tolerance": tolerance,
        "my_accuracy": my_accuracy,
        "may_score": me is not None and me.scored_at is None and not session.reference_is_set,
        "may_set_reference": lead and not session.reference_is_set and any(p.scored_at for p in participants),
    }


# --- The monthly evaluator-accuracy report ---------------------------------------------------------------------


@dataclass
class AccuracyRow:
    evaluator: User
    invited: int
    accuracy: rules.Accuracy
    history: list[tuple[date, Decimal | None]]  # (month, mean absolute deviation as shown), oldest first
    trend: str
    reviews: int
    agreement: Decimal | None  # unrounded percent

    @property
    def mad(self) -> Decimal | None:
        return rules.shown(self.accuracy.mean_abs_deviation)

    @property
    def within_share(self) -> Decimal | None:
        return rules.shown(self.accuracy.within_share)

    @property
    def agreement_shown(self) -> Decimal | None:
        return rules.shown(self.agreement)


def evaluator_accuracy_report(month: date) -> dict:
    """Per evaluator for `month`: sessions invited to and joined (scored, reference set), mean absolute deviation
    from the reference, share of criteria within the month's tolerance (`month_tolerance`: the policy's when
    the month's references were set), the trend over the last six months, the flag, and the grade-the-grader
    agreement rate of their evaluations sampled for the month.

    Set-based: one query for the scores of six months, one for the invitations, one for the reviews."""
    tolerance = month_tolerance(month)
    months = months_up_to(month, TREND_MONTHS)
    # evaluator → month → session → {criterion: deviation}
    found: dict[int, dict[date, dict[int, dict[int, Decimal]]]] = defaultdict(lambda: defaultdict(dict))
    for (
        evaluator_id,
        session_id,
        session_month,
        criterion_id,
        percent,
        reference,
    ) in CalibrationScore.objects.filter(
        participant__session__month__in=months,
        participant__session__reference_set_at__isnull=False,
        criterion__reference_percent__isnull=False,
    ).values_list(
        "participant__evaluator_id",
        "participant__session_id",
        "participant__session__month",
        "criterion_id",
        "percent",
        "criterion__reference_percent",
    ):
        found[evaluator_id][session_month].setdefault(session_id, {})[criterion_id] = percent - reference
    invited = dict(
        CalibrationParticipant.objects.filter(session__month=month, session__reference_set_at__isnull=False)
        .values("evaluator_id")
        .annotate(n=Count("pk"))
        .values_list("evaluator_id", "n")
    )
    verdicts: dict[int, list[bool]] = defaultdict(list)
    reviews: dict[int, set[int]] = defaultdict(set)
    for evaluator_id, review_id, agree in GraderReviewItem.objects.filter(
        review__draw__month=month, review__reviewed_at__isnull=False
    ).values_list("review__evaluator_id", "review_id", "agree"):
        verdicts[evaluator_id].append(agree)
        reviews[evaluator_id].add(review_id)
    people = set(invited) | set(reviews) | {e for e, by_month in found.items() if month in by_month}
    users = User.objects.filter(pk__in=people).in_bulk()
    rows = []
    for evaluator_id in people:
        by_month = found.get(evaluator_id, {})
        history = []
        for m in months:
            sessions = list(by_month.get(m, {}).values())
            history.append((m, rules.evaluator_accuracy(sessions, tolerance).mean_abs_deviation))
        rows.append(
            AccuracyRow(
                evaluator=users[evaluator_id],
                invited=invited.get(evaluator_id, 0),
                accuracy=rules.evaluator_accuracy(list(by_month.get(month, {}).values()), tolerance),
                history=[(m, rules.shown(mad)) for m, mad in history],
                trend=rules.trend([mad for _m, mad in history]),
                reviews=len(reviews.get(evaluator_id, ())),
                agreement=rules.agreement_rate(verdicts.get(evaluator_id, [])),
            )
        )
    rows.sort(key=lambda r: (not r.accuracy.flagged, r.evaluator.employee_no))
    return {"month": month, "months": months, "tolerance": tolerance, "rows": rows}


# --- Grade the grader ------------------------------------------------------------------------------------------


def reviews_for_lead(user: User, month: date | None = None) -> list[GraderReview]:
    """Sampled evaluations a QA lead may review (not their own, not of themselves), waiting ones first by due
    date, then those done; of `month`'s samples when given."""
    if not is_qa_lead(user):
        return []
    reviews = (
        GraderReview.objects.select_related("evaluation__staff", "evaluator", "reviewer", "draw")
        .exclude(evaluator=user)
        .exclude(evaluation__staff=user)
    )
    if month is not None:
        reviews = reviews.filter(draw__month=month)
    return sorted(reviews[:1000], key=lambda r: (r.reviewed_at is not None, r.due_on, r.pk))


def review_get_for_lead(user: User, review_id: int) -> GraderReview:
    """A sampled evaluation for a QA lead to review; 404 for anyone else, and for the evaluator themselves."""
    review = (
        GraderReview.objects.select_related("evaluation__staff", "evaluator", "reviewer", "draw")
        .filter(pk=review_id)
        .first()
    )
    if review is None or not is_qa_lead(user) or user.pk in (review.evaluator_id, review.evaluation.staff_id):
        raise Http404
    return review
