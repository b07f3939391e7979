"""Closing and grading attempts: at submission, at the deadline (a background task, the learner's next write
or `close_expired_attempts`; pages only show it ended, without writing), by hand for essays, and regrading. A
graded attempt becomes a learning result of its month; a passed final exam is announced
(`signals.final_exam_passed`) for the certificates to answer."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Attempt, AttemptEvent, AttemptItem, AttemptStatus, Quiz
from assessments.quizzes import rules as quiz_rules
from assessments.quizzes import signals
from assessments.quizzes.selectors import quiz_category
from portal.services import MonthLockedError, audit_record


def grace_seconds() -> int:
    return int(getattr(settings, "QUIZ_GRACE_SECONDS", 30))


class QuizError(ValidationError):
    """A refused quiz action, with a message for the learner."""


class DeadlinePassed(QuizError):
    pass


class StaleAnswer(QuizError):
    """An answer written from an older page (another tab saved a newer one)."""

    def __init__(self, message, current_version: int):
        super().__init__(message)
        self.current_version = current_version


def attempt_clock_end(attempt: Attempt, now: datetime) -> tuple[str, datetime] | None:
    """For an open attempt the clock has ended (deadline plus grace passed, or no activity for the quiz's idle
    limit): how and as of when it closes, `(closed_by, submitted_at)`. None while it may go on. Reads only."""
    if not attempt.is_open:
        return None
    if _idle_expired(attempt, now):
        submit_at = quiz_rules.idle_submit_at(
            attempt.last_activity_at or attempt.started_at, attempt.quiz.idle_submit_minutes
        )
        if attempt.deadline is not None:
            submit_at = min(submit_at, attempt.deadline)
        return Attempt.ClosedBy.IDLE, submit_at
    if quiz_rules.is_expired(now, attempt.deadline, grace_seconds()):
        return Attempt.ClosedBy.DEADLINE, attempt.deadline
    return None


def attempt_as_read(attempt: Attempt, *, now: datetime | None = None) -> Attempt:
    """The attempt as a page shows it. An open attempt the clock has ended is shown closed and graded exactly as
    its closing will store it, computed in memory: a read writes nothing. The next save, submit or heartbeat,
    the deadline task or `close_expired_attempts` closes it for real."""
    now = now or timezone.now()
    end = attempt_clock_end(attempt, now)
    if end is None:
        return attempt
    attempt.closed_by, attempt.submitted_at = end
    prefetch_related_objects([attempt], "items")
    _grade_items(attempt, list(attempt.items.all()), now)
    return attempt


def attempt_close_if_expired(attempt: Attempt, *, now: datetime | None = None) -> bool:
    """Close and grade an open attempt whose deadline (plus grace) has passed, or that had no activity for the
    quiz's idle limit; True if it was closed now (a concurrent closing claims it only once)."""
    now = now or timezone.now()
    end = attempt_clock_end(attempt, now)
    if end is None:
        return False
    closed_by, submitted_at = end
    with transaction.atomic():
        claimed = Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS).update(
            status=AttemptStatus.NEEDS_GRADING, submitted_at=submitted_at, closed_by=closed_by
        )
        attempt.refresh_from_db()
        if claimed and closed_by == Attempt.ClosedBy.IDLE:
            AttemptEvent.objects.create(attempt=attempt, kind=AttemptEvent.Kind.IDLE_SUBMIT, at=submitted_at)
            audit_record(
                action="quiz.idle_submit",
                target=attempt,
                minutes=attempt.quiz.idle_submit_minutes,
                last_activity=(attempt.last_activity_at or attempt.started_at).isoformat(),
            )
        if claimed:
            attempt_grade(attempt, now=now)
    return bool(claimed)


def _idle_expired(attempt: Attempt, now: datetime) -> bool:
    submit_at = quiz_rules.idle_submit_at(
        attempt.last_activity_at or attempt.started_at, attempt.quiz.idle_submit_minutes
    )
    return submit_at is not None and now >= submit_at + timedelta(seconds=grace_seconds())


def _grade_items(attempt: Attempt, items: list[AttemptItem], now: datetime) -> None:
    """Grade the items and the attempt in memory (fractions, percent, pass, status); nothing is saved."""
    for item in items:
        snapshot = item.snapshot
        if snapshot["qtype"] != "essay":
            item.fraction = quiz_rules.grade_response(snapshot["qtype"], snapshot["data"], item.response)
    grade = quiz_rules.grade_attempt(
        ((Decimal(i.snapshot.get("mark", "1")), i.fraction) for i in items), attempt.quiz.pass_percent
    )
    attempt.percent = grade.percent
    attempt.passed = grade.passed
    attempt.status = AttemptStatus.NEEDS_GRADING if grade.pending_manual else AttemptStatus.GRADED
    attempt.graded_at = None if grade.pending_manual else now


def attempt_grade(attempt: Attempt, *, now: datetime, acting_user=None) -> None:
    """Grade a submitted attempt's items from their snapshots and record the result. Inside a transaction."""
    items = list(attempt.items.all())
    _grade_items(attempt, items, now)
    AttemptItem.objects.bulk_update([i for i in items if i.snapshot["qtype"] != "essay"], ["fraction"])
    attempt.save(update_fields=["percent", "passed", "status", "graded_at"])
    if attempt.status == AttemptStatus.GRADED:
        _record_result(attempt, acting_user=acting_user)


def _record_result(attempt: Attempt, *, acting_user=None) -> None:
    """A graded attempt is an assessment result of its month (and announced); a pass completes the quiz's
    lesson."""
    from courses import services as course_services

    signals.attempt_graded.send(sender=Quiz, attempt=attempt)

    quiz = attempt.quiz
    on_date = timezone.localdate(attempt.submitted_at)
    category = quiz_category(quiz)
    if category is not None:
        try:
            course_services.learning_result_record(
                staff_id=attempt.staff_id,
                on_date=on_date,
                category=category,
                percent=attempt.percent,
                source="quiz_attempt",
                source_id=str(attempt.pk),
                title=quiz.title,
            )
        except MonthLockedError:
            audit_record(
                action="quiz.result_in_locked_month",
                acting_user=acting_user,
                target=attempt,
                date=str(on_date),
            )
    if attempt.passed:
        if quiz.lesson_id:
            try:
                course_services.lesson_complete(
                    staff=attempt.staff,
                    lesson=quiz.lesson,
                    on_date=on_date,
                    via="quiz",
                    acting_user=acting_user,
                )
            except MonthLockedError:
                audit_record(
                    action="quiz.completion_in_locked_month", acting_user=acting_user, target=attempt
                )
        if quiz.is_final_exam:
            staff_id, quiz_id = attempt.staff_id, quiz.pk
            transaction.on_commit(
                lambda: signals.final_exam_passed.send(sender=Quiz, staff_id=staff_id, quiz_id=quiz_id)
            )


def essay_grade(*, item: AttemptItem, percent: Decimal, comment: str = "", acting_user) -> Attempt:
    """A trainer's grade (0–100 % of the mark) for an essay answer; grades the attempt when none is left."""
    if item.snapshot["qtype"] != "essay":
        raise QuizError(_("Only essay answers are graded by hand."))
    if not Decimal(0) <= percent <= Decimal(100):
        raise QuizError(_("Give a grade from 0 to 100."))
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=item.attempt_id)
        if attempt.status == AttemptStatus.IN_PROGRESS:
            raise QuizError(_("The attempt has not been submitted yet."))
        item.fraction = (percent / quiz_rules.HUNDRED).quantize(Decimal("0.0000001"))
        item.grader_comment = comment
        item.graded_by = acting_user
        item.save(update_fields=["fraction", "grader_comment", "graded_by"])
        audit_record(
            action="quiz.essay_grade",
            acting_user=acting_user,
            target=attempt,
            slot=item.slot,
            percent=str(percent),
        )
        attempt_grade(attempt, now=timezone.now(), acting_user=acting_user)
    return attempt


def attempt_regrade(*, attempt: Attempt, acting_user, reason: str) -> Attempt:
    """Re-grade a finished attempt against the questions' current answer keys; recorded with who and why.

    Question texts shown in the attempt stay as they were; only the answer data is refreshed.
    """
    if not reason.strip():
        raise QuizError(_("Give a reason for the regrade."))
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status == AttemptStatus.IN_PROGRESS:
            raise QuizError(_("The attempt has not been submitted yet."))
        old = (attempt.percent, attempt.passed)
        items = list(attempt.items.select_related("question"))
        for item in items:
            if item.question is not None and item.question.qtype == item.snapshot["qtype"]:
                item.snapshot = {**item.snapshot, "data": item.question.data, "mark": str(item.question.mark)}
        AttemptItem.objects.bulk_update(items, ["snapshot"])
        now = timezone.now()
        attempt_grade(attempt, now=now, acting_user=acting_user)
        attempt.regraded_at = now
        attempt.save(update_fields=["regraded_at"])
        audit_record(
            action="quiz.regrade",
            acting_user=acting_user,
            target=attempt,
            reason=reason,
            old_percent=str(old[0]) if old[0] is not None else None,
            new_percent=str(attempt.percent) if attempt.percent is not None else None,
            old_passed=old[1],
            new_passed=attempt.passed,
        )
    return attempt


def attempts_close_expired(*, now: datetime | None = None) -> int:
    """Close and grade every open attempt past its deadline plus grace, or idle for its quiz's idle limit.
    Returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    limit = now - timedelta(seconds=grace_seconds())
    for attempt in Attempt.objects.filter(
        Q(deadline__lt=limit) | Q(quiz__idle_submit_minutes__gt=0), status=AttemptStatus.IN_PROGRESS
    ).select_related("quiz"):
        closed += attempt_close_if_expired(attempt, now=now)
    return closed


def quiz_regrade(*, quiz: Quiz, acting_user, reason: str) -> int:
    """Regrade every finished attempt of a quiz (each recorded); returns how many were regraded."""
    if not reason.strip():
        raise QuizError(_("Give a reason for the regrade."))
    attempts = Attempt.objects.filter(quiz=quiz).exclude(status=AttemptStatus.IN_PROGRESS)
    count = 0
    for attempt in attempts.iterator(chunk_size=200):
        attempt_regrade(attempt=attempt, acting_user=acting_user, reason=reason)
        count += 1
    return count
