"""Writes of the scoring part of assessments: KPI import, monthly scores, policy versions, the coaching loop."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    CoachingAssignment,
    CoachingModule,
    CoachingReview,
    KpiRecord,
    MonthlyScore,
    ScoreSummaryMonth,
    ScoringPolicyVersion,
)
from assessments.scoring import rules, signals
from assessments.scoring.kpi_file import KPI_VALUE_COLUMNS, kpi_file_parse
from assessments.scoring.selectors import (
    month_has_data,
    month_scores_computed,
    policy_versions_frozen,
    score_months_with_data,
    scoring_policy_for_month,
)
from portal.bulkwork import gc_paused
from portal.cache import (
    COACHING_SCOPE,
    MONTHS_SCOPE,
    SCORING_POLICY_SCOPE,
    learners_invalidate,
    scope_invalidate,
    score_month_scope,
)
from portal.dbfunctions import Hundredths
from portal.importing import ImportResult, import_run_record, refused, skipped_notes
from portal.models import MonthLock
from portal.months import first_of_month
from portal.selectors import staff_ids_by_employee_no
from portal.services import MonthLockedError, audit_record, month_is_locked, months_locked, require_permission
from portal.tabular.errors import WHOLE_FILE, RowError
from portal.tabular.mapping import ColumnMapping

# --- Monthly scores ------------------------------------------------------------------------------------------


# Above this many people a recomputation takes the whole month: one set-based statement is then cheaper than
# thousands of ids in every subquery (and stays within SQLite's limit on query parameters).
_SUBSET_LIMIT = 1000
# First key of the PostgreSQL advisory lock a month's score writer holds (the second is the month).
_SCORES_LOCK_KEY = 60601


@gc_paused()
def monthly_scores_compute(*, month: date, acting_user=None, staff_ids=None) -> int:
    """Recompute and store the month's scores of every scored staff member, or of `staff_ids` when only their
    inputs changed, in one transaction (the caller's, when there is one).

    Set-based: the inputs summed per person in one statement, exact whole-number arithmetic, and only the rows
    that changed are written (`selectors.month_scores_computed`). A person with no data at all gets no score
    row, and a month with no data for anyone (`selectors.month_has_data`) has no stored scores at all. A change
    that gives a month its first data or takes its last away changes everyone's score, so it recomputes the
    whole month even when `staff_ids` is given. Refuses a published (locked) month: its scores are frozen. A
    full recomputation is audited. Returns the number of scores stored for the people recomputed.
    """
    first = first_of_month(month)
    if month_is_locked(first):
        raise MonthLockedError(first)
    if staff_ids is not None:
        staff_ids = sorted(set(staff_ids))
        if len(staff_ids) > _SUBSET_LIMIT:
            staff_ids = None
    with transaction.atomic():
        _month_scores_lock(first)
        if staff_ids is not None:
            stored = MonthlyScore.objects.filter(month=first).exists()
            if stored != month_has_data(first):
                staff_ids = None
        version, rows = month_scores_computed(month=first, staff_ids=staff_ids)
        changed = _scores_replace(first, rows, staff_ids)
        if changed or staff_ids is None:
            score_summaries_mark_stale(months=[first])
        if staff_ids is None:
            audit_record(
                action="scores.compute",
                acting_user=acting_user,
                month=f"{first:%Y-%m}",
                policy=version.pk,
                scored=len(rows),
            )
    return len(rows)


def monthly_scores_update(*, months, staff_ids=None, acting_user=None) -> None:
    """Store again the scores of those of `months` (any dates) that are not published, after a write changed
    their inputs (only those of `staff_ids`, when given). Published (locked) months keep their frozen scores.

    Call inside the writing transaction, so the month is stored up to date when the write commits.
    """
    firsts = {first_of_month(m) for m in months}
    for first in sorted(firsts - months_locked(firsts)):
        monthly_scores_compute(month=first, staff_ids=staff_ids, acting_user=acting_user)


def monthly_scores_update_from(*, month: date | None = None, staff_ids=None, acting_user=None) -> None:
    """`monthly_scores_update` of every month from `month` on (every month when None) that has data or stored
    scores: after a change of people (`staff_ids`) or of the scoring policy."""
    monthly_scores_update(
        months=score_months_with_data(since=month), staff_ids=staff_ids, acting_user=acting_user
    )


def _month_scores_lock(first: date) -> None:
    """One writer of a month's scores at a time, until the transaction ends: PostgreSQL runs writers
    concurrently (two would insert the same rows); SQLite serialises them already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_SCORES_LOCK_KEY, first.year * 12 + first.month]
            )


def _scores_replace(first: date, rows: list[tuple], staff_ids) -> bool:
    """Make the month's stored scores (of `staff_ids`, or all) equal `rows`, writing only what changed (True
    when something did).

    `rows` are `(staff_id, policy_id, kpi, quality, learning, composite, partial, in_service_hours)` with the
    numbers in hundredths; the stored rows are read the same way, so comparing them is exact and cheap. A
    recomputation after one lesson or one evaluation then rewrites one row, not the whole month.
    """
    stored = MonthlyScore.objects.filter(month=first)
    if staff_ids is not None:
        stored = stored.filter(staff_id__in=staff_ids)
    stored_sql, params = stored.values_list(
        "staff_id",
        "policy_id",
        Hundredths("kpi"),
        Hundredths("quality"),
        Hundredths("learning"),
        Hundredths("composite"),
        "partial",
        Hundredths("in_service_hours"),
    ).query.sql_with_params()
    # Raw rows: Django's per-value conversions would cost more than the query. `partial` may read as 0/1,
    # which compares equal to False/True.
    with connection.cursor() as cursor:
        cursor.execute(stored_sql, params)
        old = {values[0]: values for values in cursor.fetchall()}
    new = {row[0]: row for row in rows}
    stale = [sid for sid, values in old.items() if new.get(sid) != values]
    fresh = [row for sid, row in new.items() if old.get(sid) != row]
    if not stale and not fresh:
        return False
    signals.scores_stored.send(
        sender=None, month=first, staff_ids=sorted({*stale, *(row[0] for row in fresh)})
    )
    scope_invalidate(MONTHS_SCOPE)
    if len(stale) > len(old) // 2:
        stored.delete()
        fresh = rows
    else:
        for start in range(0, len(stale), 5000):
            MonthlyScore.objects.filter(month=first, staff_id__in=stale[start : start + 5000]).delete()
    now = timezone.now()
    rows_insert(
        MonthlyScore,
        _SCORE_FIELDS,
        [
            (
                sid,
                first,
                policy_id,
                *map(_decimal, (kpi, quality, learning, composite)),
                partial,
                _decimal(hours),
                now,
            )
            for sid, policy_id, kpi, quality, learning, composite, partial, hours in fresh
        ],
    )
    return True


_SCORE_FIELDS = [
    "staff_id",
    "month",
    "policy_id",
    "kpi",
    "quality",
    "learning",
    "composite",
    "partial",
    "in_service_hours",
    "computed_at",
]


def _decimal(hundredths: int | None):
    return None if hundredths is None else rules.hundredths_decimal(hundredths)


# --- Month summaries ----------------------------------------------------------------------------------------


def score_summaries_mark_stale(*, months) -> None:
    """Record that the figures of `months` changed: call inside the writing transaction, after the write. Each
    month's generation moves on and one refresh is queued (`tasks.refresh_score_summaries`) unless one is queued
    already; until it has run the pages show the last stored figures as being updated. Under the immediate task
    backend the refresh runs here, in the same transaction."""
    from assessments.scoring.tasks import refresh_score_summaries

    for first in sorted({first_of_month(m) for m in months}):
        with transaction.atomic():
            state, _created = ScoreSummaryMonth.objects.select_for_update().get_or_create(month=first)
            enqueue = not state.queued
            ScoreSummaryMonth.objects.filter(pk=state.pk).update(generation=F("generation") + 1, queued=True)
        scope_invalidate(score_month_scope(first))
        if enqueue:
            refresh_score_summaries.enqueue(first.isoformat())


def score_summaries_mark_all_stale() -> None:
    """`score_summaries_mark_stale` of every month with stored summaries: after people moved between teams or
    departments, or joined or left, which changes every month's groups."""
    score_summaries_mark_stale(months=ScoreSummaryMonth.objects.values_list("month", flat=True))


# --- KPI import ----------------------------------------------------------------------------------------------

KPI_COUNT_KEYS = ["imported", "replaced", "scored"]
_KPI_FIELDS = ["staff_id", "month", *KPI_VALUE_COLUMNS]


@gc_paused()
def kpi_month_import(
    *,
    data: bytes,
    file_name: str,
    month: date,
    replace: bool = False,
    dry_run: bool = False,
    acting_user=None,
    recompute: bool = True,
    mapping: ColumnMapping | None = None,
) -> ImportResult:
    """Import a month's KPI file, all or nothing, and store the month's scores in the same transaction.

    Refused (nothing written, every error by line): any bad row, an unknown employee number, a published
    (locked) month, or a month that already has KPI rows unless `replace`. A replacement deletes the month's
    rows and writes the file's; it is recorded (who, when, old and new row counts) in the import run and the
    audit trail. Importing the same file again with `replace` leaves the same rows. Counts: `imported` (rows
    of the file), `replaced` (rows the month had before), `scored` (scores stored after recomputation).
    A saved `mapping` reads another system's export (the import run records which version). Title rows above
    the header and a last total row are left out and listed in `ImportResult.skipped`.
    `recompute=False` is for benchmarks timing the import alone: it leaves the month's stored scores behind its
    data until `recompute_scores`.
    """
    first = first_of_month(month)
    if month_is_locked(first):
        return refused(KPI_COUNT_KEYS, [RowError(line=WHOLE_FILE, message=str(MonthLockedError(first)))])
    rows, errors = kpi_file_parse(data, file_name, mapping=mapping)
    staff_by_no = staff_ids_by_employee_no()
    for row in rows:
        if row.employee_no not in staff_by_no:
            errors.append(
                RowError(
                    line=row.line,
                    column="employee_no",
                    message=_("employee_no: there is no staff member %(no)s.") % {"no": row.employee_no},
                )
            )
    existing = KpiRecord.objects.filter(month=first).count()
    removals = _kpi_removals(first, {row.employee_no for row in rows}) if existing and replace else []
    if existing and not replace:
        errors.append(
            RowError(
                line=WHOLE_FILE,
                message=_(
                    "%(month)s already has KPI data (%(count)s rows); import again with replace to replace it."
                )
                % {"month": f"{first:%Y-%m}", "count": existing},
            )
        )
    if errors:
        return refused(KPI_COUNT_KEYS, errors)

    result = ImportResult(
        counts={"imported": len(rows), "replaced": existing, "scored": 0},
        dry_run=dry_run,
        removals=removals,
        skipped=skipped_notes(rows),
        preview=[
            {
                "line": r.line,
                "employee_no": r.employee_no,
                **dict(zip(KPI_VALUE_COLUMNS, r.kpi_values(), strict=True)),
            }
            for r in rows[:20]
        ],
    )
    if dry_run:
        return result
    records = [(staff_by_no[r.employee_no], first, *r.kpi_values()) for r in rows]
    with transaction.atomic():
        if existing:
            KpiRecord.objects.filter(month=first).delete()
        kpi_rows_insert(records)
        scope_invalidate(MONTHS_SCOPE)
        import_run_record(
            kind="kpis",
            file_name=file_name,
            data=data,
            result=result,
            acting_user=acting_user,
            month=first,
            replaced=existing,
            mapping=mapping,
        )
        if existing:
            audit_record(
                action="kpis.replace",
                acting_user=acting_user,
                month=f"{first:%Y-%m}",
                old_rows=existing,
                new_rows=len(rows),
                file=file_name[:255],
            )
        if recompute:
            result.counts["scored"] = monthly_scores_compute(month=first, acting_user=acting_user)
            coaching_assign_for_month(month=first)
        else:
            score_summaries_mark_stale(months=[first])
    return result


def _kpi_removals(month: date, kept: set[str]) -> list[str]:
    """Everyone with a stored KPI row of `month` whom the replacing file leaves out ("employee_no name")."""
    stored = KpiRecord.objects.filter(month=month).values_list("staff__employee_no", "staff__name")
    return [f"{no} {name}" for no, name in stored.order_by("staff__employee_no") if no not in kept]


def kpi_rows_insert(records: list[tuple]) -> None:
    """Insert KPI rows given as tuples in `_KPI_FIELDS` order (validated by the import). Call inside a transaction."""
    rows_insert(KpiRecord, _KPI_FIELDS, records)


def rows_insert(model, fields: list[str], records: list[tuple]) -> None:
    """Insert validated rows as tuples of `fields` (attnames): COPY on PostgreSQL, executemany elsewhere.

    Skips model instances and per-value preparation, which cost more than the insert itself at 10,000+ rows;
    the database's constraints still hold. Values must already be what the column stores (ints, Decimals,
    dates, aware datetimes). Call inside a transaction.
    """
    if not records:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
            return
        by_name = {f.attname: f for f in model._meta.concrete_fields}
        adapters = [_adapter(by_name[name]) for name in fields]
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names from the model)
        if any(adapters):
            records = [tuple(map(_apply, adapters, record)) for record in records]
        cursor.executemany(sql, records)


def _apply(adapt, value):
    return value if adapt is None or value is None else adapt(value)


def _adapter(field):
    """How a value of `field` goes to the SQLite driver outside the ORM (None: as it is).

    Django registers driver adapters for Decimal and date; aware date-times need Django's own conversion
    (memoised: a month's rows share one timestamp).
    """
    if field.get_internal_type() != "DateTimeField":
        return None
    adapt = connection.ops.adapt_datetimefield_value
    cache: dict = {}

    def adapted(value):
        try:
            return cache[value]
        except KeyError:
            cache[value] = result = adapt(value)
            return result

    return adapted


# --- Policy versions -----------------------------------------------------------------------------------------

POLICY_FIELDS = [
    "name",
    "timeliness_floor",
    "timeliness_target",
    "timeliness_excellence",
    "resolution_floor",
    "resolution_target",
    "resolution_excellence",
    "satisfaction_floor",
    "satisfaction_target",
    "satisfaction_excellence",
    "complaint_floor",
    "complaint_target",
    "complaint_excellence",
    "weight_kpi",
    "weight_quality",
    "weight_learning",
    "required_hours",
    "min_contacts",
    "winners",
    "critical_cap",
    "dispute_days",
    "endorse_days",
    "decide_days",
    "grading_days",
]


def policy_values_check(values: dict) -> None:
    """Raise ValidationError (per field) unless the values make a valid policy (rules.ScoringPolicy's checks)."""
    errors = {}
    for code in rules.KPI_CODES:
        floor, target, excellence = (
            values.get(f"{code}_{part}") for part in ("floor", "target", "excellence")
        )
        if None in (floor, target, excellence):
            continue
        if not (floor < target < excellence or floor > target > excellence):
            errors[f"{code}_target"] = _(
                "Floor, target and excellence must be strictly increasing (higher is better) or strictly "
                "decreasing (lower is better)."
            )
    weights = [values.get(f"weight_{c}") for c in ("kpi", "quality", "learning")]
    if None not in weights and (any(w < 0 for w in weights) or sum(weights) <= 0):
        errors["weight_kpi"] = _("Weights must be 0 or more, and at least one must be above 0.")
    elif weights[0] is not None and weights[0] <= 0:
        # Everyone with a KPI row must get a score: Service Star eligibility and ranking rest on it.
        errors["weight_kpi"] = _("The KPI weight must be above 0.")
    if values.get("required_hours") is not None and values["required_hours"] < 0:
        errors["required_hours"] = _("Required hours must be 0 or more.")
    if values.get("winners") is not None and values["winners"] < 1:
        errors["winners"] = _("There must be at least one winner.")
    for name in ("dispute_days", "endorse_days", "decide_days", "grading_days"):
        if values.get(name) is not None and values[name] < 1:
            errors[name] = _("Give at least 1 day.")
    if errors:
        raise ValidationError(errors)


def _policy_reason(acting_user, reason: str) -> str:
    require_permission(acting_user, "assessments.manage_policy")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write the reason for this change.")})
    return reason


def scoring_policy_create(
    *, effective_month: date, values: dict, acting_user, reason: str
) -> ScoringPolicyVersion:
    """Add a policy version in force from `effective_month` (a month after every published month), by someone
    who may manage the policy, with a written reason.

    The months from then on that have data are rescored in the same transaction. Audited.
    """
    reason = _policy_reason(acting_user, reason)
    first = first_of_month(effective_month)
    policy_values_check(values)
    latest_locked = MonthLock.objects.order_by("-month").values_list("month", flat=True).first()
    if latest_locked is not None and first <= latest_locked:
        raise ValidationError(
            {
                "effective_month": _(
                    "%(month)s is published; a new version can start only after the last published month."
                )
                % {"month": f"{latest_locked:%Y-%m}"}
            }
        )
    if ScoringPolicyVersion.objects.filter(effective_month=first).exists():
        raise ValidationError(
            {"effective_month": _("A version already starts in that month; edit it instead.")}
        )
    with transaction.atomic():
        version = ScoringPolicyVersion(
            effective_month=first, created_by=acting_user, **{k: values[k] for k in POLICY_FIELDS}
        )
        version.full_clean()
        version.save()
        audit_record(
            action="policy.create",
            acting_user=acting_user,
            target=version,
            reason=reason,
            effective_month=f"{first:%Y-%m}",
            **{k: str(values[k]) for k in POLICY_FIELDS},
        )
        scope_invalidate(SCORING_POLICY_SCOPE)
        monthly_scores_update_from(month=first, acting_user=acting_user)
    return version


def scoring_policy_update(
    *, version: ScoringPolicyVersion, values: dict, acting_user, reason: str
) -> ScoringPolicyVersion:
    """Change a version that no published month used; one that a published month used is frozen. The months
    from its effective month on (every month, for the default version) that have data are rescored in the same
    transaction; the published ones keep their scores. Audited with the reason."""
    reason = _policy_reason(acting_user, reason)
    if version.pk in policy_versions_frozen():
        raise ValidationError(_("A published month used this version; add a new version instead."))
    policy_values_check(values)
    old = {k: str(getattr(version, k)) for k in POLICY_FIELDS}
    with transaction.atomic():
        for key in POLICY_FIELDS:
            setattr(version, key, values[key])
        version.full_clean()
        version.save()
        audit_record(
            action="policy.update",
            acting_user=acting_user,
            target=version,
            reason=reason,
            old=old,
            new={k: str(values[k]) for k in POLICY_FIELDS},
        )
        scope_invalidate(SCORING_POLICY_SCOPE)
        monthly_scores_update_from(month=version.effective_month, acting_user=acting_user)
    return version


# --- Coaching loop -------------------------------------------------------------------------------------------


def coaching_module_set(*, kpi: str, module, acting_user) -> CoachingModule:
    """Map a KPI to its remedial module (None removes the mapping). Audited."""
    if kpi not in rules.KPI_CODES:
        raise ValidationError(_("Unknown KPI."))
    with transaction.atomic():
        scope_invalidate(COACHING_SCOPE)
        if module is None:
            CoachingModule.objects.filter(kpi=kpi).delete()
            audit_record(action="coaching.module_clear", acting_user=acting_user, kpi=kpi)
            return None
        mapping, _created = CoachingModule.objects.update_or_create(
            kpi=kpi, defaults={"module": module, "updated_by": acting_user}
        )
        audit_record(action="coaching.module_set", acting_user=acting_user, target=mapping, module=module.pk)
    return mapping


@dataclass(frozen=True)
class CoachingRun:
    assigned: int
    enrolled: int


def coaching_assign_for_month(*, month: date) -> CoachingRun:
    """Assign each mapped KPI's remedial module to every scored person below that KPI's target in `month`.

    Once per (person, month, KPI): running again assigns nothing new. The module's programme is assigned too
    (courses.services.enrolment_assign), so the learner finds it in their training.
    """
    from courses.models import ProgrammePage
    from courses.services import enrolment_assign

    first = first_of_month(month)
    mappings = {m.kpi: m.module for m in CoachingModule.objects.select_related("module")}
    if not mappings:
        return CoachingRun(0, 0)
    policy = scoring_policy_for_month(first).as_rules()
    records = KpiRecord.objects.filter(
        month=first, staff__is_active=True, staff__role__in=("agent", "team_lead")
    ).iterator(chunk_size=5000)
    wanted = []
    for record in records:
        values = record.as_rules()
        for code, module in mappings.items():
            if not rules.kpi_meets_target(values.value(code), policy.band(code)):
                wanted.append((record.staff_id, code, module))
    existing = set(CoachingAssignment.objects.filter(month=first).values_list("staff_id", "kpi"))
    new = [
        CoachingAssignment(staff_id=staff_id, month=first, kpi=code, module=module)
        for staff_id, code, module in wanted
        if (staff_id, code) not in existing
    ]
    enrolled = 0
    with transaction.atomic():
        CoachingAssignment.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        scope_invalidate(COACHING_SCOPE)
        learners_invalidate(a.staff_id for a in new)
        by_module: dict[int, set[int]] = {}
        for assignment in new:
            by_module.setdefault(assignment.module_id, set()).add(assignment.staff_id)
        for module_id, staff_ids in by_module.items():
            programme = ProgrammePage.objects.ancestor_of(mappings_module(mappings, module_id)).first()
            if programme is not None:
                enrolled += enrolment_assign(
                    staff_ids=staff_ids,
                    programme=programme,
                    assigned_on=timezone.localdate(),
                    reason="coaching",
                )
        if new:
            audit_record(
                action="coaching.assign", month=f"{first:%Y-%m}", assigned=len(new), enrolled=enrolled
            )
    return CoachingRun(len(new), enrolled)


def mappings_module(mappings: dict, module_id: int):
    return next(module for module in mappings.values() if module.pk == module_id)


def coaching_lesson_review(*, staff, lesson) -> None:
    """Record that `staff` studied `lesson` again for an outstanding remedial module that contains it.

    Only for a lesson they completed before that module was assigned (a lesson is completed and its hours
    credited once; a new completion is the way otherwise). Credits no hours. Audited.
    """
    from assessments.scoring.selectors import coaching_open_for_lesson, lessons_studied_at

    open_items = coaching_open_for_lesson(staff=staff, lesson=lesson)
    if not open_items:
        raise ValidationError(_("No outstanding remedial module of yours contains this lesson."))
    studied = lessons_studied_at(staff_ids=[staff.pk], lesson_ids=[lesson.pk]).get((staff.pk, lesson.pk))
    if studied is None:
        raise ValidationError(_("Complete this lesson first: it is part of your remedial module."))
    with transaction.atomic():
        CoachingReview.objects.update_or_create(
            staff=staff, lesson=lesson, defaults={"reviewed_at": timezone.now()}
        )
        scope_invalidate(COACHING_SCOPE)
        audit_record(
            action="coaching.review",
            acting_user=staff,
            target=staff,
            lesson=lesson.pk,
            months=sorted({f"{item.month:%Y-%m}" for item in open_items}),
        )
