"""Every write of the curriculum app."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from courses.models import (
    Enrolment,
    LearningResult,
    LessonCompletion,
    LessonPage,
    ProgrammeKind,
    ProgrammePage,
)
from courses.signals import lesson_completed, onboarding_completed
from portal.services import MonthLockedError, month_is_locked, staff_update


def learning_result_record(
    *,
    staff_id: int,
    on_date: date,
    category: str,
    percent: Decimal,
    source: str,
    source_id: str,
    title: str = "",
) -> LearningResult:
    """Record (or correct) an assessment result of a month; called by assessments when an attempt is graded.

    Refuses a result dated in a published (locked) month.
    """
    if month_is_locked(on_date):
        raise MonthLockedError(on_date.replace(day=1))
    with transaction.atomic():
        result, _ = LearningResult.objects.update_or_create(
            source=source,
            source_id=source_id,
            defaults={
                "staff_id": staff_id,
                "date": on_date,
                "category": category,
                "percent": percent,
                "title": title[:200],
            },
        )
    return result


def _programme_of(lesson: LessonPage) -> ProgrammePage | None:
    return ProgrammePage.objects.ancestor_of(lesson).specific().first()


def lesson_complete(
    *, staff, lesson: LessonPage, on_date: date, via: str, acting_user=None
) -> LessonCompletion:
    """Complete a lesson for `staff`, crediting its planned hours on `on_date` (an Asia/Shanghai date).

    Idempotent: completing twice keeps the first completion. Refuses a date in a published month. May
    complete the person's onboarding (see `onboarding_check`).
    """
    if month_is_locked(on_date):
        raise MonthLockedError(on_date.replace(day=1))
    programme = _programme_of(lesson)
    if programme is None:
        raise ValueError("lesson is not inside a programme")
    with transaction.atomic():
        completion, created = LessonCompletion.objects.get_or_create(
            staff=staff,
            lesson=lesson,
            defaults={
                "completed_on": on_date,
                "hours": lesson.planned_hours,
                "category": programme.category,
                "via": via,
                "recorded_by": acting_user,
            },
        )
        if created:
            transaction.on_commit(
                lambda: lesson_completed.send(
                    sender=None, staff_id=staff.pk, lesson_id=lesson.pk, completed_on=on_date
                )
            )
            if programme.kind == ProgrammeKind.ONBOARDING:
                onboarding_check(staff=staff, programme=programme, on_date=on_date, acting_user=acting_user)
    return completion


def onboarding_progress(*, staff, programme: ProgrammePage) -> dict:
    """Hours done online/offline and required lessons outstanding for one person in one onboarding programme."""
    lessons = list(
        LessonPage.objects.descendant_of(programme)
        .live()
        .values("pk", "delivery_mode", "planned_hours", "required")
    )
    done = dict(
        LessonCompletion.objects.filter(staff=staff, lesson_id__in=[x["pk"] for x in lessons]).values_list(
            "lesson_id", "hours"
        )
    )
    by_mode = {"online": Decimal(0), "offline": Decimal(0)}
    planned = {"online": Decimal(0), "offline": Decimal(0)}
    for lesson in lessons:
        planned[lesson["delivery_mode"]] += lesson["planned_hours"]
        if lesson["pk"] in done:
            by_mode[lesson["delivery_mode"]] += done[lesson["pk"]]
    return {
        "done_online": by_mode["online"],
        "done_offline": by_mode["offline"],
        "planned_online": planned["online"],
        "planned_offline": planned["offline"],
        "done": by_mode["online"] + by_mode["offline"],
        "planned": planned["online"] + planned["offline"],
        "required_left": [x["pk"] for x in lessons if x["required"] and x["pk"] not in done],
    }


def onboarding_check(*, staff, programme: ProgrammePage, on_date: date, acting_user=None) -> bool:
    """Mark onboarding complete when every required lesson is done and the hours reach the programme total.

    Sets the staff profile's completion date through the people app's service and announces it.
    """
    if staff.onboarded_on:
        return True
    progress = onboarding_progress(staff=staff, programme=programme)
    if progress["required_left"] or progress["done"] < progress["planned"]:
        return False
    staff_update(user=staff, acting_user=acting_user, onboarded_on=on_date)
    Enrolment.objects.filter(staff=staff, programme=programme).update(completed_on=on_date)
    transaction.on_commit(
        lambda: onboarding_completed.send(sender=None, staff_id=staff.pk, completed_on=on_date)
    )
    return True


def enrolment_assign(
    *,
    staff_ids,
    programme: ProgrammePage,
    assigned_on: date,
    due_on: date | None = None,
    reason: str = "policy",
) -> int:
    """Assign a programme to people, once each (existing enrolments are left as they are). Returns how many new."""
    staff_ids = set(staff_ids)
    existing = set(
        Enrolment.objects.filter(programme=programme, staff_id__in=staff_ids).values_list(
            "staff_id", flat=True
        )
    )
    new = [
        Enrolment(staff_id=sid, programme=programme, assigned_on=assigned_on, due_on=due_on, reason=reason)
        for sid in sorted(staff_ids - existing)
    ]
    Enrolment.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)
