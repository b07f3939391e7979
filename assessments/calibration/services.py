"""Every write of calibration and grade-the-grader: opening a session, an evaluator's blind scores, the QA lead's
reference, the review sample and each review, and the calibration policy. Each checks who acts, locks what it
must and writes the audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.calibration import rules
from assessments.calibration.leads import is_qa_lead
from assessments.calibration.selectors import evaluator_ids
from assessments.models import (
    CalibrationCriterion,
    CalibrationParticipant,
    CalibrationPolicy,
    CalibrationScore,
    CalibrationSession,
    Call,
    Evaluation,
    GraderReview,
    GraderReviewDraw,
    GraderReviewItem,
    Rubric,
)
from assessments.qa import rules as qa_rules
from portal.models import User
from portal.months import first_of_month, last_of_month
from portal.services import audit_record, require_permission

MIN_PARTICIPANTS = 2


def _require_lead(acting_user) -> None:
    if not is_qa_lead(acting_user):
        raise PermissionDenied(_("Only a QA lead may do this."))


def _level_percent(criterion: CalibrationCriterion, index: int | None) -> Decimal:
    if index is None or not 0 <= index < len(criterion.levels):
        raise ValidationError(_("Choose a level for every criterion (%(name)s).") % {"name": criterion.name})
    return Decimal(str(criterion.levels[index]["percent"]))


# --- Sessions --------------------------------------------------------------------------------------------------


def calibration_session_open(
    *,
    call: Call,
    rubric: Rubric,
    evaluators: list[User],
    score_by: date,
    acting_user: User,
    note: str = "",
    now: datetime | None = None,
) -> CalibrationSession:
    """A QA lead asks several evaluators (at least two QA evaluators, not the lead, not the call's agent) to score
    `call` blind on `rubric` by `score_by`. The rubric's criteria are copied into the session."""
    _require_lead(acting_user)
    now = now or timezone.now()
    if not rubric.is_active:
        raise ValidationError(_("Choose an active rubric."))
    criteria = list(rubric.criteria.all())
    if not criteria:
        raise ValidationError(_("This rubric has no criteria."))
    if score_by < timezone.localdate(now):
        raise ValidationError(_("The date to score by cannot be in the past."))
    allowed = set(evaluator_ids())
    chosen = {e.pk: e for e in evaluators}
    for person in chosen.values():
        if person.pk == acting_user.pk:
            raise ValidationError(_("You set the reference: invite other evaluators, not yourself."))
        if person.pk == call.staff_id:
            raise ValidationError(
                _("%(name)s handled this call and cannot calibrate on it.") % {"name": person.name}
            )
        if person.pk not in allowed:
            raise ValidationError(_("%(name)s is not a QA evaluator.") % {"name": person.name})
    if len(chosen) < MIN_PARTICIPANTS:
        raise ValidationError(_("Invite at least two evaluators."))
    with transaction.atomic():
        session = CalibrationSession.objects.create(
            call=call,
            rubric=rubric,
            month=first_of_month(timezone.localdate(now)),
            score_by=score_by,
            note=note.strip(),
            opened_by=acting_user,
            opened_at=now,
        )
        CalibrationCriterion.objects.bulk_create(
            [
                CalibrationCriterion(
                    session=session, name=c.name, weight=c.weight, levels=c.levels, order=position
                )
                for position, c in enumerate(criteria)
            ]
        )
        CalibrationParticipant.objects.bulk_create(
            [
                CalibrationParticipant(session=session, evaluator_id=pk, invited_at=now)
                for pk in sorted(chosen)
            ]
        )
        audit_record(
            action="calibration.open",
            acting_user=acting_user,
            target=session,
            call_id=call.call_id,
            rubric=rubric.name,
            evaluators=sorted(e.employee_no for e in chosen.values()),
            score_by=score_by.isoformat(),
        )
    return session


def _locked_session(session_id: int) -> CalibrationSession:
    session = CalibrationSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def calibration_scores_submit(
    *, session_id: int, levels: dict[int, int], acting_user: User, now: datetime | None = None
) -> CalibrationParticipant:
    """An invited evaluator scores every criterion (`levels`: criterion id → level index), once, before the
    reference is set. Anyone not invited gets a 404."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id)
        participant = CalibrationParticipant.objects.filter(session=session, evaluator=acting_user).first()
        if participant is None:
            raise Http404
        if session.reference_is_set:
            raise ValidationError(_("The reference is set: this session takes no more scores."))
        if participant.scored_at is not None:
            raise ValidationError(_("You have already scored this call."))
        criteria = list(session.criteria.all())
        scores = [
            CalibrationScore(
                participant=participant, criterion=c, percent=_level_percent(c, levels.get(c.pk))
            )
            for c in criteria
        ]
        CalibrationScore.objects.bulk_create(scores)
        participant.scored_at = now
        participant.save(update_fields=["scored_at"])
        audit_record(
            action="calibration.score",
            acting_user=acting_user,
            target=session,
            scores={s.criterion.name: str(s.percent) for s in scores},
        )
    return participant


def calibration_reference_set(
    *,
    session_id: int,
    levels: dict[int, int],
    acting_user: User,
    notes: dict[int, str] | None = None,
    now: datetime | None = None,
) -> CalibrationSession:
    """A QA lead who is not a participant sets the reference score of every criterion (`levels`: criterion id →
    level index, `notes`: why, optional), once at least one evaluator has scored. Final: scoring closes and each
    participant sees their deviation, judged by the policy's tolerance of this moment (kept with the session)."""
    _require_lead(acting_user)
    now = now or timezone.now()
    notes = notes or {}
    with transaction.atomic():
        session = _locked_session(session_id)
        if session.reference_is_set:
            raise ValidationError(_("The reference of this session is already set."))
        participants = list(session.participants.all())
        if any(p.evaluator_id == acting_user.pk for p in participants):
            raise ValidationError(_("You scored in this session: another QA lead sets its reference."))
        if not any(p.scored_at for p in participants):
            raise ValidationError(_("Nobody has scored this call yet."))
        criteria = list(session.criteria.all())
        for criterion in criteria:
            criterion.reference_percent = _level_percent(criterion, levels.get(criterion.pk))
            criterion.reference_note = (notes.get(criterion.pk) or "").strip()
        CalibrationCriterion.objects.bulk_update(criteria, ["reference_percent", "reference_note"])
        session.reference_set_by = acting_user
        session.reference_set_at = now
        session.tolerance_points = _policy_locked().tolerance_points
        session.save(update_fields=["reference_set_by", "reference_set_at", "tolerance_points"])
        audit_record(
            action="calibration.reference",
            acting_user=acting_user,
            target=session,
            reference={c.name: str(c.reference_percent) for c in criteria},
            scored=sum(1 for p in participants if p.scored_at),
            invited=len(participants),
        )
    return session


# --- The calibration policy ------------------------------------------------------------------------------------


def _policy_locked() -> CalibrationPolicy:
    return (
        CalibrationPolicy.objects.select_for_update().order_by("pk").first()
        or CalibrationPolicy.objects.create()
    )


def calibration_policy_update(
    *,
    tolerance_points: Decimal,
    reviews_per_evaluator: int,
    review_days: int,
    reason: str,
    acting_user: User,
) -> CalibrationPolicy:
    """HR changes the calibration policy, with a reason. Reports recompute with the new tolerance; samples
    already drawn keep their size and due dates."""
    require_permission(acting_user, "assessments.manage_qa")
    if not reason.strip():
        raise ValidationError(_("Give the reason for the change."))
    if not Decimal(0) <= tolerance_points <= Decimal(100) or tolerance_points != rules.shown(
        tolerance_points
    ):
        raise ValidationError(_("The tolerance must be from 0 to 100 points, with at most 2 decimals."))
    if not 0 <= reviews_per_evaluator <= 100:
        raise ValidationError(_("Evaluations reviewed per evaluator must be from 0 to 100."))
    if not 1 <= review_days <= 90:
        raise ValidationError(_("Days to review must be from 1 to 90."))
    with transaction.atomic():
        policy = _policy_locked()
        before = {
            "tolerance_points": str(policy.tolerance_points),
            "reviews_per_evaluator": policy.reviews_per_evaluator,
            "review_days": policy.review_days,
        }
        policy.tolerance_points = tolerance_points
        policy.reviews_per_evaluator = reviews_per_evaluator
        policy.review_days = review_days
        policy.updated_by = acting_user
        policy.save()
        audit_record(
            action="calibration.policy_update",
            acting_user=acting_user,
            target=policy,
            reason=reason.strip(),
            before=before,
            after={
                "tolerance_points": str(tolerance_points),
                "reviews_per_evaluator": reviews_per_evaluator,
                "review_days": review_days,
            },
        )
    return policy


# --- Grade the grader ------------------------------------------------------------------------------------------


@dataclass
class ReviewDrawOutcome:
    month: date
    draw: GraderReviewDraw | None  # None when nothing new could be drawn
    drawn: int


def grader_review_draw(*, month: date, acting_user: User, at: datetime | None = None) -> ReviewDrawOutcome:
    """A QA lead draws, at random with a new recorded seed, the evaluations of `month` each evaluator is reviewed
    on: per evaluator the policy's number less what earlier draws of the month took, from their scorecard
    evaluations dated in the month, recorded by now and never drawn. Run again, it tops up. Records nothing when
    nothing is drawn."""
    _require_lead(acting_user)
    month = first_of_month(month)
    with transaction.atomic():
        policy = _policy_locked()  # one draw at a time
        at = at or timezone.now()
        rows = list(
            Evaluation.objects.filter(
                source=Evaluation.Source.SCORECARD,
                evaluator_user__isnull=False,
                date__gte=month,
                date__lte=last_of_month(month),
                created_at__lte=at,
            )
            .exclude(criteria_scores=[])
            .values_list("pk", "evaluator_user__employee_no", "evaluator_user_id", "grader_review__id")
        )
        already: dict[str, int] = {}
        eligible: dict[str, list[str]] = {}
        person_of: dict[str, int] = {}
        for pk, number, person_id, drawn in rows:
            person_of[number] = person_id
            if drawn:
                already[number] = already.get(number, 0) + 1
            else:
                eligible.setdefault(number, []).append(str(pk))
        wanted = {number: policy.reviews_per_evaluator - already.get(number, 0) for number in eligible}
        seed = qa_rules.new_seed()
        drawn = qa_rules.draw_sample(eligible, wanted, seed)
        picks = [(number, int(pk)) for number, pks in drawn.items() for pk in pks]
        if not picks:
            return ReviewDrawOutcome(month=month, draw=None, drawn=0)
        draw = GraderReviewDraw.objects.create(
            month=month, seed=seed, at=at, per_evaluator=policy.reviews_per_evaluator, drawn_by=acting_user
        )
        due_on = rules.review_due_on(timezone.localdate(at), policy.review_days)
        GraderReview.objects.bulk_create(
            [
                GraderReview(draw=draw, evaluation_id=pk, evaluator_id=person_of[number], due_on=due_on)
                for number, pk in picks
            ]
        )
        audit_record(
            action="calibration.review_draw",
            acting_user=acting_user,
            target=draw,
            month=f"{month:%Y-%m}",
            seed=seed,
            drawn=len(picks),
            evaluators=len(drawn),
        )
    return ReviewDrawOutcome(month=month, draw=draw, drawn=len(picks))


def grader_review_submit(
    *,
    review_id: int,
    verdicts: dict[int, tuple[bool, str]],
    acting_user: User,
    now: datetime | None = None,
) -> GraderReview:
    """A QA lead other than the evaluator (and not the evaluated person) agrees or disagrees with each criterion
    of a sampled evaluation (`verdicts`: criterion position → (agree, note)); disagreeing needs a note. Once."""
    _require_lead(acting_user)
    now = now or timezone.now()
    with transaction.atomic():
        review = (
            GraderReview.objects.select_for_update(of=("self",))
            .select_related("evaluation")
            .filter(pk=review_id)
            .first()
        )
        if review is None:
            raise Http404
        evaluation = review.evaluation
        if acting_user.pk in (review.evaluator_id, evaluation.staff_id):
            raise ValidationError(_("Another QA lead reviews your own evaluations."))
        if review.reviewed_at is not None:
            raise ValidationError(_("This evaluation has already been reviewed."))
        items = []
        for position, scored in enumerate(evaluation.criteria_scores):
            if position not in verdicts:
                raise ValidationError(
                    _("Agree or disagree with every criterion (%(name)s).") % {"name": scored["criterion"]}
                )
            agree, note = verdicts[position]
            note = (note or "").strip()
            if not agree and not note:
                raise ValidationError(
                    _("Say why you disagree with the score of %(name)s.") % {"name": scored["criterion"]}
                )
            items.append(
                GraderReviewItem(
                    review=review,
                    position=position,
                    criterion=scored["criterion"][:100],
                    agree=agree,
                    note=note,
                )
            )
        GraderReviewItem.objects.bulk_create(items)
        review.reviewer = acting_user
        review.reviewed_at = now
        review.save(update_fields=["reviewer", "reviewed_at"])
        audit_record(
            action="calibration.review",
            acting_user=acting_user,
            target=review,
            evaluation=evaluation.pk,
            agreed=sum(1 for i in items if i.agree),
            criteria=len(items),
        )
    return review
