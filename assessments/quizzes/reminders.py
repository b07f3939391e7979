"""Reminders of quizzes for the daily run: a quiz window closing tomorrow (to those enrolled who have not taken
it); and the trainers' decisions for their work queue: essays to grade and exams marked for review."""

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Attempt, AttemptStatus, Quiz
from assessments.quizzes.selectors import quiz_programme
from assessments.scoring.selectors import scoring_policy_for_month
from courses.selectors import programme_staff_ids
from notifications.reminders import Reminder, day_start
from notifications.selectors import users_with_permission

GRADER_PERMISSION = "assessments.manage_questions"


def quiz_closing_reminders(today: date) -> list[Reminder]:
    """Active quizzes closing tomorrow: everyone enrolled in the quiz's programme without a finished attempt."""
    found = []
    quizzes = Quiz.objects.filter(
        is_active=True,
        closes_at__gte=day_start(today + timedelta(days=1)),
        closes_at__lt=day_start(today + timedelta(days=2)),
    ).select_related("lesson", "module")
    for quiz in quizzes:
        programme = quiz_programme(quiz)
        if programme is None:
            continue
        taken = set(
            Attempt.objects.filter(quiz=quiz)
            .exclude(status=AttemptStatus.IN_PROGRESS)
            .values_list("staff_id", flat=True)
        )
        url = reverse("assessments:quiz-detail", args=[quiz.pk])
        found.extend(
            Reminder(
                recipient_id=staff_id,
                kind="quiz_closing",
                key=f"quiz:{quiz.pk}:{today + timedelta(days=1)}",
                title=quiz.title,
                url=url,
                data={"closes_at": quiz.closes_at},
            )
            for staff_id in programme_staff_ids(programme_id=programme.pk)
            if staff_id not in taken
        )
    return found


class _GradingDue:
    """The day a trainer's piece of work waiting since a moment is due: the policy's grading days after that
    day (Asia/Shanghai), under the policy of that day's month (read once per month)."""

    def __init__(self):
        self.days: dict[date, int] = {}

    def __call__(self, since: datetime) -> date:
        day = timezone.localdate(since)
        month = day.replace(day=1)
        if month not in self.days:
            self.days[month] = scoring_policy_for_month(month).grading_days
        return day + timedelta(days=self.days[month])


def essays_to_grade(cutoff: datetime) -> list[Reminder]:
    """Attempts submitted before `cutoff` with an essay still ungraded, to every grader; due the policy's
    grading days after submission."""
    rows = list(
        Attempt.objects.filter(
            status=AttemptStatus.NEEDS_GRADING,
            submitted_at__lt=cutoff,
            items__snapshot__qtype="essay",
            items__fraction__isnull=True,
        )
        .values_list("pk", "staff_id", "submitted_at", "quiz__title", "staff__name")
        .distinct()
        .order_by("submitted_at")
    )
    if not rows:
        return []
    graders = users_with_permission(GRADER_PERMISSION)
    url = reverse("assessments:grading-queue")
    due = _GradingDue()
    found = []
    for pk, staff_id, submitted_at, quiz_title, staff_name in rows:
        found += _to_trainers(
            graders,
            key=f"essay:{pk}",
            title=f"{quiz_title} · {staff_name}",
            url=url,
            staff_id=staff_id,
            what=_("Essay to grade"),
            since=submitted_at,
            due_on=due(submitted_at),
        )
    return found


def attempts_to_review(cutoff: datetime) -> list[Reminder]:
    """Exam attempts the integrity guard marked for review before `cutoff`, to every trainer who decides them
    (never about their own attempt); an appealed one waits from its appeal. Due the policy's grading days on."""
    rows = list(
        Attempt.objects.filter(review=Attempt.Review.FLAGGED, submitted_at__lt=cutoff)
        .values_list("pk", "staff_id", "submitted_at", "appeal__filed_at", "quiz__title", "staff__name")
        .order_by("submitted_at", "pk")
    )
    if not rows:
        return []
    deciders = users_with_permission(GRADER_PERMISSION)
    url = reverse("assessments:review-queue")
    due = _GradingDue()
    found = []
    for pk, staff_id, submitted_at, appealed_at, quiz_title, staff_name in rows:
        since = appealed_at or submitted_at
        found += _to_trainers(
            deciders,
            key=f"attempt-review:{pk}",
            title=f"{quiz_title} · {staff_name}",
            url=url,
            staff_id=staff_id,
            what=_("Exam appeal to decide") if appealed_at else _("Exam marked for review"),
            since=since,
            due_on=due(since),
        )
    return found


def _to_trainers(trainers, *, key, title, url, staff_id, what, since, due_on) -> list[Reminder]:
    """One piece of a learner's work for each trainer who may do it, never the learner themselves."""
    return [
        Reminder(
            recipient_id=trainer,
            kind="decision_waiting",
            key=key,
            title=title,
            url=url,
            due_on=due_on,
            subject_id=staff_id,
            data={"what": what, "since": since},
        )
        for trainer in trainers
        if trainer != staff_id
    ]
