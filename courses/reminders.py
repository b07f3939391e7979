"""Reminders of learning, found for the daily run (registered with notifications at start-up): the monthly
module due in 7, 3 and 1 days and overdue, onboarding behind its planned pace, SOP changes unread after 3 days;
and, for the trainers' work queue, offline sessions whose attendance is still to sign off."""

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Enrolment, OfflineSession, ProgrammeKind, SopAcknowledgement, SopRevision
from courses.rules import onboarding_expected_hours
from courses.selectors import progress_by_staff
from notifications.reminders import Reminder
from notifications.rules import due_reminder_step
from notifications.selectors import policy_get
from portal.models import IN_SERVICE_ROLES, User

DUE_STEPS = (7, 3, 1)
# Modules overdue longer than this are history, not reminders (the first run after installation would
# otherwise remind everyone of every module ever missed).
OVERDUE_WINDOW_DAYS = 31
SOP_READ_DAYS = 3


def monthly_module_reminders(today: date) -> list[Reminder]:
    """Incomplete monthly modules due within 7 days (steps 7, 3, 1) or overdue; one query."""
    rows = Enrolment.objects.filter(
        programme__live=True,
        programme__kind=ProgrammeKind.MONTHLY,
        completed_on__isnull=True,
        due_on__lte=today + timedelta(days=max(DUE_STEPS)),
        due_on__gte=today - timedelta(days=OVERDUE_WINDOW_DAYS),
        staff__is_active=True,
    ).values_list("pk", "staff_id", "due_on", "programme__title")
    url = reverse("courses:my-training")
    found = []
    for pk, staff_id, due_on, title in rows:
        days_left = (due_on - today).days
        step = due_reminder_step(days_left, DUE_STEPS)
        if step is None:
            continue
        found.append(
            Reminder(
                recipient_id=staff_id,
                kind="module_overdue" if step == 0 else "module_due",
                key=f"enrolment:{pk}:{'overdue' if step == 0 else f'due{step}'}",
                title=title,
                url=url,
                due_on=due_on,
                data={"days_left": days_left},
            )
        )
    return found


def onboarding_behind_reminders(today: date) -> list[Reminder]:
    """New hires whose onboarding hours are behind an even pace over its days to complete (the programme's, else
    the notification settings'); once a week while behind. A fixed number of queries."""
    enrolments = list(
        Enrolment.objects.filter(
            programme__live=True,
            programme__kind=ProgrammeKind.ONBOARDING,
            completed_on__isnull=True,
            assigned_on__lt=today,
            staff__is_active=True,
            staff__onboarded_on__isnull=True,
        ).select_related("programme")
    )
    if not enrolments:
        return []
    programmes = {e.programme_id: e.programme for e in enrolments}
    progress = progress_by_staff(
        staff_ids=sorted({e.staff_id for e in enrolments}), programmes=list(programmes.values())
    )
    default_days = policy_get().onboarding_days
    year, week, _weekday = today.isocalendar()
    url = reverse("courses:my-training")
    found = []
    for enrolment in enrolments:
        done = progress[(enrolment.staff_id, enrolment.programme_id)]
        window = (enrolment.due_on - enrolment.assigned_on).days if enrolment.due_on else default_days
        expected = onboarding_expected_hours(
            planned=done.planned, elapsed_days=(today - enrolment.assigned_on).days, window_days=window
        )
        if done.planned == 0 or done.done >= expected:
            continue
        found.append(
            Reminder(
                recipient_id=enrolment.staff_id,
                kind="onboarding_behind",
                key=f"enrolment:{enrolment.pk}:behind:{year}-W{week:02d}",
                title=enrolment.programme.title,
                url=url,
                due_on=enrolment.due_on,
                data={
                    "done": f"{done.done:.2f}",
                    "planned": f"{done.planned:.2f}",
                    "expected": f"{expected:.2f}",
                },
            )
        )
    return found


def sop_unread_reminders(today: date) -> list[Reminder]:
    """In-service staff who have not confirmed reading an SOP change published at least 3 days ago; one query
    per such revision."""
    found = []
    revisions = SopRevision.objects.filter(
        lesson__live=True, published_on__lte=today - timedelta(days=SOP_READ_DAYS)
    ).order_by("published_on", "pk")
    for revision in revisions:
        acknowledged = SopAcknowledgement.objects.filter(sop_revision=revision).values("staff_id")
        staff_ids = (
            User.objects.filter(is_active=True, role__in=IN_SERVICE_ROLES)
            .exclude(pk__in=acknowledged)
            .exclude(onboarded_on__gt=revision.published_on)
            .values_list("pk", flat=True)
        )
        url = reverse("courses:sop-revision", args=[revision.pk])
        found.extend(
            Reminder(
                recipient_id=staff_id,
                kind="sop_unread",
                key=f"sop:{revision.pk}",
                title=revision.title,
                url=url,
                data={"published_on": revision.published_on},
            )
            for staff_id in staff_ids
        )
    return found


def offline_sessions_to_sign(cutoff: datetime, recipient_id: int | None = None) -> list[Reminder]:
    """Offline sessions that started before `cutoff` and are not closed (attendance not signed off), to their
    trainer, due on the session's day."""
    rows = (
        OfflineSession.objects.filter(starts_at__lt=cutoff, trainer__is_active=True)
        .exclude(status=OfflineSession.Status.CLOSED)
        .order_by("starts_at", "pk")
    )
    if recipient_id is not None:
        rows = rows.filter(trainer_id=recipient_id)
    return [
        Reminder(
            recipient_id=trainer_id,
            kind="decision_waiting",
            key=f"offline-session:{pk}",
            title=f"{lesson_title} · {timezone.localtime(starts_at):%Y-%m-%d %H:%M}"
            + (f" · {room}" if room else ""),
            url=reverse("courses:session", args=[pk]),
            due_on=timezone.localdate(starts_at),
            data={"what": _("Offline session to sign"), "since": starts_at},
        )
        for pk, trainer_id, lesson_title, starts_at, room in rows.values_list(
            "pk", "trainer_id", "lesson__title", "starts_at", "room"
        )
    ]
