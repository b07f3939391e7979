"""Every write of the curriculum app."""

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from html import unescape

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.struct_block import StructValue
from wagtail.models import Page, PageLogEntry, Site
from wagtail.rich_text import RichText

from courses.attendance_file import attendance_file_parse
from courses.models import (
    DeliveryMode,
    Enrolment,
    LearningResult,
    LessonCompletion,
    LessonPage,
    LessonStudyTime,
    OfflineSession,
    ProgrammeKind,
    ProgrammePage,
    SessionCheckIn,
    SopAcknowledgement,
    SopRevision,
    TrainingRecord,
    TrainingRootPage,
)
from courses.rules import (
    StudyClock,
    StudyStatus,
    clock_beat,
    clock_pause,
    due_date,
    programmes_unlocked,
    quarter_start,
    text_diff,
)
from courses.selectors import (
    heartbeat_seconds,
    idle_prompt_seconds,
    lesson_study_status,
    study_blocker_message,
)
from courses.signals import learning_records_changed, lesson_completed, onboarding_completed
from courses.training_file import training_file_parse
from notifications.services import OutgoingMessage, messages_send
from portal.cache import COACHING_SCOPE, learners_invalidate, scope_invalidate
from portal.importing import ImportResult, import_run_record, refused, skipped_notes
from portal.models import IN_SERVICE_ROLES, Role, User
from portal.months import first_of_month
from portal.selectors import staff_ids_by_employee_no
from portal.services import (
    MonthLockedError,
    audit_record,
    audited_change,
    audited_create,
    audited_delete,
    fields_check,
    month_is_locked,
    months_locked,
    require_permission,
    staff_update,
)
from portal.tabular.errors import RowError
from portal.tabular.mapping import ColumnMapping


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
        raise MonthLockedError(first_of_month(on_date))
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
        _announce_records(staff_ids={staff_id}, dates={on_date}, categories={category})
    return result


def _announce_records(*, staff_ids, dates, categories) -> None:
    """Tell higher apps, inside the current transaction, which people's learning records of which dates changed
    (the monthly scores count in-service hours and results)."""
    if staff_ids and dates:
        scope_invalidate(COACHING_SCOPE)
        learners_invalidate(staff_ids)
        learning_records_changed.send(
            sender=None, staff_ids=sorted(staff_ids), dates=sorted(dates), categories=sorted(categories)
        )


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
        raise MonthLockedError(first_of_month(on_date))
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
            _announce_records(staff_ids={staff.pk}, dates={on_date}, categories={programme.category})
            transaction.on_commit(
                lambda: lesson_completed.send(
                    sender=None, staff_id=staff.pk, lesson_id=lesson.pk, completed_on=on_date
                )
            )
            if programme.kind == ProgrammeKind.ONBOARDING:
                onboarding_check(staff=staff, programme=programme, on_date=on_date, acting_user=acting_user)
            else:
                enrolments_complete_check(staff_ids=[staff.pk], programme=programme, on_date=on_date)
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
    learners_invalidate([staff.pk])
    path_enrol_unlocked(staff_ids=[staff.pk], completed=programme, on_date=on_date)
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
    learners_invalidate(e.staff_id for e in new)
    return len(new)


def enrolments_complete_check(*, staff_ids, programme: ProgrammePage, on_date: date) -> int:
    """Mark the enrolments of `staff_ids` in `programme` complete where every required lesson is done and the
    hours reach the planned total. Set-based; returns how many were completed now."""
    from courses.selectors import progress_by_staff

    staff_ids = list(staff_ids)
    progress = progress_by_staff(staff_ids=staff_ids, programmes=[programme])
    complete = [sid for sid in staff_ids if progress[(sid, programme.pk)].complete]
    if not complete:
        return 0
    open_enrolments = Enrolment.objects.filter(
        programme=programme, staff_id__in=complete, completed_on__isnull=True
    )
    completed_now = list(open_enrolments.values_list("staff_id", flat=True))
    updated = open_enrolments.update(completed_on=on_date)
    learners_invalidate(staff_ids)
    path_enrol_unlocked(staff_ids=completed_now, completed=programme, on_date=on_date)
    return updated


# --- Learning paths ---------------------------------------------------------------------------------------------


def _prerequisites_of(programmes) -> dict[int, set[int]]:
    """Each of `programmes` (ids or a queryset) → the ids of its prerequisites, in one query."""
    requires: dict[int, set[int]] = defaultdict(set)
    for programme_id, prerequisite_id in ProgrammePage.prerequisites.through.objects.filter(
        from_programmepage_id__in=programmes
    ).values_list("from_programmepage_id", "to_programmepage_id"):
        requires[programme_id].add(prerequisite_id)
    return dict(requires)


def _onboarding_among(programme_ids) -> set[int]:
    return set(
        ProgrammePage.objects.filter(pk__in=programme_ids, kind=ProgrammeKind.ONBOARDING).values_list(
            "pk", flat=True
        )
    )


def _completed_programmes(*, staff_ids, programme_ids) -> dict[int, set[int]]:
    """Per person, which of `programme_ids` they have completed, in three queries: a completed enrolment, or for
    an onboarding programme the onboarding date on their profile (people imported as already onboarded have no
    onboarding enrolment)."""
    completed: dict[int, set[int]] = defaultdict(set)
    for staff_id, programme_id in Enrolment.objects.filter(
        staff_id__in=staff_ids, programme_id__in=programme_ids, completed_on__isnull=False
    ).values_list("staff_id", "programme_id"):
        completed[staff_id].add(programme_id)
    onboarding = _onboarding_among(programme_ids)
    if onboarding:
        for staff_id in User.objects.filter(pk__in=staff_ids, onboarded_on__isnull=False).values_list(
            "pk", flat=True
        ):
            completed[staff_id] |= onboarding
    return completed


def path_enrol_unlocked(*, staff_ids, completed: ProgrammePage, on_date: date) -> int:
    """People who have just completed `completed` are enrolled in every live programme it unlocks whose other
    prerequisites they have completed too: assigned on `on_date`, due by that programme's own rule.

    Called inside the completion's transaction; people already enrolled keep their enrolment. Returns how many
    enrolments are new. A fixed number of queries whatever the number of people.
    """
    staff_ids = list(staff_ids)
    if not staff_ids:
        return 0
    unlocked = {p.pk: p for p in ProgrammePage.objects.live().filter(prerequisites=completed)}
    if not unlocked:
        return 0
    requires = _prerequisites_of(list(unlocked))
    done = _completed_programmes(
        staff_ids=staff_ids, programme_ids={pk for needed in requires.values() for pk in needed}
    )
    already = set(
        Enrolment.objects.filter(staff_id__in=staff_ids, programme_id__in=unlocked).values_list(
            "staff_id", "programme_id"
        )
    )
    people = {p.pk: p for p in User.objects.filter(pk__in=staff_ids, is_active=True)}
    messages, created = [], 0
    for programme_id, programme in sorted(unlocked.items()):
        ready = [
            sid
            for sid in staff_ids
            if programme_id in programmes_unlocked(requires, done[sid]) and (sid, programme_id) not in already
        ]
        if not ready:
            continue
        due_on = _programme_due(programme, on_date)
        created += enrolment_assign(
            staff_ids=ready, programme=programme, assigned_on=on_date, due_on=due_on, reason=PATH_REASON
        )
        context = {"title": programme.title, "due_on": due_on, "url": programme.url or ""}
        messages += [
            OutgoingMessage(people[sid], "course_unlocked", context) for sid in ready if sid in people
        ]
    if messages:  # the learners hear of it in the notification centre and by their channels, after commit
        messages_send(messages)
    return created


# The enrolment reason of a programme reached along a learning path.
PATH_REASON = "path"


def _path_ready_staff(programme: ProgrammePage) -> list[int]:
    """Active people who have completed every prerequisite of `programme` (none if it has no prerequisites)."""
    needed = _prerequisites_of([programme.pk]).get(programme.pk, set())
    if not needed:
        return []
    candidates = set(
        Enrolment.objects.filter(
            programme_id__in=needed, completed_on__isnull=False, staff__is_active=True
        ).values_list("staff_id", flat=True)
    )
    if _onboarding_among(needed):
        candidates |= set(
            User.objects.filter(is_active=True, onboarded_on__isnull=False).values_list("pk", flat=True)
        )
    done = _completed_programmes(staff_ids=candidates, programme_ids=needed)
    return sorted(sid for sid in candidates if needed <= done[sid])


# --- Enrolments by hand (HR's corrections) ----------------------------------------------------------------------

ENROLMENT_FIELDS = ("staff", "programme", "assigned_on", "due_on", "completed_on", "reason")


def enrolment_create(
    *,
    staff,
    programme: ProgrammePage,
    assigned_on: date,
    due_on: date | None = None,
    completed_on: date | None = None,
    reason: str = "manual",
    acting_user,
) -> Enrolment:
    """HR assigns one programme to one person by hand (the policy's own assignments use `enrolment_assign`).

    Refused if the person is already enrolled in it. Audited.
    """
    require_permission(acting_user, "courses.add_enrolment")
    enrolment = Enrolment(
        staff=staff,
        programme=programme,
        assigned_on=assigned_on,
        due_on=due_on,
        completed_on=completed_on,
        reason=reason,
    )
    with transaction.atomic():
        return audited_create(
            instance=enrolment,
            fields=ENROLMENT_FIELDS,
            action="courses.enrolment.create",
            acting_user=acting_user,
        )


def enrolment_update(*, enrolment: Enrolment, changes: dict, reason: str = "", acting_user) -> Enrolment:
    """Correct an enrolment: `changes` maps fields of ENROLMENT_FIELDS to new values (the enrolment's own
    "reason" field among them); `reason` says why. Audited with the old and new value of each changed field;
    saving no change writes nothing. Marking it complete by hand unlocks the learning paths it leads to, as a
    completion by the lessons does."""
    require_permission(acting_user, "courses.change_enrolment")
    fields_check(changes, ENROLMENT_FIELDS)
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        was_open = enrolment.completed_on is None
        enrolment = audited_change(
            instance=enrolment,
            changes=changes,
            action="courses.enrolment.update",
            reason=reason,
            acting_user=acting_user,
            employee_no=enrolment.staff.employee_no,
        )
        if was_open and enrolment.completed_on is not None:
            path_enrol_unlocked(
                staff_ids=[enrolment.staff_id], completed=enrolment.programme, on_date=enrolment.completed_on
            )
        return enrolment


def enrolment_delete(*, enrolment: Enrolment, reason: str = "", acting_user) -> None:
    """Withdraw an enrolment (the person's lesson completions stay). Audited with what was deleted."""
    require_permission(acting_user, "courses.delete_enrolment")
    with transaction.atomic():
        audited_delete(
            instance=Enrolment.objects.select_for_update().get(pk=enrolment.pk),
            fields=ENROLMENT_FIELDS,
            action="courses.enrolment.delete",
            reason=reason,
            acting_user=acting_user,
        )


# --- Enrolment policy -------------------------------------------------------------------------------------------


def _programme_due(programme: ProgrammePage, assigned_on: date) -> date | None:
    return due_date(
        kind=programme.kind,
        month=programme.month,
        quarter=programme.quarter_start,
        due_days=programme.due_days,
        assigned_on=assigned_on,
    )


def enrolments_for_staff(*, staff_ids, today: date) -> int:
    """Give people what the policy says for their role (called when staff are created or changed).

    New hires not yet onboarded: the current onboarding programme. Agents and team leads: every live monthly
    module of this month and later months (not past ones). Managers: the leadership course of this quarter.
    A fixed number of queries per programme, whatever the number of people. Returns how many enrolments are new.
    """
    from courses.selectors import current_onboarding_programme

    staff_ids = list(staff_ids)
    if not staff_ids:
        return 0
    by_role: dict[str, list[int]] = defaultdict(list)
    for pk, role, onboarded_on in User.objects.filter(pk__in=staff_ids, is_active=True).values_list(
        "pk", "role", "onboarded_on"
    ):
        if role == Role.NEW_HIRE and onboarded_on:
            continue
        by_role[role].append(pk)
    created = 0
    new_hires = by_role.get(Role.NEW_HIRE, [])
    if new_hires and (onboarding := current_onboarding_programme()):
        created += enrolment_assign(
            staff_ids=new_hires,
            programme=onboarding,
            assigned_on=today,
            due_on=_programme_due(onboarding, today),
        )
    in_service = [pk for role in IN_SERVICE_ROLES for pk in by_role.get(role, [])]
    if in_service:
        for programme in ProgrammePage.objects.live().filter(
            kind=ProgrammeKind.MONTHLY, month__gte=first_of_month(today)
        ):
            created += enrolment_assign(
                staff_ids=in_service,
                programme=programme,
                assigned_on=today,
                due_on=_programme_due(programme, today),
            )
    managers = by_role.get(Role.MANAGER, [])
    if managers:
        for programme in ProgrammePage.objects.live().filter(
            kind=ProgrammeKind.LEADERSHIP, quarter_start=quarter_start(today)
        ):
            created += enrolment_assign(
                staff_ids=managers,
                programme=programme,
                assigned_on=today,
                due_on=_programme_due(programme, today),
            )
    return created


def enrolments_for_programme(*, programme: ProgrammePage, today: date) -> int:
    """Assign a newly published programme to everyone the policy names, once each (called on publish).

    Monthly module of this month or later → every active in-service staff member; leadership course of this
    quarter or later → every active manager; learning-path course → everyone who has completed all its
    prerequisites; onboarding → active new hires not yet onboarded nor enrolled in
    another onboarding programme. Past months and quarters are left alone.
    """
    if not programme.live:
        return 0
    people = User.objects.filter(is_active=True)
    if programme.kind == ProgrammeKind.MONTHLY:
        if not programme.month or programme.month < first_of_month(today):
            return 0
        people = people.filter(role__in=IN_SERVICE_ROLES)
    elif programme.kind == ProgrammeKind.LEADERSHIP:
        if not programme.quarter_start or programme.quarter_start < quarter_start(today):
            return 0
        people = people.filter(role=Role.MANAGER)
    elif programme.kind == ProgrammeKind.COURSE:
        # A learning-path course: whoever has already completed all its prerequisites (none without them;
        # HR assigns such a course by hand).
        return enrolment_assign(
            staff_ids=_path_ready_staff(programme),
            programme=programme,
            assigned_on=today,
            due_on=_programme_due(programme, today),
            reason=PATH_REASON,
        )
    else:
        people = people.filter(role=Role.NEW_HIRE, onboarded_on__isnull=True).exclude(
            enrolments__programme__kind=ProgrammeKind.ONBOARDING
        )
    return enrolment_assign(
        staff_ids=people.values_list("pk", flat=True),
        programme=programme,
        assigned_on=today,
        due_on=_programme_due(programme, today),
    )


# --- Learners and trainers ----------------------------------------------------------------------------------


def lesson_complete_by_learner(*, staff, lesson: LessonPage, on_date: date) -> LessonCompletion:
    """A learner completes an online lesson they have opened. Refused (ValidationError) for an offline lesson,
    a programme they are not enrolled in, or while a completion gate (e.g. an unpassed quiz) holds."""
    from courses.hooks import lesson_completion_blockers

    if lesson.delivery_mode != DeliveryMode.ONLINE:
        raise ValidationError(_("Offline lessons are completed by the trainer's attendance record."))
    programme = _programme_of(lesson)
    if programme is None or not Enrolment.objects.filter(staff=staff, programme=programme).exists():
        raise ValidationError(_("This lesson is not part of a programme assigned to you."))
    if LessonCompletion.objects.filter(staff=staff, lesson=lesson).exists():
        return LessonCompletion.objects.get(staff=staff, lesson=lesson)
    blockers = lesson_completion_blockers(staff, lesson)
    study = lesson_study_status(staff=staff, lesson=lesson, programme=programme)
    if not study.met:
        blockers.append(study_blocker_message(study))
    if blockers:
        raise ValidationError(blockers)
    try:
        return lesson_complete(staff=staff, lesson=lesson, on_date=on_date, via=LessonCompletion.Via.LEARNER)
    except MonthLockedError as exc:
        raise ValidationError(str(exc)) from None


class ActivityKind:
    BEAT = "beat"  # page visible, learner active
    HIDDEN = "hidden"  # the page was hidden (another tab, another app, screen off)
    IDLE = "idle"  # no input for a while: the page asks whether the learner is still there
    VIDEO_ENDED = "video_ended"  # the lesson's video played to its end

    ALL = (BEAT, HIDDEN, IDLE, VIDEO_ENDED)


def lesson_activity_record(
    *, staff, lesson: LessonPage, kind: str, idle_seconds: int = 0, now=None
) -> StudyStatus | None:
    """Record a heartbeat of an online lesson page and return where the learner stands (None: nothing measured).

    Only a learner enrolled in the lesson's programme who has not completed it is measured: a completed lesson
    asks no more time, so its beats change nothing. The server's clock decides what is credited
    (`courses.rules.clock_beat` / `clock_pause`); the client only says that the page is visible and in use. Not
    audited: a heartbeat decides nothing by itself, and the completion it enables is recorded as usual.
    """
    if kind not in ActivityKind.ALL:
        raise ValidationError(_("Unknown activity."))
    if lesson.delivery_mode != DeliveryMode.ONLINE:
        raise ValidationError(_("Offline lessons are completed by the trainer's attendance record."))
    programme = _programme_of(lesson)
    if programme is None or not Enrolment.objects.filter(staff=staff, programme=programme).exists():
        raise ValidationError(_("This lesson is not part of a programme assigned to you."))
    if LessonCompletion.objects.filter(staff=staff, lesson=lesson).exists():
        return None
    now = now or timezone.now()
    interval = heartbeat_seconds()
    idle_seconds = min(max(int(idle_seconds), 0), 10 * idle_prompt_seconds())
    with transaction.atomic():
        LessonStudyTime.objects.get_or_create(staff=staff, lesson=lesson)
        record = LessonStudyTime.objects.select_for_update().get(staff=staff, lesson=lesson)
        clock = StudyClock(record.active_seconds, record.last_beat_at, record.chain_seconds)
        if kind == ActivityKind.BEAT:
            clock = clock_beat(clock, now, interval)
        elif kind == ActivityKind.VIDEO_ENDED:
            clock = clock_beat(clock, now, interval)
            record.video_watched_at = record.video_watched_at or now
        else:
            clock = clock_pause(clock, now, interval, idle_seconds if kind == ActivityKind.IDLE else 0)
        record.active_seconds, record.last_beat_at, record.chain_seconds = (
            clock.active_seconds,
            clock.last_beat_at,
            clock.chain_seconds,
        )
        record.first_beat_at = record.first_beat_at or now
        record.save()
    return lesson_study_status(staff=staff, lesson=lesson, programme=programme)


def attendance_record(*, lesson: LessonPage, on_date: date, staff_ids, acting_user) -> dict:
    """A trainer records who attended an offline session: each attendee completes the lesson on `on_date`.

    Set-based for a session of any size; people who had already completed it keep their first completion.
    Returns {"recorded": new completions, "already": already complete}. Refuses a locked month.
    """
    if lesson.delivery_mode != DeliveryMode.OFFLINE:
        raise ValidationError(_("Attendance is recorded for offline lessons only."))
    if month_is_locked(on_date):
        raise ValidationError(str(MonthLockedError(first_of_month(on_date))))
    programme = _programme_of(lesson)
    if programme is None:
        raise ValidationError(_("This lesson is not inside a programme."))
    staff_ids = set(User.objects.filter(pk__in=set(staff_ids), is_active=True).values_list("pk", flat=True))
    with transaction.atomic():
        already = set(
            LessonCompletion.objects.filter(lesson=lesson, staff_id__in=staff_ids).values_list(
                "staff_id", flat=True
            )
        )
        new_ids = sorted(staff_ids - already)
        LessonCompletion.objects.bulk_create(
            [
                LessonCompletion(
                    staff_id=sid,
                    lesson=lesson,
                    completed_on=on_date,
                    hours=lesson.planned_hours,
                    category=programme.category,
                    via=LessonCompletion.Via.ATTENDANCE,
                    recorded_by=acting_user,
                )
                for sid in new_ids
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        audit_record(
            action="courses.attendance",
            acting_user=acting_user,
            target=lesson,
            on_date=on_date.isoformat(),
            recorded=len(new_ids),
            already=len(already),
        )
        if programme.kind == ProgrammeKind.ONBOARDING:
            from courses.selectors import progress_by_staff

            progress = progress_by_staff(staff_ids=new_ids, programmes=[programme])
            finished = [sid for sid in new_ids if progress[(sid, programme.pk)].complete]
            for person in User.objects.filter(pk__in=finished, onboarded_on__isnull=True):
                onboarding_check(staff=person, programme=programme, on_date=on_date, acting_user=acting_user)
        else:
            enrolments_complete_check(staff_ids=new_ids, programme=programme, on_date=on_date)
        _announce_records(staff_ids=set(new_ids), dates={on_date}, categories={programme.category})

        def announce():
            for sid in new_ids:
                lesson_completed.send(sender=None, staff_id=sid, lesson_id=lesson.pk, completed_on=on_date)

        transaction.on_commit(announce)
    return {"recorded": len(new_ids), "already": len(already)}


ATTENDANCE_COUNT_KEYS = ["recorded", "already"]


def attendance_import(
    *, data: bytes, file_name: str, dry_run: bool = False, acting_user=None, lesson_id, on_date
) -> ImportResult:
    """A paper attendance sheet (column `employee_no`) for one offline lesson and date; all or nothing."""
    lesson = LessonPage.objects.filter(pk=lesson_id, delivery_mode=DeliveryMode.OFFLINE).first()
    if isinstance(on_date, str):
        on_date = date.fromisoformat(on_date)
    if lesson is None:
        return refused(ATTENDANCE_COUNT_KEYS, [RowError(line=0, message=_("Choose an offline lesson."))])
    if month_is_locked(on_date):
        return refused(ATTENDANCE_COUNT_KEYS, [RowError(line=0, message=str(MonthLockedError(on_date)))])
    wanted, errors = attendance_file_parse(data, file_name)
    found = staff_ids_by_employee_no(wanted, active_only=True)
    for employee_no, line in wanted.items():
        if employee_no not in found:
            errors.append(
                RowError(
                    line=line,
                    column="employee_no",
                    message=_("employee_no: nobody active has the number %(no)s.") % {"no": employee_no},
                )
            )
    if errors:
        return refused(ATTENDANCE_COUNT_KEYS, errors)
    already = set(
        LessonCompletion.objects.filter(lesson=lesson, staff_id__in=found.values()).values_list(
            "staff_id", flat=True
        )
    )
    result = ImportResult(
        counts={"recorded": len(found) - len(already), "already": len(already)},
        dry_run=dry_run,
        preview=[
            {"line": line, "employee_no": no, "action": "already" if found[no] in already else "record"}
            for no, line in list(wanted.items())[:20]
        ],
    )
    if dry_run:
        return result
    with transaction.atomic():
        attendance_record(lesson=lesson, on_date=on_date, staff_ids=found.values(), acting_user=acting_user)
        import_run_record(
            kind="attendance",
            file_name=file_name,
            data=data,
            result=result,
            acting_user=acting_user,
            extra={"lesson": lesson.pk, "date": on_date.isoformat()},
        )
    return result


# --- Training records import --------------------------------------------------------------------------------

TRAINING_COUNT_KEYS = ["created", "updated", "unchanged"]


def training_records_import(
    *,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    acting_user=None,
    mapping: ColumnMapping | None = None,
) -> ImportResult:
    """Upsert training records (offline sessions, external training, paper exams), all or nothing.

    Key: employee, date, category, title. The same key twice in a file is an error; a blank score keeps the
    stored one; a row dated in a published (locked) month is refused with its line. Re-importing the same
    file changes nothing (everything counts as unchanged).
    """
    rows, errors = training_file_parse(data, file_name, mapping=mapping)
    staff = staff_ids_by_employee_no({r.employee_no for r in rows})
    locked = months_locked({r.date for r in rows})
    for row in rows:
        if row.employee_no not in staff:
            errors.append(
                RowError(
                    line=row.line,
                    column="employee_no",
                    message=_("employee_no: nobody has the number %(no)s.") % {"no": row.employee_no},
                )
            )
        if first_of_month(row.date) in locked:
            errors.append(
                RowError(
                    line=row.line,
                    column="date",
                    message=_("date: %(month)s is published and locked; its records cannot change.")
                    % {"month": f"{row.date:%Y-%m}"},
                )
            )
    if errors:
        return refused(TRAINING_COUNT_KEYS, errors)

    staff_ids = set(staff.values())
    existing = {
        (r.staff_id, r.date, r.category, r.title): r
        for r in TrainingRecord.objects.filter(
            staff_id__in=staff_ids,
            date__gte=min((r.date for r in rows), default=date.min),
            date__lte=max((r.date for r in rows), default=date.max),
        )
    }
    to_create: list[TrainingRecord] = []
    to_update: list[TrainingRecord] = []
    unchanged = 0
    preview = []
    for row in rows:
        key = (staff[row.employee_no], row.date, row.category, row.title)
        record = existing.get(key)
        if record is None:
            action = "create"
            to_create.append(
                TrainingRecord(
                    staff_id=key[0],
                    date=row.date,
                    category=row.category,
                    title=row.title,
                    hours=row.hours,
                    score=row.score,
                )
            )
        else:
            score = row.score if row.score is not None else record.score
            if record.hours == row.hours and record.score == score:
                action = "unchanged"
                unchanged += 1
            else:
                action = "update"
                record.hours, record.score = row.hours, score
                to_update.append(record)
        if len(preview) < 20:
            preview.append(
                {
                    "line": row.line,
                    "employee_no": row.employee_no,
                    "date": row.date.isoformat(),
                    "category": row.category,
                    "title": row.title,
                    "hours": f"{row.hours:.2f}",
                    "score": None if row.score is None else f"{row.score:.2f}",
                    "action": action,
                }
            )
    result = ImportResult(
        counts={"created": len(to_create), "updated": len(to_update), "unchanged": unchanged},
        dry_run=dry_run,
        preview=preview,
        skipped=skipped_notes(rows),
    )
    if dry_run:
        return result
    with transaction.atomic():
        TrainingRecord.objects.bulk_create(to_create, batch_size=500)
        TrainingRecord.objects.bulk_update(to_update, ["hours", "score", "imported_at"], batch_size=500)
        import_run_record(
            kind="training_records",
            file_name=file_name,
            data=data,
            result=result,
            acting_user=acting_user,
            mapping=mapping,
        )
        changed = [*to_create, *to_update]
        _announce_records(
            staff_ids={r.staff_id for r in changed},
            dates={r.date for r in changed},
            categories={r.category for r in changed},
        )
    return result


# --- Training records by hand (HR's corrections) -----------------------------------------------------------------

TRAINING_RECORD_FIELDS = ("staff", "date", "category", "title", "hours", "score")


def _refuse_locked(*days: date) -> None:
    locked = months_locked(days)
    if locked:
        raise MonthLockedError(min(locked))


def training_record_create(
    *,
    staff,
    date: date,
    category: str,
    title: str,
    hours: Decimal,
    score: Decimal | None = None,
    reason: str = "",
    acting_user,
) -> TrainingRecord:
    """Add one training record by hand, as one row of the import would. Refused in a published (locked) month
    (MonthLockedError). Audited."""
    require_permission(acting_user, "courses.add_trainingrecord")
    record = TrainingRecord(staff=staff, date=date, category=category, title=title, hours=hours, score=score)
    with transaction.atomic():
        _refuse_locked(date)
        record = audited_create(
            instance=record,
            fields=TRAINING_RECORD_FIELDS,
            action="courses.training_record.create",
            reason=reason,
            acting_user=acting_user,
        )
        _announce_records(staff_ids={record.staff_id}, dates={record.date}, categories={record.category})
    return record


def training_record_update(
    *, record: TrainingRecord, changes: dict, reason: str = "", acting_user
) -> TrainingRecord:
    """Correct a training record (`changes` maps fields of TRAINING_RECORD_FIELDS to new values). Refused
    (MonthLockedError) when the record's month, or the month it would move to, is published. Audited with the
    old and new value of each changed field; saving no change writes nothing.
    """
    require_permission(acting_user, "courses.change_trainingrecord")
    fields_check(changes, TRAINING_RECORD_FIELDS)
    with transaction.atomic():
        record = TrainingRecord.objects.select_for_update().get(pk=record.pk)
        _refuse_locked(record.date, changes.get("date", record.date))
        before = (record.staff_id, record.date, record.category)
        record = audited_change(
            instance=record,
            changes=changes,
            action="courses.training_record.update",
            reason=reason,
            acting_user=acting_user,
            employee_no=record.staff.employee_no,
        )
        _announce_records(
            staff_ids={before[0], record.staff_id},
            dates={before[1], record.date},
            categories={before[2], record.category},
        )
    return record


def training_record_delete(*, record: TrainingRecord, reason: str = "", acting_user) -> None:
    """Delete a training record; refused (MonthLockedError) in a published month. Audited with what was deleted."""
    require_permission(acting_user, "courses.delete_trainingrecord")
    with transaction.atomic():
        record = TrainingRecord.objects.select_for_update().get(pk=record.pk)
        _refuse_locked(record.date)
        audited_delete(
            instance=record,
            fields=TRAINING_RECORD_FIELDS,
            action="courses.training_record.delete",
            reason=reason,
            acting_user=acting_user,
        )
        _announce_records(staff_ids={record.staff_id}, dates={record.date}, categories={record.category})


# --- SOP revisions ----------------------------------------------------------------------------------------------


def _lesson_text_lines(lesson: LessonPage) -> list[str]:
    """The readable text of a lesson (title, objectives, every block), one line per paragraph or field."""
    lines = [lesson.title]
    if lesson.objectives:
        lines.extend(_html_lines(str(lesson.objectives)))
    for block in lesson.body:
        lines.extend(_block_lines(block.value))
    return [line for line in lines if line]


def _html_lines(html: str) -> list[str]:
    text = re.sub(r"</(p|li|h\d|div)>|<br\s*/?>", "\n", html)
    return [unescape(re.sub(r"<[^>]+>", "", part)).strip() for part in text.split("\n")]


def _block_lines(value) -> list[str]:
    if isinstance(value, RichText):
        return _html_lines(value.source)
    if isinstance(value, StructValue | dict):
        out = []
        for key, item in value.items():
            if key in ("speaker",):
                continue
            out.extend(_block_lines(item))
        if "speaker" in value:
            speaker = _("Agent") if value["speaker"] == "agent" else _("Customer")
            out = [f"{speaker}: {line}" for line in out]
        return out
    if isinstance(value, list | tuple | ListValue):
        return [line for item in value for line in _block_lines(item)]
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines()]
    if value is None or hasattr(value, "pk"):
        return [getattr(value, "title", "")] if value is not None else []
    return [str(value)]


def sop_revision_record(*, lesson: LessonPage, revision, acting_user=None) -> SopRevision | None:
    """When an SOP lesson marked "staff must re-read" is republished, record what changed since the previous
    live revision so in-service staff can read and acknowledge it. A first publication records nothing, nor
    does a republication that changed no text."""
    if not (lesson.is_sop and lesson.must_reread) or revision is None:
        return None
    previous_entry = (
        PageLogEntry.objects.filter(page_id=lesson.pk, action="wagtail.publish", revision__isnull=False)
        .exclude(revision_id=revision.pk)
        .order_by("-timestamp", "-pk")
        .first()
    )
    if previous_entry is None:
        return None
    old = previous_entry.revision.as_object()
    new = revision.as_object()
    diff = text_diff(_lesson_text_lines(old), _lesson_text_lines(new))
    if all(op == "same" for op, _line in diff):
        return None
    sop_revision, _created = SopRevision.objects.get_or_create(
        lesson=lesson,
        revision=revision,
        defaults={
            "previous_revision": previous_entry.revision,
            "title": lesson.title[:255],
            "published_on": timezone.localdate(),
            "published_by": acting_user if getattr(acting_user, "pk", None) else None,
            "diff": [[op, line] for op, line in diff],
        },
    )
    return sop_revision


def sop_acknowledge(*, staff, sop_revision: SopRevision) -> SopAcknowledgement:
    """A staff member confirms they have read what changed; acknowledging twice keeps the first."""
    acknowledgement, _created = SopAcknowledgement.objects.get_or_create(
        sop_revision=sop_revision, staff=staff
    )
    return acknowledgement


# --- Curriculum root ----------------------------------------------------------------------------------------


def training_root_ensure(*, title: str = "培训中心 Training Centre") -> TrainingRootPage:
    """The training root under Wagtail's root, served as the default site's home (the portal mounts it at
    /learn/). Idempotent."""
    root = TrainingRootPage.objects.first()
    if root is None:
        root = TrainingRootPage(title=title, slug="training")
        Page.get_first_root_node().add_child(instance=root)
        root.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=root, is_default_site=True)
    elif site.root_page_id != root.pk:
        site.root_page = root
        site.save()
    return root


# --- Offline sessions with QR check-in --------------------------------------------------------------------------


def _require_trainer(acting_user) -> None:
    if not acting_user.has_perm("courses.record_attendance"):
        raise PermissionDenied


def offline_session_create(*, lesson: LessonPage, starts_at, room: str, acting_user) -> OfflineSession:
    """Schedule an offline session of an offline lesson, run by `acting_user`."""
    _require_trainer(acting_user)
    if lesson.delivery_mode != DeliveryMode.OFFLINE:
        raise ValidationError(_("Check-in sessions are for offline lessons only."))
    session = OfflineSession.objects.create(
        lesson=lesson, starts_at=starts_at, room=room, trainer=acting_user
    )
    audit_record(action="courses.session.create", acting_user=acting_user, target=session)
    return session


def _locked_session(session_id: int) -> OfflineSession:
    return OfflineSession.objects.select_for_update().select_related("lesson").get(pk=session_id)


def offline_session_start(*, session: OfflineSession, acting_user) -> OfflineSession:
    """Start showing the check-in code; a closed session cannot start again."""
    _require_trainer(acting_user)
    with transaction.atomic():
        session = _locked_session(session.pk)
        if session.status == OfflineSession.Status.CLOSED:
            raise ValidationError(_("This session is closed."))
        session.status = OfflineSession.Status.RUNNING
        session.save(update_fields=["status"])
        audit_record(action="courses.session.start", acting_user=acting_user, target=session)
    return session


def session_check_in(*, session_id: int, staff, now=None) -> SessionCheckIn:
    """A learner checks in by the scanned code (the caller has checked the code): enrolled, running, once."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked_session(session_id)
        if session.status != OfflineSession.Status.RUNNING:
            raise ValidationError(_("This session is not running: check-in is open only while it runs."))
        programme = _programme_of(session.lesson)
        if programme is None or not Enrolment.objects.filter(staff=staff, programme=programme).exists():
            raise ValidationError(
                _("You are not enrolled in this lesson's programme, so you cannot check in.")
            )
        existing = SessionCheckIn.objects.filter(session=session, staff=staff).first()
        if existing is not None and existing.removed_at is None:
            raise ValidationError(_("You have already checked in to this session."))
        if existing is not None:
            raise ValidationError(_("The trainer removed your check-in; please speak to the trainer."))
        check_in = SessionCheckIn.objects.create(
            session=session, staff=staff, via=SessionCheckIn.Via.QR, checked_in_at=now
        )
        audit_record(action="courses.session.check_in", acting_user=staff, target=session)
    return check_in


def _trainer_change(*, session: OfflineSession, reason: str, acting_user) -> tuple[OfflineSession, str]:
    """Inside a transaction: the trainer's change to the attendance of a session not yet closed, with its reason
    (the session row locked)."""
    _require_trainer(acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."))
    session = _locked_session(session.pk)
    if session.status == OfflineSession.Status.CLOSED:
        raise ValidationError(_("This session is closed."))
    return session, reason


def session_attendee_add(*, session: OfflineSession, staff, reason: str, acting_user) -> SessionCheckIn:
    """The trainer marks someone present (no phone, a failed scan), with a reason."""
    with transaction.atomic():
        session, reason = _trainer_change(session=session, reason=reason, acting_user=acting_user)
        check_in, created = SessionCheckIn.objects.get_or_create(
            session=session,
            staff=staff,
            defaults={"via": SessionCheckIn.Via.TRAINER, "reason": reason, "checked_in_at": timezone.now()},
        )
        if not created:
            if check_in.removed_at is None:
                raise ValidationError(_("%(name)s is already present.") % {"name": staff.name})
            check_in.removed_at, check_in.removed_reason = None, ""
            check_in.via, check_in.reason = SessionCheckIn.Via.TRAINER, reason
            check_in.save(update_fields=["removed_at", "removed_reason", "via", "reason"])
        audit_record(
            action="courses.session.add",
            acting_user=acting_user,
            target=session,
            reason=reason,
            staff=staff.pk,
        )
    return check_in


def session_attendee_remove(*, session: OfflineSession, staff, reason: str, acting_user) -> None:
    """The trainer removes someone who checked in but is not there, with a reason (the row is kept)."""
    with transaction.atomic():
        session, reason = _trainer_change(session=session, reason=reason, acting_user=acting_user)
        updated = SessionCheckIn.objects.filter(session=session, staff=staff, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_reason=reason
        )
        if not updated:
            raise ValidationError(_("%(name)s is not on the list.") % {"name": staff.name})
        audit_record(
            action="courses.session.remove",
            acting_user=acting_user,
            target=session,
            reason=reason,
            staff=staff.pk,
        )


def offline_session_close(*, session: OfflineSession, acting_user) -> dict:
    """Close the session and credit the lesson's hours to everyone present, exactly as the attendance page does.

    The attendance date is the session's Asia/Shanghai start date. Returns attendance_record's counts.
    """
    _require_trainer(acting_user)
    with transaction.atomic():
        session = _locked_session(session.pk)
        if session.status == OfflineSession.Status.CLOSED:
            raise ValidationError(_("This session is closed."))
        present = list(
            SessionCheckIn.objects.filter(session=session, removed_at__isnull=True).values_list(
                "staff_id", flat=True
            )
        )
        outcome = {"recorded": 0, "already": 0}
        if present:
            outcome = attendance_record(
                lesson=session.lesson,
                on_date=timezone.localdate(session.starts_at),
                staff_ids=present,
                acting_user=acting_user,
            )
        session.status = OfflineSession.Status.CLOSED
        session.closed_at = timezone.now()
        session.save(update_fields=["status", "closed_at"])
        audit_record(action="courses.session.close", acting_user=acting_user, target=session, **outcome)
    return outcome
