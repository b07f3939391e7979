"""The exam guard, per quiz and off unless the quiz sets it: how often the exam page may be left, and (in
`grading`) submitting after a time without activity. Every event is logged in the attempt's events, which the
learner and trainers both see; going over the leave limit submits the attempt and marks it for review; the
learner may appeal and a trainer decides (recorded and audited). There is no camera and no face recognition:
see docs/exam-integrity.md for why.

The page reports what it sees (`static/portal/heartbeat.js`: beats while visible and in use, "hidden" when the
page is left) with the heartbeat and the answer saves; the server's clock measures every absence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Attempt, AttemptAppeal, AttemptEvent, AttemptStatus
from assessments.quizzes import rules as quiz_rules
from assessments.quizzes.grading import QuizError, attempt_close_if_expired, attempt_grade
from portal.services import audit_record, require_permission


class Activity:
    BEAT = "beat"  # page visible and in use
    ANSWER = "answer"  # an answer was saved
    HIDDEN = "hidden"  # the page was left (another app or tab, screen off)
    IDLE = "idle"  # no input for a while: the page asks whether the learner is still there

    ALL = (BEAT, ANSWER, HIDDEN, IDLE)


@dataclass(frozen=True)
class ActivityResult:
    closed: bool
    leaves_counted: int = 0
    leave_limit: int | None = None


def attempt_activity_record(*, attempt: Attempt, kind: str, now: datetime | None = None) -> ActivityResult:
    """Record what the exam page reported for an open attempt of a guarded quiz (unguarded: nothing is kept).

    Leaving opens an absence; the next beat or answer closes it, measured on the server's clock: 15 seconds or
    more counts against the limit, a shorter one is logged only. A counted absence beyond the limit submits the
    attempt (answers saved so far are graded) and marks it for review.
    """
    if kind not in Activity.ALL:
        raise QuizError(_("Unknown activity."))
    now = now or timezone.now()
    quiz = attempt.quiz
    if not attempt.is_open or attempt_close_if_expired(attempt, now=now):
        return ActivityResult(closed=True)
    if not quiz.guarded:
        return ActivityResult(closed=False)
    if kind in (Activity.BEAT, Activity.ANSWER) and _note_presence(attempt, now):
        return ActivityResult(False, attempt.leaves_counted, quiz.leave_limit)
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
        if not attempt.is_open:
            return ActivityResult(closed=True)
        last = (
            attempt.events.filter(kind__in=[AttemptEvent.Kind.LEFT, AttemptEvent.Kind.RETURNED])
            .order_by("-at", "-pk")
            .first()
        )
        away_since = last.at if last is not None and last.kind == AttemptEvent.Kind.LEFT else None
        if kind == Activity.HIDDEN:
            if away_since is None:
                AttemptEvent.objects.create(attempt=attempt, kind=AttemptEvent.Kind.LEFT, at=now)
            return ActivityResult(False, attempt.leaves_counted, quiz.leave_limit)
        if kind == Activity.IDLE:
            AttemptEvent.objects.create(attempt=attempt, kind=AttemptEvent.Kind.IDLE, at=now)
            return ActivityResult(False, attempt.leaves_counted, quiz.leave_limit)
        fields = ["last_activity_at"]
        attempt.last_activity_at = now
        if away_since is not None:
            away = max(int((now - away_since).total_seconds()), 0)
            counted = quiz.leave_limit is not None and quiz_rules.absence_counts(away)
            AttemptEvent.objects.create(
                attempt=attempt, kind=AttemptEvent.Kind.RETURNED, at=now, away_seconds=away, counted=counted
            )
            if counted:
                attempt.leaves_counted += 1
                fields.append("leaves_counted")
        attempt.save(update_fields=fields)
        if quiz_rules.over_leave_limit(quiz.leave_limit, attempt.leaves_counted):
            _submit_over_limit(attempt, now)
            return ActivityResult(True, attempt.leaves_counted, quiz.leave_limit)
    return ActivityResult(False, attempt.leaves_counted, quiz.leave_limit)


def _note_presence(attempt: Attempt, now: datetime) -> bool:
    """The page is in use and was not left: note the time in one conditional UPDATE, without a lock or a read
    of the log (the exam's commonest request). False when the page was left (the absence must be measured and
    maybe counted) or the attempt is over its leave limit: the caller then takes the locked path.

    Plain SQL: the same statement through the ORM (two nested `Exists`) cost more CPU to build than the rest of
    the answer save."""
    if quiz_rules.over_leave_limit(attempt.quiz.leave_limit, attempt.leaves_counted):
        return False
    attempts, events = Attempt._meta.db_table, AttemptEvent._meta.db_table
    # Away: a "left" event with no "returned" after it (the log's order: time, then id).
    sql = (
        f"UPDATE {attempts} SET last_activity_at = %s WHERE id = %s AND status = %s AND NOT EXISTS ("  # noqa: S608
        f"SELECT 1 FROM {events} l WHERE l.attempt_id = {attempts}.id AND l.kind = %s AND NOT EXISTS ("
        f"SELECT 1 FROM {events} r WHERE r.attempt_id = l.attempt_id AND r.kind = %s"
        " AND (r.at > l.at OR (r.at = l.at AND r.id > l.id))))"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                connection.ops.adapt_datetimefield_value(now),
                attempt.pk,
                AttemptStatus.IN_PROGRESS.value,
                AttemptEvent.Kind.LEFT.value,
                AttemptEvent.Kind.RETURNED.value,
            ],
        )
        noted = cursor.rowcount
    if noted:
        attempt.last_activity_at = now
    return bool(noted)


def _submit_over_limit(attempt: Attempt, now: datetime) -> None:
    """Submit the attempt with the answers saved so far and mark it for review. Inside the attempt's lock."""
    Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS).update(
        status=AttemptStatus.NEEDS_GRADING,
        submitted_at=now,
        closed_by=Attempt.ClosedBy.LEAVE_LIMIT,
        review=Attempt.Review.FLAGGED,
    )
    attempt.refresh_from_db()
    AttemptEvent.objects.create(attempt=attempt, kind=AttemptEvent.Kind.LEAVE_LIMIT, at=now)
    audit_record(
        action="quiz.leave_limit_submit",
        target=attempt,
        leaves=attempt.leaves_counted,
        limit=attempt.quiz.leave_limit,
    )
    attempt_grade(attempt, now=now)


def attempt_appeal_file(
    *, attempt: Attempt, staff, reason: str, now: datetime | None = None
) -> AttemptAppeal:
    """The learner appeals an attempt the guard submitted and marked for review (once, with a reason)."""
    reason = (reason or "").strip()
    if attempt.staff_id != getattr(staff, "pk", None):
        raise PermissionDenied(_("You may not do this."))
    if not reason:
        raise QuizError(_("Say why the attempt should be looked at again."))
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.review != Attempt.Review.FLAGGED:
            raise QuizError(_("Only an attempt marked for review can be appealed."))
        if AttemptAppeal.objects.filter(attempt=attempt).exists():
            raise QuizError(_("This attempt has already been appealed."))
        appeal = AttemptAppeal.objects.create(attempt=attempt, reason=reason[:2000], filed_at=now)
        AttemptEvent.objects.create(
            attempt=attempt, kind=AttemptEvent.Kind.APPEAL, at=now, note=appeal.reason, actor=staff
        )
        audit_record(action="quiz.appeal_file", acting_user=staff, target=attempt, reason=appeal.reason)
    return appeal


def attempt_review_decide(*, attempt: Attempt, upheld: bool, note: str, acting_user) -> Attempt:
    """A trainer decides an attempt marked for review (and its appeal, if filed), with a note.

    Upheld: the mark is lifted and the attempt no longer counts toward the attempts allowed (the learner may
    try again). Rejected: the result stands. Nobody decides about their own attempt.
    """
    require_permission(acting_user, "assessments.manage_questions")
    note = (note or "").strip()
    if not note:
        raise QuizError(_("Write down the reason for the decision."))
    if attempt.staff_id == acting_user.pk:
        raise PermissionDenied(_("You may not decide about your own attempt."))
    now = timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.review != Attempt.Review.FLAGGED:
            raise QuizError(_("This attempt has already been decided."))
        attempt.review = Attempt.Review.CLEARED if upheld else Attempt.Review.CONFIRMED
        attempt.counts_toward_limit = not upheld
        attempt.save(update_fields=["review", "counts_toward_limit"])
        appeal = AttemptAppeal.objects.select_for_update().filter(attempt=attempt).first()
        if appeal is not None:
            appeal.decision = AttemptAppeal.Decision.UPHELD if upheld else AttemptAppeal.Decision.REJECTED
            appeal.decided_by = acting_user
            appeal.decided_at = now
            appeal.decision_note = note[:2000]
            appeal.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
        AttemptEvent.objects.create(
            attempt=attempt,
            kind=AttemptEvent.Kind.APPEAL_UPHELD if upheld else AttemptEvent.Kind.APPEAL_REJECTED,
            at=now,
            note=note[:2000],
            actor=acting_user,
        )
        audit_record(
            action="quiz.review_decide",
            acting_user=acting_user,
            target=attempt,
            reason=note,
            upheld=upheld,
            appealed=appeal is not None,
        )
    return attempt
