"""Reminders of quizzes for the daily run: a quiz window closing tomorrow (to those enrolled who have not taken
it) and essays waiting for a grader more than two days."""

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.models import Attempt, AttemptStatus, Quiz
from assessments.quizzes.selectors import quiz_programme
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


def essays_to_grade(cutoff: datetime) -> list[Reminder]:
    """Attempts submitted before `cutoff` with an essay still ungraded, to every grader."""
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
    return [
        Reminder(
            recipient_id=grader,
            kind="decision_waiting",
            key=f"essay:{pk}",
            title=f"{quiz_title} · {staff_name}",
            url=url,
            subject_id=staff_id,
            data={"what": _("Essay to grade"), "since": submitted_at},
        )
        for pk, staff_id, submitted_at, quiz_title, staff_name in rows
        for grader in graders
        if grader != staff_id
    ]
