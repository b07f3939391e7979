"""Reads of learning records that other apps use: set-based, one query per concern."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Left
from django.db.models.lookups import In
from django.utils.translation import gettext, ngettext
from wagtail.models import Page

from courses.models import (
    Category,
    DeliveryMode,
    Enrolment,
    LearningResult,
    LessonCompletion,
    LessonPage,
    LessonStudyTime,
    ModulePage,
    ProgrammeKind,
    ProgrammePage,
    SopAcknowledgement,
    SopRevision,
    TrainingRecord,
)
from courses.rules import (
    MONTHLY_HOURS,
    PlanCheck,
    Progress,
    StudyStatus,
    check_plan,
    locked_ahead,
    progress_of,
    study_status,
)
from portal.access import staff_visible_to
from portal.cache import cached, learner_scope
from portal.dbfunctions import Hundredths, rows_of
from portal.models import IN_SERVICE_ROLES
from portal.months import first_of_month, month_bounds
from portal.page_cache import PAGES_SCOPE


def credited_hours_by_staff(*, month: date, category: str, staff_ids=None) -> dict[int, Decimal]:
    """Hours credited in `month` per staff id: completed lessons of the category plus imported records.

    Sums come back from the database as Decimal on PostgreSQL and may be floats on SQLite, so each is
    converted from its string form and quantised to cents (hours carry 2 decimals).
    """
    first, following = month_bounds(month)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for model, date_field in ((LessonCompletion, "completed_on"), (TrainingRecord, "date")):
        qs = model.objects.filter(
            category=category, **{f"{date_field}__gte": first, f"{date_field}__lt": following}
        )
        if staff_ids is not None:
            qs = qs.filter(staff_id__in=staff_ids)
        # Fetch rows rather than SUM: SQLite sums decimals as floats.
        for staff_id, hours in rows_of(qs.values_list("staff_id", "hours"), many=staff_ids is None):
            totals[staff_id] += Decimal(str(hours))
    return dict(totals)


def learning_results_by_staff(*, month: date, category: str, staff_ids=None) -> dict[int, list[Decimal]]:
    """Assessment results (percent) of `month` per staff id: graded quiz attempts and imported record scores."""
    first, following = month_bounds(month)
    results: dict[int, list[Decimal]] = defaultdict(list)
    records = TrainingRecord.objects.filter(
        category=category, date__gte=first, date__lt=following, score__isnull=False
    )
    attempts = LearningResult.objects.filter(category=category, date__gte=first, date__lt=following)
    for qs, column in ((records, "score"), (attempts, "percent")):
        if staff_ids is not None:
            qs = qs.filter(staff_id__in=staff_ids)
        for staff_id, value in rows_of(qs.values_list("staff_id", column), many=staff_ids is None):
            results[staff_id].append(Decimal(str(value)))
    return dict(results)


def training_totals_sql(*, month: date, category: str, staff_ids=None) -> tuple[str, list]:
    """SQL and parameters of one row per staff member with training in `month`, to join into a larger statement.

    Columns: `staff_id`, `hours` (credited hours), `results_total` (sum of assessment results) and
    `results_count`; hours and results in whole hundredths, so the sums are exact on SQLite too. Counts
    exactly what `credited_hours_by_staff` and `learning_results_by_staff` count, in one statement.
    """
    first, following = month_bounds(month)
    zero = Value(0, output_field=IntegerField())
    one = Value(1, output_field=IntegerField())
    sources = [
        LessonCompletion.objects.filter(
            category=category, completed_on__gte=first, completed_on__lt=following
        )
        .order_by()
        .values("staff_id", credited_hours=Hundredths("hours"), results_total=zero, results_count=zero),
        TrainingRecord.objects.filter(category=category, date__gte=first, date__lt=following)
        .order_by()
        .values(
            "staff_id",
            credited_hours=Hundredths("hours"),
            results_total=Case(When(score__isnull=False, then=Hundredths("score")), default=zero),
            results_count=Case(When(score__isnull=False, then=one), default=zero),
        ),
        LearningResult.objects.filter(category=category, date__gte=first, date__lt=following)
        .order_by()
        .values("staff_id", credited_hours=zero, results_total=Hundredths("percent"), results_count=one),
    ]
    if staff_ids is not None:
        sources = [qs.filter(staff_id__in=staff_ids) for qs in sources]
    rows_sql, params = sources[0].union(*sources[1:], all=True).query.sql_with_params()
    sums = "SUM(credited_hours) AS hours, SUM(results_total) AS results_total, SUM(results_count) AS results_count"
    sql = f"SELECT staff_id, {sums} FROM ({rows_sql}) AS training_rows GROUP BY staff_id"  # noqa: S608 (querysets)
    return sql, list(params)


def assessment_results_exist(*, month: date, category: str, staff_qs) -> bool:
    """Whether anyone of `staff_qs` has an assessment result of the category dated in `month`: a graded quiz or
    an imported record with a score (two EXISTS queries at most)."""
    first, following = month_bounds(month)
    people = staff_qs.values("pk")
    sources = (
        LearningResult.objects.filter(category=category, date__gte=first, date__lt=following),
        TrainingRecord.objects.filter(
            category=category, date__gte=first, date__lt=following, score__isnull=False
        ),
    )
    return any(qs.filter(staff__in=people).exists() for qs in sources)


def assessment_result_months(*, category: str, since: date | None = None) -> set[date]:
    """The months (first days), from `since` on, in which anyone has an assessment result of the category: two
    grouped queries."""
    months: set[date] = set()
    sources = (
        LearningResult.objects.filter(category=category),
        TrainingRecord.objects.filter(category=category, score__isnull=False),
    )
    for qs in sources:
        if since is not None:
            qs = qs.filter(date__gte=first_of_month(since))
        months.update(qs.dates("date", "month"))
    return months


def total_hours_for(staff_id: int, category: str) -> Decimal:
    """All hours a person has been credited in a category (onboarding progress)."""
    total = Decimal(0)
    for model in (LessonCompletion, TrainingRecord):
        for hours in model.objects.filter(staff_id=staff_id, category=category).values_list(
            "hours", flat=True
        ):
            total += Decimal(str(hours))
    return total


# --- Curriculum structure and progress ----------------------------------------------------------------------


def _prefix_filter(pages) -> Q:
    """Pages below any of `pages` (tree paths), as one filter: one IN over the path prefix per tree depth
    (programmes share one), which the database matches much faster than one LIKE per page."""
    paths_by_depth: dict[int, list[str]] = defaultdict(list)
    for page in pages:
        paths_by_depth[page.depth].append(page.path)
    condition = Q(pk__in=[])
    for depth, paths in paths_by_depth.items():
        condition |= Q(In(Left("path", len(paths[0])), paths), depth__gt=depth)
    return condition


def _live_lessons_of(programmes):
    return LessonPage.objects.live().filter(_prefix_filter(programmes)).order_by("path")


def _group_by_programme(programmes, items, path_of) -> dict[int, list]:
    """`items` (in tree order) grouped by the programme whose tree path prefixes theirs."""
    result: dict[int, list] = {p.pk: [] for p in programmes}
    by_prefix = {p.path: p.pk for p in programmes}
    prefix_len = {len(p.path) for p in programmes}
    for item in items:
        path = path_of(item)
        for length in prefix_len:
            programme_id = by_prefix.get(path[:length])
            if programme_id is not None:
                result[programme_id].append(item)
                break
    return result


def lessons_by_programme(programmes) -> dict[int, list[LessonPage]]:
    """The live lessons of each programme in curriculum (tree) order, in one query."""
    programmes = list(programmes)
    if not programmes:
        return {}
    lessons = _live_lessons_of(programmes).only(
        "id",
        "title",
        "slug",
        "path",
        "depth",
        "url_path",
        "delivery_mode",
        "planned_hours",
        "required",
        "is_sop",
    )
    return _group_by_programme(programmes, lessons, lambda lesson: lesson.path)


def lesson_rows_by_programme(programmes) -> dict[int, list[dict]]:
    """The same lessons as rows with what progress needs (pk, delivery_mode, planned_hours, required), in one
    query: building page objects (tens of microseconds each) is the larger cost where only hours are shown."""
    programmes = list(programmes)
    if not programmes:
        return {}
    rows = _live_lessons_of(programmes).values_list(
        "id", "path", "delivery_mode", "planned_hours", "required"
    )
    grouped = _group_by_programme(programmes, rows, lambda row: row[1])
    return {
        programme_id: [
            {"pk": pk, "delivery_mode": mode, "planned_hours": Decimal(str(hours)), "required": required}
            for pk, _path, mode, hours, required in items
        ]
        for programme_id, items in grouped.items()
    }


def _lesson_dicts(lessons) -> list[dict]:
    return [
        {
            "pk": x.pk,
            "delivery_mode": x.delivery_mode,
            "planned_hours": Decimal(str(x.planned_hours)),
            "required": x.required,
        }
        for x in lessons
    ]


def completions_by_staff(*, staff_ids, lesson_ids) -> dict[int, dict[int, Decimal]]:
    """Hours credited per completed lesson, per staff id, in one query."""
    done: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if not lesson_ids:
        return done
    qs = LessonCompletion.objects.filter(lesson_id__in=list(lesson_ids))
    if staff_ids is not None:
        staff_ids = list(staff_ids)
        qs = qs.filter(staff_id__in=staff_ids)
    rows = qs.values_list("staff_id", "lesson_id", "hours")
    # A page's people fit in one fetch; on PostgreSQL a chunked iterator costs a server-side cursor (three round
    # trips), which pays only for everyone's completions.
    if staff_ids is None or len(staff_ids) > _FETCH_AT_ONCE:
        rows = rows.iterator(chunk_size=5000)
    for staff_id, lesson_id, hours in rows:
        done[staff_id][lesson_id] = Decimal(str(hours))
    return done


_FETCH_AT_ONCE = 500


def progress_by_staff(*, staff_ids, programmes) -> dict[tuple[int, int], Progress]:
    """Progress of each (staff id, programme id): two queries whatever the number of people and lessons."""
    rows = lesson_rows_by_programme(programmes)
    all_lesson_ids = [lesson["pk"] for items in rows.values() for lesson in items]
    done = completions_by_staff(staff_ids=staff_ids, lesson_ids=all_lesson_ids)
    return {
        (staff_id, pid): progress_of(items, done.get(staff_id, {}))
        for staff_id in staff_ids
        for pid, items in rows.items()
    }


def programme_plan(*, programme: ProgrammePage | None, kind: str) -> PlanCheck:
    """Planned hours of a programme's lessons (live and draft: what the editor is building) against the policy."""
    online = offline = Decimal(0)
    if programme is not None:
        for mode, hours in LessonPage.objects.descendant_of(programme).values_list(
            "delivery_mode", "planned_hours"
        ):
            if mode == DeliveryMode.ONLINE:
                online += Decimal(str(hours))
            else:
                offline += Decimal(str(hours))
    return check_plan(kind, online, offline)


def programme_plan_panel_context(*, programme: ProgrammePage | None, kind: str) -> dict:
    """The editor guidance panel of the programme form: the plan and its policy warnings."""
    plan = programme_plan(programme=programme, kind=kind)
    return {"plan": plan, "plan_messages": programme_plan_messages(plan)}


def programme_plan_messages(plan: PlanCheck) -> list[str]:
    messages = []
    for code, values in plan.warnings:
        if code == "hours":
            messages.append(
                gettext(
                    "The lessons plan %(total)s hours; the policy for this kind of programme is %(target)s hours."
                )
                % values
            )
        elif code == "split":
            messages.append(
                gettext(
                    "Online lessons are %(online)s%% of the hours; the policy is about %(target_online)s%%."
                )
                % values
            )
    return messages


def current_onboarding_programme() -> ProgrammePage | None:
    """The onboarding programme new hires join: the most recently first-published live one."""
    return (
        ProgrammePage.objects.live()
        .filter(kind=ProgrammeKind.ONBOARDING)
        .order_by("-first_published_at", "-pk")
        .first()
    )


def monthly_programmes(*, month: date) -> list[ProgrammePage]:
    return list(
        ProgrammePage.objects.live()
        .filter(kind=ProgrammeKind.MONTHLY, month=first_of_month(month))
        .order_by("path")
    )


# --- Learner ------------------------------------------------------------------------------------------------


@dataclass
class ProgrammeProgress:
    programme: ProgrammePage
    enrolment: Enrolment | None
    progress: Progress
    lessons: list  # rows of `lesson_rows_by_programme`
    done_ids: set
    overdue: bool = False
    # The pages of the next and the required lessons left, which the learner's pages link to: read for an
    # onboarding not yet complete only (the one programme whose lessons they list).
    lesson_pages: dict = field(default_factory=dict)

    @property
    def next_lesson(self):
        return self.lesson_pages.get(self.progress.next_lesson_id)

    @property
    def required_left(self) -> list:
        return [self.lesson_pages[pk] for pk in self.progress.required_left if pk in self.lesson_pages]

    @property
    def complete(self) -> bool:
        return bool(self.enrolment and self.enrolment.completed_on) or self.progress.complete


@dataclass
class LearnerOverview:
    onboarding: ProgrammeProgress | None = None
    this_month: list[ProgrammeProgress] = field(default_factory=list)
    upcoming: list[ProgrammeProgress] = field(default_factory=list)
    history: list[ProgrammeProgress] = field(default_factory=list)
    leadership: list[ProgrammeProgress] = field(default_factory=list)
    other: list[ProgrammeProgress] = field(default_factory=list)
    locked: list["PathLock"] = field(default_factory=list)
    month_hours: Decimal = Decimal(0)
    sop_pending: int = 0

    @property
    def empty(self) -> bool:
        return not (
            self.onboarding
            or self.this_month
            or self.upcoming
            or self.history
            or self.leadership
            or self.other
            or self.locked
        )


# --- Learning paths ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathLock:
    """A programme the learner cannot start yet, with the prerequisites still to complete (in curriculum order),
    each with whether the learner is enrolled in it."""

    programme: ProgrammePage
    missing: list[dict]  # {"programme": ProgrammePage, "enrolled": bool}


def _live_prerequisites() -> dict[int, set[int]]:
    """Every live programme with prerequisites → the ids of its live prerequisites (one query, or none while
    the cached curriculum is current: prerequisites change only with a page's publication)."""

    def find():
        requires: dict[int, set[int]] = defaultdict(set)
        for programme_id, prerequisite_id in ProgrammePage.prerequisites.through.objects.filter(
            from_programmepage__live=True, to_programmepage__live=True
        ).values_list("from_programmepage_id", "to_programmepage_id"):
            requires[programme_id].add(prerequisite_id)
        return dict(requires)

    return cached("curriculum-prerequisites", [PAGES_SCOPE], find)


def _path_locks(*, requires, missing_by_programme: dict[int, set[int]], enrolled: set[int]) -> list[PathLock]:
    wanted = set(missing_by_programme) | {pk for ids in missing_by_programme.values() for pk in ids}
    pages = {
        p.pk: p
        for p in ProgrammePage.objects.filter(pk__in=wanted).only(*_PROGRAMME_LISTED_FIELDS).order_by("path")
    }
    locks = []
    for pk in sorted(missing_by_programme, key=lambda pk: pages[pk].path):
        missing = sorted(missing_by_programme[pk], key=lambda m: pages[m].path)
        locks.append(
            PathLock(
                programme=pages[pk],
                missing=[{"programme": pages[m], "enrolled": m in enrolled} for m in missing],
            )
        )
    return locks


def path_locks_for(*, user, programme_ids=None) -> list[PathLock]:
    """The locked programmes `user` sees, in three queries.

    Without `programme_ids`: those ahead on the paths the learner is on (`rules.locked_ahead`). With them: which
    of those programmes are locked for the learner (not enrolled, a prerequisite not completed), wherever found.
    """
    requires = _live_prerequisites()
    if not requires:
        return []
    enrolled, completed = set(), set()
    for programme_id, completed_on in Enrolment.objects.filter(staff_id=user.pk).values_list(
        "programme_id", "completed_on"
    ):
        enrolled.add(programme_id)
        if completed_on is not None:
            completed.add(programme_id)
    if getattr(user, "onboarded_on", None):
        # Onboarded people count every onboarding programme as completed (those imported as already onboarded
        # have no onboarding enrolment), as the enrolment services do.
        completed |= set(
            ProgrammePage.objects.filter(
                pk__in={pk for needed in requires.values() for pk in needed}, kind=ProgrammeKind.ONBOARDING
            ).values_list("pk", flat=True)
        )
    if programme_ids is None:
        missing = locked_ahead(requires, enrolled, completed)
    else:
        missing = {
            pk: requires[pk] - completed
            for pk in programme_ids
            if pk in requires and pk not in enrolled and requires[pk] - completed
        }
    if not missing:
        return []
    return _path_locks(requires=requires, missing_by_programme=missing, enrolled=enrolled)


# What lists of programmes show and link to (the rest of a page object is its content).
_PROGRAMME_LISTED_FIELDS = (
    "title",
    "slug",
    "path",
    "depth",
    "url_path",
    "live",
    "kind",
    "month",
    "quarter_start",
)


def learner_overview(*, user, today: date, history_limit: int | None = None) -> LearnerOverview:
    """Everything a learner's home panel and "My training" page show, in a fixed number of queries.

    `history_limit` keeps only the latest past monthly modules (the home panel shows three), so the panel's cost
    does not grow with the months someone has worked here.
    """
    month = first_of_month(today)
    enrolments = list(
        Enrolment.objects.filter(staff=user, programme__live=True)
        .select_related("programme")
        .only(
            *("staff_id", "programme_id", "assigned_on", "due_on", "completed_on", "reason"),
            *(f"programme__{name}" for name in _PROGRAMME_LISTED_FIELDS),
        )
        .order_by("programme__path")
    )
    if history_limit is not None:
        past = [
            e
            for e in enrolments
            if e.programme.kind == ProgrammeKind.MONTHLY and e.programme.month and e.programme.month < month
        ]
        past.sort(key=lambda e: e.programme.month, reverse=True)
        left_out = {e.pk for e in past[history_limit:]}
        enrolments = [e for e in enrolments if e.pk not in left_out]
    programmes = [e.programme for e in enrolments]
    # The lessons of a set of programmes are the same for everyone enrolled in that set: cached with the curriculum.
    lessons = cached(
        "lesson-rows:" + ",".join(str(pk) for pk in sorted(p.pk for p in programmes)),
        [PAGES_SCOPE],
        lambda: lesson_rows_by_programme(programmes),
    )
    done = _completed_hours(user, [x["pk"] for items in lessons.values() for x in items])
    overview = LearnerOverview()
    for enrolment in enrolments:
        programme = enrolment.programme
        items = lessons[programme.pk]
        entry = ProgrammeProgress(
            programme=programme,
            enrolment=enrolment,
            progress=progress_of(items, done),
            lessons=items,
            done_ids={x["pk"] for x in items if x["pk"] in done},
        )
        entry.overdue = bool(enrolment.due_on and enrolment.due_on < today and not entry.complete)
        if programme.kind == ProgrammeKind.ONBOARDING:
            if overview.onboarding is None or not entry.complete:
                overview.onboarding = entry
        elif programme.kind == ProgrammeKind.MONTHLY and programme.month:
            if programme.month == month:
                overview.this_month.append(entry)
            elif programme.month > month:
                overview.upcoming.append(entry)
            else:
                overview.history.append(entry)
        elif programme.kind == ProgrammeKind.LEADERSHIP:
            overview.leadership.append(entry)
        else:
            overview.other.append(entry)
    overview.history.sort(key=lambda e: e.programme.month, reverse=True)
    onboarding = overview.onboarding
    if onboarding is not None and not onboarding.complete:
        linked = {*onboarding.progress.required_left, onboarding.progress.next_lesson_id} - {None}
        onboarding.lesson_pages = {x.pk: x for x in LessonPage.objects.filter(pk__in=linked)}
    overview.locked = path_locks_for(user=user)
    overview.month_hours = credited_hours_by_staff(
        month=month, category=Category.IN_SERVICE, staff_ids=[user.pk]
    ).get(user.pk, Decimal(0))
    if user.role in IN_SERVICE_ROLES:
        overview.sop_pending = sop_revisions_pending_for(user).count()
    return overview


def _one_or_none(queryset):
    """The row a unique key selects, or None; unlike first(), no ordering to build."""
    try:
        return queryset.get()
    except queryset.model.DoesNotExist:
        return None


def _completed_hours(user, lesson_ids) -> dict[int, Decimal]:
    """Hours credited to `user` per completed lesson among `lesson_ids`, in one query."""
    if not user.is_authenticated or not lesson_ids:
        return {}
    rows = LessonCompletion.objects.filter(staff=user, lesson_id__in=lesson_ids).values_list(
        "lesson_id", "hours"
    )
    return {lesson_id: Decimal(str(hours)) for lesson_id, hours in rows}


def training_root_context(*, root, user) -> dict:
    programmes = list(
        ProgrammePage.objects.child_of(root).live().order_by("-month", "-quarter_start", "path")
    )
    enrolled = set(
        Enrolment.objects.filter(staff=user, programme__in=programmes).values_list("programme_id", flat=True)
    )
    progress = progress_by_staff(staff_ids=[user.pk], programmes=[p for p in programmes if p.pk in enrolled])
    locks = {
        lock.programme.pk: lock
        for lock in path_locks_for(
            user=user, programme_ids=[p.pk for p in programmes if p.pk not in enrolled]
        )
    }
    rows = [
        {
            "programme": p,
            "enrolled": p.pk in enrolled,
            "progress": progress.get((user.pk, p.pk)),
            "lock": locks.get(p.pk),
        }
        for p in programmes
    ]
    return {"programme_rows": rows}


def _programme_outline(programme: ProgrammePage) -> tuple[list[ModulePage], list[LessonPage]]:
    """A programme's live modules and lessons in tree order: the same for every learner, so cached until a page
    changes (portal.page_cache)."""

    def find():
        modules = list(
            ModulePage.objects.child_of(programme)
            .live()
            .order_by("path")
            .only("id", "title", "slug", "path", "depth", "url_path")
        )
        return modules, lessons_by_programme([programme])[programme.pk]

    return cached(f"programme-outline:{programme.pk}", [PAGES_SCOPE], find)


def programme_page_context(*, programme: ProgrammePage, user) -> dict:
    modules, lessons = _programme_outline(programme)
    completions = _completions_of(user)
    done = {x.pk: Decimal(str(completions[x.pk].hours)) for x in lessons if x.pk in completions}
    done_ids = set(done)
    progress = progress_of(_lesson_dicts(lessons), done)
    module_rows = []
    for module in modules:
        items = [x for x in lessons if x.path.startswith(module.path)]
        module_rows.append(
            {
                "module": module,
                "lessons": [{"lesson": x, "done": x.pk in done_ids} for x in items],
                "hours": sum((Decimal(str(x.planned_hours)) for x in items), Decimal(0)),
            }
        )
    enrolment = enrolments_of(user).get(programme.pk)
    lock = None if enrolment else next(iter(path_locks_for(user=user, programme_ids=[programme.pk])), None)
    return {
        "lock": lock,
        "module_rows": module_rows,
        "progress": progress,
        "enrolment": enrolment,
        "next_lesson": next((x for x in lessons if x.pk == progress.next_lesson_id), None),
        "plan": check_plan(programme.kind, progress.planned_online, progress.planned_offline),
    }


def module_page_context(*, module: ModulePage, user) -> dict:
    lessons = list(LessonPage.objects.child_of(module).live().order_by("path"))
    done_ids = set(_completed_hours(user, [x.pk for x in lessons]))
    return {
        "programme": ProgrammePage.objects.ancestor_of(module).first(),
        "lesson_rows": [{"lesson": x, "done": x.pk in done_ids} for x in lessons],
    }


def _lesson_ancestors(lesson: LessonPage, user):
    """The lesson's programme and module as plain pages (title, URL, tree position), each with whether `user` is
    enrolled in it (only the programme can be): the pages kept with the curriculum, the enrolments with the
    learner's own learning."""
    ancestors = cached(
        f"lesson-ancestors:{lesson.pk}",
        [PAGES_SCOPE],
        lambda: list(
            Page.objects.ancestor_of(lesson)
            .filter(depth__gte=lesson.depth - 2)
            .only("id", "title", "slug", "path", "depth", "url_path", "content_type_id")
        ),
    )
    enrolled = enrolled_programme_ids(user)
    for page in ancestors:
        page.enrolled = page.pk in enrolled
    programme = next((p for p in ancestors if p.specific_class is ProgrammePage), None)
    module = next((p for p in ancestors if p.depth == lesson.depth - 1), None)
    return programme, module


def enrolments_of(user) -> dict[int, Enrolment]:
    """`user`'s enrolments by programme id, kept with their learning (`learner_scope`)."""
    if not user.is_authenticated:
        return {}
    return cached(
        f"enrolments:{user.pk}",
        [learner_scope(user.pk)],
        lambda: {e.programme_id: e for e in Enrolment.objects.filter(staff_id=user.pk)},
        personal=True,
    )


def enrolled_programme_ids(user) -> set[int]:
    return set(enrolments_of(user))


def _completions_of(user) -> dict[int, LessonCompletion]:
    """Every lesson `user` completed, by lesson id, kept with their learning (`learner_scope`): a few dozen rows
    a year, read once for all their lesson and programme pages."""
    if not user.is_authenticated:
        return {}
    return cached(
        f"lesson-completions:{user.pk}",
        [learner_scope(user.pk)],
        lambda: {c.lesson_id: c for c in LessonCompletion.objects.filter(staff_id=user.pk)},
        personal=True,
    )


def heartbeat_seconds() -> int:
    """How often a learning page reports activity (tests shorten it)."""
    return int(getattr(settings, "ACTIVITY_HEARTBEAT_SECONDS", 30))


def idle_prompt_seconds() -> int:
    """After how long without input the page asks "still studying?" and stops reporting activity."""
    return int(getattr(settings, "ACTIVITY_IDLE_SECONDS", 60))


def lesson_study_status(*, staff, lesson: LessonPage, programme: ProgrammePage | None = None) -> StudyStatus:
    """Where `staff` stands on the study requirement of an online lesson (time, or its video), read only."""
    if programme is None:
        programme = (
            ProgrammePage.objects.ancestor_of(lesson).only("id", "kind", "active_share_percent").first()
        )
    record = _one_or_none(LessonStudyTime.objects.filter(staff_id=staff.pk, lesson=lesson))
    return study_status(
        rule=lesson.completion_rule,
        planned_hours=lesson.planned_hours,
        kind=programme.kind if programme is not None else "",
        configured_share=programme.active_share_percent if programme is not None else None,
        active_seconds=record.active_seconds if record else 0,
        video_watched=bool(record and record.video_watched_at),
    )


def active_seconds_by_staff(*, staff_ids, programmes) -> dict[int, int]:
    """Active study seconds per staff id on the online lessons of `programmes`, in one query."""
    if not staff_ids or not programmes:
        return {}
    totals: dict[int, int] = defaultdict(int)
    rows = LessonStudyTime.objects.filter(
        staff_id__in=list(staff_ids), lesson_id__in=_live_lessons_of(programmes).order_by().values("pk")
    ).values_list("staff_id", "active_seconds")
    for staff_id, seconds in rows:
        totals[staff_id] += seconds
    return dict(totals)


def lesson_page_context(*, lesson: LessonPage, request) -> dict:
    from courses.hooks import lesson_completion_blockers, lesson_panels

    user = request.user
    programme, module = _lesson_ancestors(lesson, user)
    completion = _completions_of(user).get(lesson.pk)
    enrolled = bool(programme and programme.enrolled)
    blockers = lesson_completion_blockers(user, lesson) if completion is None else []
    following = None
    if programme is not None and lesson.live:
        following = cached(
            f"lesson-following:{lesson.pk}",
            [PAGES_SCOPE],
            lambda: (
                LessonPage.objects.live()
                .filter(path__startswith=programme.path, path__gt=lesson.path)
                .order_by("path")
                .only("id", "title", "slug", "path", "depth", "url_path")
                .first()
            ),
        )
    programme_progress = None
    if following is None and enrolled:
        # The last lesson of the programme says where the learner stands instead of pointing nowhere.
        programme_progress = progress_by_staff(staff_ids=[user.pk], programmes=[programme])[
            (user.pk, programme.pk)
        ]
    sop_revision = None
    if lesson.is_sop:
        sop_revision = SopRevision.objects.filter(lesson=lesson).order_by("-published_at", "-pk").first()
    study = None
    if completion is None and enrolled and lesson.delivery_mode == DeliveryMode.ONLINE:
        study = lesson_study_status(
            staff=user,
            lesson=lesson,
            programme=ProgrammePage.objects.filter(pk=programme.pk)
            .only("id", "kind", "active_share_percent")
            .first(),
        )
    return {
        "programme": programme,
        "module": module,
        "completion": completion,
        "enrolled": enrolled,
        "blockers": blockers,
        "can_complete": (
            completion is None
            and enrolled
            and lesson.delivery_mode == DeliveryMode.ONLINE
            and not blockers
            and (study is None or study.met)
        ),
        "lesson_panels": lesson_panels(request, lesson),
        "next_lesson": following,
        "programme_progress": programme_progress,
        "sop_revision": sop_revision,
        "study": study,
        "study_message": study_blocker_message(study) if study is not None and not study.met else "",
        "heartbeat_seconds": heartbeat_seconds(),
        "idle_seconds": idle_prompt_seconds(),
    }


def study_blocker_message(study: StudyStatus) -> str:
    """Why the learner may not complete the lesson yet, in their language."""
    if study.rule == "video":
        return gettext("Watch the lesson's video to the end first.")
    return ngettext(
        "Study this lesson for %(minutes)d more minute first (time with the page open and in use counts).",
        "Study this lesson for %(minutes)d more minutes first (time with the page open and in use counts).",
        study.minutes_left,
    ) % {"minutes": study.minutes_left}


# --- Team lead, manager, HR -----------------------------------------------------------------------------------


@dataclass
class MatrixCell:
    enrolment: Enrolment | None
    progress: Progress
    overdue: bool
    programme_title: str = ""  # the column's heading, repeated in the cell when the table stacks on a phone

    @property
    def complete(self) -> bool:
        return bool(self.enrolment and self.enrolment.completed_on) or (
            self.enrolment is not None and self.progress.complete
        )


def in_service_staff_visible_to(viewer, *, team_id: int | None = None):
    qs = staff_visible_to(viewer).filter(is_active=True, role__in=IN_SERVICE_ROLES)
    if team_id:
        qs = qs.filter(team_id=team_id)
    return qs.select_related("department", "team").order_by("department__name", "team__name", "employee_no")


def team_matrix(*, staff: list, month: date, today: date) -> dict:
    """Rows of staff × the month's live monthly modules: enrolment, hours done of planned, overdue flag.

    A fixed number of queries: the programmes, their lessons, the enrolments and the completions of `staff`.
    """
    programmes = monthly_programmes(month=month)
    staff_ids = [s.pk for s in staff]
    enrolments = {
        (e.staff_id, e.programme_id): e
        for e in Enrolment.objects.filter(staff_id__in=staff_ids, programme__in=programmes)
    }
    progress = progress_by_staff(staff_ids=staff_ids, programmes=programmes)
    rows = []
    for person in staff:
        cells = []
        for programme in programmes:
            enrolment = enrolments.get((person.pk, programme.pk))
            prog = progress[(person.pk, programme.pk)]
            done = bool(enrolment and (enrolment.completed_on or prog.complete))
            overdue = bool(enrolment and enrolment.due_on and enrolment.due_on < today and not done)
            cells.append(MatrixCell(enrolment, prog, overdue, programme.title))
        rows.append({"staff": person, "cells": cells, "overdue": any(c.overdue for c in cells)})
    return {"programmes": programmes, "rows": rows}


def completion_report(*, viewer, month: date, today: date) -> dict:
    """Completion of the month's modules by department and per person, within what `viewer` sees.

    Active time per person is what the online lessons' heartbeats measured on the month's modules. Credited
    hours are everything counted for the month (lessons and imported records), so the report agrees
    with the learning score.
    """
    staff = list(in_service_staff_visible_to(viewer))
    staff_ids = [s.pk for s in staff]
    matrix = team_matrix(staff=staff, month=month, today=today)
    hours = credited_hours_by_staff(month=month, category=Category.IN_SERVICE, staff_ids=staff_ids)
    active = active_seconds_by_staff(staff_ids=staff_ids, programmes=matrix["programmes"])
    departments: dict[str, dict] = {}
    people = []
    for row in matrix["rows"]:
        person = row["staff"]
        assigned = [c for c in row["cells"] if c.enrolment is not None]
        complete = bool(assigned) and all(c.complete for c in assigned)
        credited = hours.get(person.pk, Decimal(0))
        dept_name = person.department.name if person.department else ""
        dept = departments.setdefault(
            dept_name,
            {
                "department": dept_name,
                "staff": 0,
                "assigned": 0,
                "complete": 0,
                "overdue": 0,
                "hours": Decimal(0),
                "met_hours": 0,
            },
        )
        dept["staff"] += 1
        dept["assigned"] += bool(assigned)
        dept["complete"] += complete
        dept["overdue"] += row["overdue"]
        dept["hours"] += credited
        dept["met_hours"] += credited >= MONTHLY_HOURS
        people.append(
            {
                "staff": person,
                "department": dept_name,
                "team": person.team.name if person.team else "",
                "assigned": bool(assigned),
                "complete": complete,
                "overdue": row["overdue"],
                "hours": credited,
                "active_seconds": active.get(person.pk, 0),
                "active_minutes": active.get(person.pk, 0) // 60,
                "active_hours": (Decimal(active.get(person.pk, 0)) / 3600).quantize(Decimal("0.01")),
            }
        )
    for dept in departments.values():
        dept["rate"] = (
            (Decimal(dept["complete"]) * 100 / dept["assigned"]).quantize(Decimal("0.1"))
            if dept["assigned"]
            else None
        )
    return {
        "programmes": matrix["programmes"],
        "departments": sorted(departments.values(), key=lambda d: d["department"]),
        "people": people,
    }


# --- SOP revisions ------------------------------------------------------------------------------------------


def sop_revisions_pending_for(user):
    """SOP revisions `user` has not acknowledged yet (in-service staff; revisions after their onboarding)."""
    qs = SopRevision.objects.filter(lesson__live=True).exclude(acknowledgements__staff=user)
    if user.onboarded_on:
        qs = qs.filter(published_on__gte=user.onboarded_on)
    return qs.select_related("lesson").order_by("-published_at", "-pk")


def sop_unacknowledged_staff(*, viewer, sop_revision: SopRevision):
    """In-service staff within `viewer`'s reach who have not acknowledged `sop_revision`."""
    acked = SopAcknowledgement.objects.filter(sop_revision=sop_revision).values("staff_id")
    return (
        in_service_staff_visible_to(viewer)
        .exclude(pk__in=acked)
        .exclude(onboarded_on__gt=sop_revision.published_on)
    )


def sop_revisions_with_missing(*, viewer, limit: int = 5, names: int = 10) -> list[dict]:
    """The latest SOP revisions with how many people within `viewer`'s reach have not acknowledged each, and
    the first `names` of them ("name employee_no"), so that a count never comes without saying who.

    Two queries per revision shown (at most `limit`), whatever the number of people.
    """
    revisions = list(SopRevision.objects.filter(lesson__live=True).order_by("-published_at", "-pk")[:limit])
    rows = []
    for revision in revisions:
        unacknowledged = sop_unacknowledged_staff(viewer=viewer, sop_revision=revision)
        missing = unacknowledged.count()
        first = (
            list(unacknowledged.order_by("employee_no").values_list("name", "employee_no")[:names])
            if missing
            else []
        )
        rows.append({"revision": revision, "missing": missing, "names": [f"{n} {no}" for n, no in first]})
    return rows


def programme_staff_ids(*, programme_id: int) -> list[int]:
    """Active people enrolled in a programme (a quiz's takers, for its closing reminder)."""
    return list(
        Enrolment.objects.filter(programme_id=programme_id, staff__is_active=True)
        .order_by("staff_id")
        .values_list("staff_id", flat=True)
    )


def leadership_completions(*, staff_ids=None):
    """Completed enrolments in leadership courses (newest completion first), with the manager, department and
    programme: one query. `staff_ids` narrows them to those people."""
    qs = (
        Enrolment.objects.filter(programme__kind=ProgrammeKind.LEADERSHIP, completed_on__isnull=False)
        .select_related("staff__department", "programme")
        .order_by("-completed_on", "staff__employee_no", "pk")
    )
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=staff_ids)
    return qs


def curriculum_search(query: str, *, limit: int = 50) -> list[dict]:
    """Live programmes, modules and lessons whose title or text contains every word of `query` (substrings,
    so a Chinese word inside a longer one is found): lessons first, each with the module and programme it is
    in. Three searches plus one query for the parents' titles."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    found = []
    for model, kind in ((LessonPage, "lesson"), (ModulePage, "module"), (ProgrammePage, "programme")):
        for page in model.objects.live().order_by("path").search(query, order_by_relevance=False)[:limit]:
            found.append((kind, page))
    ancestors = {
        page.path: page.title
        for page in Page.objects.filter(
            path__in={p.path[: depth * Page.steplen] for _kind, p in found for depth in range(3, p.depth)}
        )
    }
    results = []
    for kind, page in found[:limit]:
        trail = [ancestors[page.path[: depth * Page.steplen]] for depth in range(3, page.depth)]
        results.append({"kind": kind, "title": page.title, "url": page.url, "trail": trail})
    return results
