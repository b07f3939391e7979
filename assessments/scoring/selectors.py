"""Reads of assessment records that scoring and incentives use: set-based, one query per concern."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.db import connection
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from assessments.models import (
    OPEN_DISPUTE_STATUSES,
    CoachingAssignment,
    CoachingModule,
    CoachingReview,
    Evaluation,
    KpiCode,
    KpiRecord,
    MonthlyScore,
    ScoringPolicyVersion,
)
from assessments.scoring import rules
from assessments.scoring.kpi_file import KPI_VALUE_COLUMNS
from courses.models import Category, LessonCompletion, LessonPage, ModulePage
from courses.selectors import (
    assessment_result_months,
    assessment_results_exist,
    credited_hours_by_staff,
    learning_results_by_staff,
    training_totals_sql,
)
from portal.cache import MONTHS_SCOPE, SCORING_POLICY_SCOPE, cached, learner_scope
from portal.dbfunctions import Hundredths, rows_of
from portal.models import IN_SERVICE_ROLES, MonthLock, User
from portal.months import first_of_month, month_bounds
from portal.page_cache import PAGES_SCOPE


def evaluation_scores_by_staff(*, month: date, staff_ids=None) -> dict[int, list[Decimal]]:
    """Scores of the QA evaluations (spot checks and role-plays) dated in `month`, per staff id."""
    first, following = month_bounds(month)
    qs = Evaluation.objects.filter(date__gte=first, date__lt=following)
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=staff_ids)
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for staff_id, score in rows_of(qs.values_list("staff_id", "score"), many=staff_ids is None):
        scores[staff_id].append(Decimal(str(score)))
    return dict(scores)


def policy_version_in_force(versions: list[ScoringPolicyVersion], month: date) -> ScoringPolicyVersion:
    """Of `versions` (all of them), the one in force in `month`: no query."""
    first = first_of_month(month)
    dated = [v for v in versions if v.effective_month is not None and v.effective_month <= first]
    if dated:
        return max(dated, key=lambda v: v.effective_month)
    return next(v for v in versions if v.effective_month is None)


def policy_versions_frozen() -> set[int]:
    """Ids of the versions a published (locked) month used: those are never edited."""
    versions = list(ScoringPolicyVersion.objects.all())
    locked = list(MonthLock.objects.values_list("month", flat=True))
    used = {policy_version_in_force(versions, m).pk for m in locked}
    used.update(MonthlyScore.objects.filter(month__in=locked).values_list("policy_id", flat=True).distinct())
    return used


def scoring_policy_for_month(month: date) -> ScoringPolicyVersion:
    """The policy version in force in `month`: the latest whose effective month is on or before it.

    The default version (no effective month) applies when no dated version has started yet.
    """
    first = first_of_month(month)
    dated = (
        ScoringPolicyVersion.objects.filter(effective_month__lte=first).order_by("-effective_month").first()
    )
    return dated or ScoringPolicyVersion.objects.get(effective_month__isnull=True)


def scoring_rules_for_month(month: date) -> rules.ScoringPolicy:
    """The rules of the policy version in force in `month`, for pages: kept in the shared cache until a policy
    service changes a version (`SCORING_POLICY_SCOPE`); writes read `scoring_policy_for_month` instead."""
    first = first_of_month(month)
    return cached(
        f"scores:policy-rules:{first:%Y-%m}",
        [SCORING_POLICY_SCOPE],
        lambda: scoring_policy_for_month(first).as_rules(),
        shared_only=True,
    )


def scored_staff_for_month(month: date):
    """Who is scored for a month: active in-service front-line staff (agents and team leads)."""
    return User.objects.filter(is_active=True, role__in=IN_SERVICE_ROLES)


@dataclass(frozen=True)
class StaffMonthInput:
    """Everything the score rules and the Service Star rules need about one person for one month."""

    staff_id: int
    employee_no: str
    name: str
    department: str
    team: str
    onboarded_on: date | None
    in_service_hours: Decimal
    kpis: rules.KpiValues | None
    quality_scores: list[Decimal]
    learning_results: list[Decimal]


def staff_month_inputs(*, month: date, staff_ids=None) -> list[StaffMonthInput]:
    """Inputs of every scored staff member for `month`, fetched set-based (a handful of queries in all)."""
    first = first_of_month(month)
    people = scored_staff_for_month(first)
    if staff_ids is not None:
        people = people.filter(pk__in=staff_ids)
    people = list(
        people.values_list("pk", "employee_no", "name", "department__name", "team__name", "onboarded_on")
    )
    ids = None if staff_ids is None else [p[0] for p in people]
    hours = credited_hours_by_staff(month=first, category=Category.IN_SERVICE, staff_ids=ids)
    results = learning_results_by_staff(month=first, category=Category.IN_SERVICE, staff_ids=ids)
    quality = evaluation_scores_by_staff(month=first, staff_ids=ids)
    kpis_qs = KpiRecord.objects.filter(month=first)
    if ids is not None:
        kpis_qs = kpis_qs.filter(staff_id__in=ids)
    kpis = kpi_values_by_staff(kpis_qs, many=ids is None)
    return [
        StaffMonthInput(
            staff_id=pk,
            employee_no=employee_no,
            name=name,
            department=dept or "",
            team=team or "",
            onboarded_on=onboarded_on,
            in_service_hours=hours.get(pk, Decimal(0)),
            kpis=kpis.get(pk),
            quality_scores=quality.get(pk, []),
            learning_results=results.get(pk, []),
        )
        for pk, employee_no, name, dept, team, onboarded_on in people
    ]


def score_totals_for_month(*, month: date, staff_ids=None) -> list[tuple]:
    """Every scored staff member's score inputs for `month` as whole-number totals, in one statement.

    One row per person, ready for `rules.score_in_hundredths`: `(staff_id, kpis, quality_total, quality_count,
    in_service_hours, results_total, results_count)`, where `kpis` is the four rates in `rules.KPI_CODES`
    order (None without a KPI row) and every value but the counts is in hundredths. The same inputs as
    `staff_month_inputs`, summed by the database: exact (integers) on SQLite too, and no object per record.
    """
    first, following = month_bounds(month)
    people = scored_staff_for_month(first).order_by().values("id")
    kpis = (
        KpiRecord.objects.filter(month=first)
        .order_by()
        .values("staff_id", **{code: Hundredths(field) for code, field in KPI_RECORD_FIELDS.items()})
    )
    quality = (
        Evaluation.objects.filter(date__gte=first, date__lt=following)
        .order_by()
        .values("staff_id")
        .annotate(total=Sum(Hundredths("score")), n=Count("pk"))
    )
    if staff_ids is not None:
        people = people.filter(pk__in=staff_ids)
        kpis = kpis.filter(staff_id__in=staff_ids)
        quality = quality.filter(staff_id__in=staff_ids)
    people_sql, people_params = people.query.sql_with_params()
    kpis_sql, kpis_params = kpis.query.sql_with_params()
    quality_sql, quality_params = quality.query.sql_with_params()
    training_sql, training_params = training_totals_sql(
        month=first, category=Category.IN_SERVICE, staff_ids=staff_ids
    )
    codes = ", ".join(f"k.{code}" for code in rules.KPI_CODES)
    sql = f"""
        SELECT p.id, {codes}, COALESCE(q.total, 0), COALESCE(q.n, 0), COALESCE(t.hours, 0),
               COALESCE(t.results_total, 0), COALESCE(t.results_count, 0)
        FROM ({people_sql}) AS p
        LEFT JOIN ({kpis_sql}) AS k ON k.staff_id = p.id
        LEFT JOIN ({quality_sql}) AS q ON q.staff_id = p.id
        LEFT JOIN ({training_sql}) AS t ON t.staff_id = p.id
    """  # noqa: S608 (built from querysets)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*people_params, *kpis_params, *quality_params, *training_params])
        rows = cursor.fetchall()
    return [
        (staff_id, None if timeliness is None else (timeliness, resolution, satisfaction, complaint), *rest)
        for staff_id, timeliness, resolution, satisfaction, complaint, *rest in rows
    ]


def month_has_data(month: date) -> bool:
    """Whether any scored staff member has data of `month` that scores build on: a KPI row, a QA evaluation or
    an in-service assessment result (a few EXISTS queries).

    A month without any has no scores: with no data every component but learning is absent and learning counts
    0 below the required hours, which would give everyone a meaningless 0.00. In-service hours alone are not
    data for that reason (they only decide whether results count).
    """
    first, following = month_bounds(month)
    people = scored_staff_for_month(first)
    ids = people.values("pk")
    return (
        KpiRecord.objects.filter(month=first, staff__in=ids).exists()
        or Evaluation.objects.filter(date__gte=first, date__lt=following, staff__in=ids).exists()
        or assessment_results_exist(month=first, category=Category.IN_SERVICE, staff_qs=people)
    )


def _has_data(total: tuple) -> bool:
    """Whether a `score_totals_for_month` row holds data in the sense of `month_has_data`."""
    _staff_id, kpis, _quality_total, quality_count, _hours, _results_total, results_count = total
    return kpis is not None or quality_count > 0 or results_count > 0


def month_scores_computed(*, month: date, staff_ids=None) -> tuple[ScoringPolicyVersion, list[tuple]]:
    """The policy in force in `month` and the month's scores computed now from its data, without storing them:
    what `services.monthly_scores_compute` stores.

    Rows `(staff_id, policy_id, kpi, quality, learning, composite, partial, in_service_hours)`, numbers in
    hundredths (exact whole-number arithmetic, rounded half-up once), of every scored person (or of
    `staff_ids`) who has a score. None at all for a month without data (`month_has_data`).
    """
    first = first_of_month(month)
    version = scoring_policy_for_month(first)
    totals = score_totals_for_month(month=first, staff_ids=staff_ids)
    if not any(_has_data(total) for total in totals) and (staff_ids is None or not month_has_data(first)):
        return version, []
    policy_id = version.pk
    rows = [
        (staff_id, policy_id, kpi, quality, learning, composite, partial, hours)
        for staff_id, kpi, quality, learning, composite, partial, hours in rules.month_in_hundredths(
            rules.IntegerPolicy.of(version.as_rules()), totals
        )
        if composite is not None
    ]
    return version, rows


def month_scores_with_pending_revisions(month: date) -> dict[int, rules.MonthlyScore]:
    """For each person with QA revisions decided after `month` was published and not applied (their
    `revised_score_pending`), the month's score as it would be with every such revision: the stored inputs,
    with those evaluations' scores replaced. Computed now, never stored; {} when there is none."""
    first, following = month_bounds(month)
    deltas: dict[int, int] = defaultdict(int)
    for staff_id, score, revised in Evaluation.objects.filter(
        date__gte=first, date__lt=following, revised_score_pending__isnull=False
    ).values_list("staff_id", "score", "revised_score_pending"):
        deltas[staff_id] += rules.to_hundredths(revised) - rules.to_hundredths(score)
    if not deltas:
        return {}
    version = scoring_policy_for_month(first)
    policy = rules.IntegerPolicy.of(version.as_rules())
    result = {}
    for (
        staff_id,
        kpis,
        quality_total,
        quality_count,
        hours,
        results_total,
        results_count,
    ) in score_totals_for_month(month=first, staff_ids=sorted(deltas)):
        kpi, quality, learning, composite, partial = rules.score_in_hundredths(
            policy, kpis, quality_total + deltas[staff_id], quality_count, hours, results_total, results_count
        )
        row = (staff_id, version.pk, kpi, quality, learning, composite, partial, hours)
        result[staff_id] = _computed_score(row)[1]
    return result


def score_months_with_data(*, since: date | None = None) -> set[date]:
    """Months (first days), from `since` on, that have stored scores or data of anyone (KPI rows, QA evaluations,
    in-service assessment results): the months a change of people or policy may rescore. Grouped queries."""
    kpis = KpiRecord.objects.all()
    scores = MonthlyScore.objects.all()
    evaluations = Evaluation.objects.all()
    if since is not None:
        first = first_of_month(since)
        kpis, scores = kpis.filter(month__gte=first), scores.filter(month__gte=first)
        evaluations = evaluations.filter(date__gte=first)
    months = set(kpis.order_by().values_list("month", flat=True).distinct())
    months.update(scores.order_by().values_list("month", flat=True).distinct())
    months.update(evaluations.dates("date", "month"))
    months.update(assessment_result_months(category=Category.IN_SERVICE, since=since))
    return months


class ScoreSource(StrEnum):
    """Where a read takes a month's scores from."""

    STORED = "stored"  # the stored scores
    COMPUTED = "computed"  # an open month with data but no stored scores: computed now, not stored
    NONE = "none"  # no data for this month


def month_has_rows(queryset, month: date) -> bool:
    """Whether `queryset` (of a model with an indexed `month`) has a row in `month`, read along that index.

    A plain EXISTS on `month = M` lets PostgreSQL expect the month's rows spread over the table and scan it from
    the start, while they sit together at its end (months are written in order): ~8 ms at 10,000 staff. As a
    range ordered by month it walks the index: ~0.1 ms, and as little when the month has no row.
    """
    first = first_of_month(month)
    rows = queryset.filter(month__gte=first, month__lte=first).order_by("month")
    return bool(rows.values_list("pk", flat=True)[:1])


@dataclass(frozen=True)
class MonthFacts:
    """What the score pages ask about a month before anything else."""

    month: date  # its first day
    locked: bool  # published
    stored: bool  # has stored scores


def month_facts(month: date | None = None) -> MonthFacts:
    """The facts of `month`, or of the latest month with scores or KPI data (this month when there is none).

    Kept in a shared cache (Redis) until a service stores scores, imports KPIs or locks or unlocks a month
    (`MONTHS_SCOPE`); read from the database on every call with a per-process cache.
    """
    this_month = first_of_month(timezone.localdate())
    if month is not None:
        key = f"scores:month-facts:{first_of_month(month):%Y-%m}"
    else:
        # The fallback is this month, so the entry names it: a new month is a new entry, not a guess of time.
        key = f"scores:month-facts:latest:{this_month:%Y-%m}"

    def compute() -> MonthFacts:
        if month is not None:
            first = first_of_month(month)
        else:
            latest = [
                MonthlyScore.objects.aggregate(m=Max("month"))["m"],
                KpiRecord.objects.aggregate(m=Max("month"))["m"],
            ]
            latest = [m for m in latest if m is not None]
            first = max(latest) if latest else this_month
        return MonthFacts(
            month=first,
            locked=MonthLock.objects.filter(month=first).exists(),
            stored=month_has_rows(MonthlyScore.objects.all(), first),
        )

    return cached(key, [MONTHS_SCOPE], compute, shared_only=True)


def month_score_source(month: date, facts: MonthFacts | None = None) -> ScoreSource:
    """Where the month's scores come from for a read (`ScoreSource`): two or three small queries (none but
    `month_has_data` with the month's `facts`), no write."""
    first = first_of_month(month)
    if facts is not None:
        stored, locked = facts.stored, lambda: facts.locked
    else:
        stored = month_has_rows(MonthlyScore.objects.all(), first)
        locked = MonthLock.objects.filter(month=first).exists
    if stored:
        return ScoreSource.STORED
    if locked() or not month_has_data(first):
        return ScoreSource.NONE
    return ScoreSource.COMPUTED


def monthly_scores_for_month(*, month: date, staff_ids=None) -> dict[int, MonthlyScore]:
    """Stored scores of a month by staff id."""
    qs = MonthlyScore.objects.filter(month=first_of_month(month))
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=staff_ids)
    return {s.staff_id: s for s in qs}


@dataclass(frozen=True)
class ScoreLine:
    """One person's score of a month with what it was computed from (for tables, explanations and exports)."""

    staff_id: int
    employee_no: str
    name: str
    department: str
    team: str
    kpi: Decimal | None
    quality: Decimal | None
    learning: Decimal | None
    composite: Decimal | None
    partial: bool
    kpis: rules.KpiValues | None


def month_scores_stored(*, month: date, staff_qs=None) -> list[ScoreLine]:
    """Stored scores of a month for the people in `staff_qs` (default: everyone), with their KPI rows.

    Two queries whatever the number of people.
    """
    return score_lines(month=month, rows=month_score_rows(month=month, staff_qs=staff_qs))


def month_scores_computed_lines(*, month: date, staff_qs=None) -> list[ScoreLine]:
    """`month_scores_computed` as lines for the people in `staff_qs` (default: everyone scored), by employee
    number, with their KPI rows: a month's scores as they would be stored, computed now and not stored."""
    first = first_of_month(month)
    _version, rows = month_scores_computed(month=first)
    if not rows:
        return []
    by_staff = {row[0]: row for row in rows}
    people = scored_staff_for_month(first) if staff_qs is None else staff_qs
    kpis = kpi_values_by_staff(KpiRecord.objects.filter(month=first))
    lines = []
    for pk, employee_no, name, dept, team in people.values_list(
        "pk", "employee_no", "name", "department__name", "team__name"
    ).order_by("employee_no"):
        row = by_staff.get(pk)
        if row is None:
            continue
        _hours, score = _computed_score(row)
        lines.append(
            ScoreLine(
                staff_id=pk,
                employee_no=employee_no,
                name=name,
                department=dept or "",
                team=team or "",
                kpi=score.kpi,
                quality=score.quality,
                learning=score.learning,
                composite=score.composite,
                partial=score.partial,
                kpis=kpis.get(pk),
            )
        )
    return lines


def _computed_score(row: tuple) -> tuple[Decimal, rules.MonthlyScore]:
    """A `month_scores_computed` row as (in-service hours, score) in Decimals, as the stored row reads."""
    _staff_id, _policy_id, kpi, quality, learning, composite, partial, hours = row
    kpi, quality, learning, composite = (
        None if value is None else rules.hundredths_decimal(value)
        for value in (kpi, quality, learning, composite)
    )
    return rules.hundredths_decimal(hours), rules.MonthlyScore(
        kpi=kpi, quality=quality, learning=learning, composite=composite, partial=bool(partial)
    )


def month_score_lines(*, month: date, staff_qs=None, source: ScoreSource | None = None) -> list[ScoreLine]:
    """A month's scores of the people in `staff_qs` (default: everyone) by employee number, for reading: the
    stored ones, or for an open month with data but none stored, computed now (not stored); none for a month
    without data. Writes nothing."""
    source = source or month_score_source(month)
    if source == ScoreSource.STORED:
        return month_scores_stored(month=month, staff_qs=staff_qs)
    if source == ScoreSource.COMPUTED:
        return month_scores_computed_lines(month=month, staff_qs=staff_qs)
    return []


def month_score_rows(*, month: date, staff_qs=None):
    """The stored score rows of a month (people in `staff_qs`, default everyone) by employee number, as a lazy
    queryset of tuples: paginate it, then turn a page into lines with `score_lines`."""
    scores = MonthlyScore.objects.filter(month=first_of_month(month))
    if staff_qs is not None:
        scores = scores.filter(staff__in=staff_qs.values("pk"))
    return scores.values_list(
        "staff_id",
        "staff__employee_no",
        "staff__name",
        "staff__department__name",
        "staff__team__name",
        "kpi",
        "quality",
        "learning",
        "composite",
        "partial",
    ).order_by("staff__employee_no")


def month_score_rows_page(*, month: date, staff_qs=None, after: str = "", before: str = "", limit: int = 101):
    """Up to `limit` rows of `month_score_rows` after employee number `after` (by employee number), or before
    `before` (nearest first): one page of the score table by keyset, whatever the page's depth."""
    rows = month_score_rows(month=month, staff_qs=staff_qs)
    if before:
        return rows.filter(staff__employee_no__lt=before).order_by("-staff__employee_no")[:limit]
    if after:
        rows = rows.filter(staff__employee_no__gt=after)
    return rows[:limit]


def score_lines(*, month: date, rows) -> list[ScoreLine]:
    """`month_score_rows` tuples as ScoreLines with the people's KPI rows of the month (one more query)."""
    rows = list(rows)
    kpis = KpiRecord.objects.filter(month=first_of_month(month))
    if len(rows) <= 1000:  # a page: fetch just its people's rows
        kpis = kpis.filter(staff_id__in=[row[0] for row in rows])
    kpi_by_staff = kpi_values_by_staff(kpis, many=False)
    return [
        ScoreLine(
            staff_id=sid,
            employee_no=no,
            name=name,
            department=dept or "",
            team=team or "",
            kpi=_decimal(kpi),
            quality=_decimal(quality),
            learning=_decimal(learning),
            composite=_decimal(composite),
            partial=partial,
            kpis=kpi_by_staff.get(sid),
        )
        for sid, no, name, dept, team, kpi, quality, learning, composite, partial in rows
    ]


def _decimal(value):
    return None if value is None else rules.round2(Decimal(str(value)))


@dataclass(frozen=True)
class StoredStaffMonth:
    """A scored person's score of a month (stored, or computed for an open month without stored scores) with
    what the Service Star rules read beside it."""

    staff_id: int
    employee_no: str
    name: str
    department: str
    team: str
    onboarded_on: date | None
    in_service_hours: Decimal
    kpis: rules.KpiValues | None
    score: rules.MonthlyScore | None  # None: no score (no data at all)


def month_scores_with_inputs(*, month: date, staff_ids=None) -> list[StoredStaffMonth]:
    """Every scored person of `month` (or of `staff_ids`) with their score, KPI row, hours and onboarding date,
    for ranking: the stored scores, or for an open month with data but none stored, computed now (not stored).
    Empty for a month without data (`month_score_source`). Writes nothing.

    Scores are the rounded ones that `monthly_scores_compute` stores, which is what ranking and display use.
    A handful of queries whatever the number of staff.
    """
    first = first_of_month(month)
    source = month_score_source(first)
    if source == ScoreSource.NONE:
        return []
    people = scored_staff_for_month(first)
    if staff_ids is not None:
        people = people.filter(pk__in=staff_ids)
    people_ids = people.values("pk")
    if source == ScoreSource.STORED:
        scores = {
            sid: (
                hours,
                rules.MonthlyScore(kpi=kpi, quality=quality, learning=learning, composite=c, partial=p),
            )
            for sid, hours, kpi, quality, learning, c, p in MonthlyScore.objects.filter(
                month=first, staff__in=people_ids
            ).values_list(
                "staff_id", "in_service_hours", "kpi", "quality", "learning", "composite", "partial"
            )
        }
    else:
        _version, rows = month_scores_computed(month=first, staff_ids=staff_ids)
        scores = {row[0]: _computed_score(row) for row in rows}
    kpis = kpi_values_by_staff(KpiRecord.objects.filter(month=first, staff__in=people_ids))
    rows = list(
        people.values_list("pk", "employee_no", "name", "department__name", "team__name", "onboarded_on")
    )
    # People without a score had no data at all, but may still have credited hours (no results).
    unscored = [row[0] for row in rows if row[0] not in scores]
    hours = (
        credited_hours_by_staff(month=first, category=Category.IN_SERVICE, staff_ids=unscored)
        if unscored
        else {}
    )
    result = []
    for pk, employee_no, name, dept, team, onboarded_on in rows:
        in_service_hours, score = scores.get(pk, (hours.get(pk, Decimal(0)), None))
        result.append(
            StoredStaffMonth(
                staff_id=pk,
                employee_no=employee_no,
                name=name,
                department=dept or "",
                team=team or "",
                onboarded_on=onboarded_on,
                in_service_hours=in_service_hours,
                kpis=kpis.get(pk),
                score=score,
            )
        )
    return result


def scores_by_month_for_staff(*, staff_ids, months) -> dict[tuple[int, date], Decimal | None]:
    """Stored composites of `months` for `staff_ids`, keyed (staff id, month): one query (trend charts)."""
    rows = MonthlyScore.objects.filter(staff_id__in=staff_ids, month__in=months).values_list(
        "staff_id", "month", "composite"
    )
    return {(sid, m): _decimal(c) for sid, m, c in rows}


def _cents_total(field: str):
    """The exact sum of a 2-place decimal column in whole hundredths (SQLite sums its decimals as floats)."""
    return Sum(Hundredths(field))


def mean_scores_by_month(*, months, staff_qs) -> dict[date, Decimal]:
    """Mean stored composite per month of the people in `staff_qs` (Decimal, unrounded): one aggregate query."""
    rows = (
        MonthlyScore.objects.filter(
            month__in=months, staff__in=staff_qs.values("pk"), composite__isnull=False
        )
        .values("month")
        .annotate(cents=_cents_total("composite"), n=Count("pk"))
    )
    return {row["month"]: Decimal(row["cents"]) / 100 / row["n"] for row in rows if row["n"]}


@dataclass(frozen=True)
class MonthScoreSummary:
    """The figures above a month's score table, for the people in view."""

    count: int
    partial: int
    mean: Decimal | None  # unrounded
    histogram: list[int]  # as rules.score_histogram: [0, 10), [10, 20) … [90, 100]
    with_kpis: int
    missed_any: int  # people with a KPI row who missed at least one target


def month_score_summary(
    *, month: date, staff_qs, policy: rules.ScoringPolicy, lines: list[ScoreLine] | None = None
) -> MonthScoreSummary:
    """Count, mean, partial scores, histogram and missed targets of a month: two aggregate queries in the
    database, whatever the number of people (the score table itself is paginated). With `lines` (scores computed
    but not stored, `month_scores_computed_lines`), the score figures are taken from them instead."""
    figures = sum(
        month_figures_by_group(month=month, staff_qs=staff_qs, policy=policy).values(), MonthFigures()
    )
    if lines is not None:
        composites = [line.composite for line in lines if line.composite is not None]
        return MonthScoreSummary(
            count=len(composites),
            partial=sum(1 for line in lines if line.composite is not None and line.partial),
            mean=sum(composites, Decimal(0)) / len(composites) if composites else None,
            histogram=rules.score_histogram(composites),
            with_kpis=figures.with_kpis,
            missed_any=figures.missed_any,
        )
    return figures.summary()


@dataclass(frozen=True)
class MonthFigures:
    """A group's stored figures of a month, as exact counts and sums that add up across groups (teams into
    departments into everyone) before anything is divided: scores (count, partial, sum in hundredths,
    histogram as `rules.score_histogram`) and KPI rows (people with one, who missed any target, who met each
    target in `rules.KPI_CODES` order)."""

    count: int = 0
    partial: int = 0
    composite_cents: int = 0
    histogram: tuple[int, ...] = (0,) * 10
    with_kpis: int = 0
    missed_any: int = 0
    met: tuple[int, ...] = (0,) * len(rules.KPI_CODES)

    def __add__(self, other: "MonthFigures") -> "MonthFigures":
        return MonthFigures(
            count=self.count + other.count,
            partial=self.partial + other.partial,
            composite_cents=self.composite_cents + other.composite_cents,
            histogram=tuple(a + b for a, b in zip(self.histogram, other.histogram, strict=True)),
            with_kpis=self.with_kpis + other.with_kpis,
            missed_any=self.missed_any + other.missed_any,
            met=tuple(a + b for a, b in zip(self.met, other.met, strict=True)),
        )

    @property
    def mean(self) -> Decimal | None:
        """The mean composite, unrounded."""
        return Decimal(self.composite_cents) / 100 / self.count if self.count else None

    def summary(self) -> MonthScoreSummary:
        return MonthScoreSummary(
            count=self.count,
            partial=self.partial,
            mean=self.mean,
            histogram=list(self.histogram),
            with_kpis=self.with_kpis,
            missed_any=self.missed_any,
        )


def month_figures_by_group(
    *, month: date, staff_qs, policy: rules.ScoringPolicy
) -> dict[tuple[int | None, int | None], MonthFigures]:
    """Per (department id, team id) of the people in `staff_qs`: the month's stored score figures and KPI
    targets met under `policy`, as `MonthFigures`. Two grouped queries whatever the number of people; counts
    and whole hundredths only, so exact on SQLite too."""
    first = first_of_month(month)
    people = staff_qs.values("pk")
    group = ("staff__department_id", "staff__team_id")
    bands = {}
    for index in range(10):
        low, high = Q(composite__gte=10 * index), Q(composite__lt=10 * (index + 1))
        bands[f"band{index}"] = Count(
            "pk", filter=high if index == 0 else (low if index == 9 else low & high)
        )
    figures: dict[tuple[int | None, int | None], MonthFigures] = defaultdict(MonthFigures)
    scores = (
        MonthlyScore.objects.filter(month=first, staff__in=people, composite__isnull=False)
        .values(*group)
        .annotate(
            count=Count("pk"),
            partial=Count("pk", filter=Q(partial=True)),
            cents=_cents_total("composite"),
            **bands,
        )
        .order_by()
    )
    for row in scores:
        figures[(row["staff__department_id"], row["staff__team_id"])] += MonthFigures(
            count=row["count"],
            partial=row["partial"],
            composite_cents=int(row["cents"] or 0),
            histogram=tuple(row[f"band{index}"] for index in range(10)),
        )
    conditions = kpi_met_conditions(policy)
    met_all = Q()
    for condition in conditions.values():
        met_all &= condition
    kpis = (
        KpiRecord.objects.filter(month=first, staff__in=people)
        .values(*group)
        .annotate(
            total=Count("pk"),
            missed=Count("pk", filter=~met_all),
            **{f"met_{code}": Count("pk", filter=conditions[code]) for code in rules.KPI_CODES},
        )
        .order_by()
    )
    for row in kpis:
        figures[(row["staff__department_id"], row["staff__team_id"])] += MonthFigures(
            with_kpis=row["total"],
            missed_any=row["missed"],
            met=tuple(row[f"met_{code}"] for code in rules.KPI_CODES),
        )
    return dict(figures)


def team_kpi_compliance(*, month: date, staff_qs, policy: rules.ScoringPolicy) -> list[dict]:
    """Per team (by name), how many of its people in view have a KPI row in `month` and how many met each
    target: one grouped query."""
    met = {
        f"met_{code}": Count("pk", filter=condition) for code, condition in kpi_met_conditions(policy).items()
    }
    rows = (
        KpiRecord.objects.filter(month=first_of_month(month), staff__in=staff_qs.values("pk"))
        .values("staff__team__name")
        .annotate(people=Count("pk"), **met)
        .order_by("staff__team__name")
    )
    return [
        {
            "team": row["staff__team__name"] or "—",
            "people": row["people"],
            "met": {code: row[f"met_{code}"] for code in rules.KPI_CODES},
        }
        for row in rows
    ]


def kpi_met_conditions(policy: rules.ScoringPolicy) -> dict[str, Q]:
    """Per KPI code, the KpiRecord condition of meeting its target (exactly at the target meets it)."""
    conditions = {}
    for code, field in KPI_RECORD_FIELDS.items():
        band = policy.band(code)
        lookup = "lte" if band.lower_is_better else "gte"
        conditions[code] = Q(**{f"{field}__{lookup}": band.target})
    return conditions


# KpiRecord columns in the order rules.KpiValues takes them (the KPI file's order), after the staff id.
KPI_VALUE_FIELDS = ("staff_id", *KPI_VALUE_COLUMNS)


def kpi_values_by_staff(kpi_records, *, many: bool = True) -> dict[int, rules.KpiValues]:
    """The KPI rows of the `kpi_records` queryset as the rules' values, by staff id (one query)."""
    return {
        values[0]: rules.KpiValues(*values[1:])
        for values in rows_of(kpi_records.values_list(*KPI_VALUE_FIELDS), many=many)
    }


# KpiRecord field of each KPI code of the rules.
KPI_RECORD_FIELDS = {
    "timeliness": "response_timeliness_rate",
    "resolution": "resolution_rate",
    "satisfaction": "satisfaction_rate",
    "complaint": "complaint_rate",
}


def kpi_compliance_counts(*, months, staff_qs) -> dict[date, tuple[int, dict[str, int]]]:
    """Per month: (people with a KPI row, {KPI code: how many met its target}) under that month's policy.

    Counted in the database (comparisons only, no arithmetic, so exact on SQLite too): one query per policy
    version in force over `months`, whatever the number of staff.
    """
    by_version: dict[int, tuple[rules.ScoringPolicy, list[date]]] = {}
    for month, version in policies_for_months(months).items():
        by_version.setdefault(version.pk, (version.as_rules(), []))[1].append(month)
    counts = {}
    for policy, version_months in by_version.values():
        met = {code: Count("pk", filter=condition) for code, condition in kpi_met_conditions(policy).items()}
        rows = (
            KpiRecord.objects.filter(month__in=version_months, staff__in=staff_qs.values("pk"))
            .values("month")
            .annotate(total=Count("pk"), **{f"met_{code}": expr for code, expr in met.items()})
        )
        for row in rows:
            counts[row["month"]] = (row["total"], {code: row[f"met_{code}"] for code in KPI_RECORD_FIELDS})
    return counts


def policies_for_months(months) -> dict[date, ScoringPolicyVersion]:
    """The version in force in each of `months`: one query."""
    versions = list(ScoringPolicyVersion.objects.all())
    return {m: policy_version_in_force(versions, m) for m in months}


@dataclass(frozen=True)
class CoachingItem:
    """One remedial module assigned to a person for missing one KPI's target in a month, and why."""

    staff_id: int
    employee_no: str
    name: str
    month: date
    kpi: str
    kpi_label: str
    module_id: int
    module_title: str
    module_url: str
    assigned_at: object
    completed: bool
    value: Decimal | None = None  # the KPI's value that month, its target, and how far it was from it
    target: Decimal | None = None
    gap: Decimal | None = None
    lower_is_better: bool = False


def _required_lessons(module_ids) -> dict[int, set[int]]:
    """Each module's live required lessons: one query per module (there are at most four mapped modules)."""
    modules = ModulePage.objects.filter(pk__in=set(module_ids))
    return {
        module.pk: set(
            LessonPage.objects.descendant_of(module).live().filter(required=True).values_list("pk", flat=True)
        )
        for module in modules
    }


def lessons_studied_at(*, staff_ids, lesson_ids) -> dict[tuple[int, int], object]:
    """The latest moment each person completed or reviewed again each lesson: two queries."""
    studied: dict[tuple[int, int], object] = {}
    rows = list(
        LessonCompletion.objects.filter(staff_id__in=staff_ids, lesson_id__in=lesson_ids).values_list(
            "staff_id", "lesson_id", "recorded_at"
        )
    )
    rows += list(
        CoachingReview.objects.filter(staff_id__in=staff_ids, lesson_id__in=lesson_ids).values_list(
            "staff_id", "lesson_id", "reviewed_at"
        )
    )
    for staff_id, lesson_id, moment in rows:
        key = (staff_id, lesson_id)
        if key not in studied or moment > studied[key]:
            studied[key] = moment
    return studied


def _coaching_items(assignments: list[CoachingAssignment]) -> list[CoachingItem]:
    """Items for assignments (with staff and module loaded), with the KPI value behind each: a handful of
    queries whatever the number of people."""
    if not assignments:
        return []
    required = _required_lessons(a.module_id for a in assignments)
    staff_ids = {a.staff_id for a in assignments}
    studied_by_staff: dict[int, dict[int, object]] = defaultdict(dict)
    pairs = lessons_studied_at(staff_ids=staff_ids, lesson_ids=set().union(*required.values()))
    for (staff_id, lesson_id), moment in pairs.items():
        studied_by_staff[staff_id][lesson_id] = moment
    months = {a.month for a in assignments}
    policies = {m: version.as_rules() for m, version in policies_for_months(months).items()}
    records = {
        (r.staff_id, r.month): r.as_rules()
        for r in KpiRecord.objects.filter(staff_id__in=staff_ids, month__in=months)
    }
    module_urls = {a.module_id: a.module.url or "" for a in assignments}  # worked out once per module
    items = []
    for a in assignments:
        kpis = records.get((a.staff_id, a.month))
        band = policies[a.month].band(a.kpi)
        value = kpis.value(a.kpi) if kpis is not None else None
        items.append(
            CoachingItem(
                staff_id=a.staff_id,
                employee_no=a.staff.employee_no,
                name=a.staff.name,
                month=a.month,
                kpi=a.kpi,
                kpi_label=str(KpiCode(a.kpi).label),
                module_id=a.module_id,
                module_title=a.module.title,
                module_url=module_urls[a.module_id],
                assigned_at=a.assigned_at,
                completed=rules.remedial_module_done(
                    required_lessons=required.get(a.module_id, set()),
                    studied_at=studied_by_staff[a.staff_id],
                    assigned_at=a.assigned_at,
                ),
                value=value,
                target=band.target,
                gap=abs(value - band.target) if value is not None else None,
                lower_is_better=band.lower_is_better,
            )
        )
    return items


def coaching_list(*, staff_qs, include_completed: bool = False) -> list[CoachingItem]:
    """Remedial modules assigned to the people in `staff_qs` (newest month first), outstanding only unless
    `include_completed`. A module is done when each of its live required lessons was completed or reviewed
    again after the assignment (:func:`rules.remedial_module_done`). A handful of queries: never one per person."""
    assignments = list(
        CoachingAssignment.objects.filter(staff__in=staff_qs.values("pk"))
        .select_related("staff", "module")
        .order_by("-month", "staff__employee_no", "kpi")
    )
    items = _coaching_items(assignments)
    return items if include_completed else [item for item in items if not item.completed]


@dataclass(frozen=True)
class CoachingMiss:
    kpi: str
    label: str
    value: Decimal
    target: Decimal
    gap: Decimal
    lower_is_better: bool
    assignment: CoachingItem | None  # None: HR has mapped no remedial module to this KPI


@dataclass(frozen=True)
class CoachingRow:
    """A person who missed at least one KPI target in the month: every KPI missed, each with its module."""

    staff_id: int
    employee_no: str
    name: str
    team: str
    misses: list[CoachingMiss]

    @property
    def outstanding(self) -> bool:
        return any(m.assignment is not None and not m.assignment.completed for m in self.misses)

    @property
    def modules(self) -> list[dict]:
        """Each remedial module assigned once, with the KPIs it answers and whether all of those are done."""
        modules: dict[int, dict] = {}
        for miss in self.misses:
            if miss.assignment is None:
                continue
            entry = modules.setdefault(
                miss.assignment.module_id,
                {"title": miss.assignment.module_title, "kpis": [], "completed": True},
            )
            entry["kpis"].append(miss.label)
            entry["completed"] = entry["completed"] and miss.assignment.completed
        return list(modules.values())

    @property
    def unmapped(self) -> list[str]:
        """KPIs missed for which HR has set no remedial module."""
        return [miss.label for miss in self.misses if miss.assignment is None]


def coaching_rows(
    *, month: date, staff_qs, policy: rules.ScoringPolicy, limit: int | None = None
) -> list[CoachingRow]:
    """The month's coaching list for the scored people in `staff_qs`: one row per person who missed any KPI
    target (by employee number), with the values, targets, gaps and the remedial module assigned for each; the
    first `limit` of them when given (only their rows are read).

    Built from the month's KPI rows and assignments only, so the team, department and HR views list the same
    people for the same month and scope, and agree with "missed at least one KPI target". A handful of queries.
    """
    first = first_of_month(month)
    records = KpiRecord.objects.filter(
        month=first,
        staff__in=staff_qs.values("pk"),
        staff__is_active=True,
        staff__role__in=IN_SERVICE_ROLES,
    )
    if limit is not None:
        met_all = Q()
        for condition in kpi_met_conditions(policy).values():
            met_all &= condition
        records = records.filter(~met_all)
    records = records.select_related("staff__team").order_by("staff__employee_no")
    records = list(records[:limit] if limit is not None else records)
    missed = {}
    for record in records:
        codes = rules.missed_targets(record.as_rules(), policy)
        if codes:
            missed[record.staff_id] = (record, codes)
    assignments = list(
        CoachingAssignment.objects.filter(month=first, staff_id__in=missed.keys()).select_related(
            "staff", "module"
        )
    )
    by_key = {(item.staff_id, item.kpi): item for item in _coaching_items(assignments)}
    rows = []
    for staff_id, (record, codes) in missed.items():
        values = record.as_rules()
        misses = []
        for code in codes:
            band = policy.band(code)
            value = values.value(code)
            misses.append(
                CoachingMiss(
                    kpi=code,
                    label=str(KpiCode(code).label),
                    value=value,
                    target=band.target,
                    gap=abs(value - band.target),
                    lower_is_better=band.lower_is_better,
                    assignment=by_key.get((staff_id, code)),
                )
            )
        staff = record.staff
        rows.append(
            CoachingRow(
                staff_id, staff.employee_no, staff.name, staff.team.name if staff.team else "", misses
            )
        )
    return rows


def coaching_open_for_lesson(*, staff, lesson) -> list[CoachingItem]:
    """The person's outstanding remedial modules that contain `lesson` (a required, live lesson)."""
    if not lesson.required:
        return []
    module_ids = cached(
        f"lesson-modules:{lesson.pk}",
        [PAGES_SCOPE],
        lambda: list(ModulePage.objects.ancestor_of(lesson).values_list("pk", flat=True)),
    )
    # Most learners have no remedial module: the modules assigned to them are kept with their learning.
    assigned = cached(
        f"coaching-modules-assigned:{staff.pk}",
        [learner_scope(staff.pk)],
        lambda: set(CoachingAssignment.objects.filter(staff=staff).values_list("module_id", flat=True)),
        personal=True,
    )
    if not assigned.intersection(module_ids):
        return []
    assignments = list(
        CoachingAssignment.objects.filter(staff=staff, module_id__in=module_ids).select_related(
            "staff", "module"
        )
    )
    return [item for item in _coaching_items(assignments) if not item.completed]


def coaching_modules() -> dict[str, CoachingModule]:
    return {m.kpi: m for m in CoachingModule.objects.select_related("module")}


def month_close_inputs(month: date) -> dict:
    """What the month close asks of the scores: whether KPIs were imported, the scored staff without a KPI row
    ("employee_no name"), whether the scores are stored, when they were last computed, and the open disputes on
    evaluations of the month of scored staff (oldest first): waiting for the team lead or for a QA lead. A handful of queries; writes nothing."""
    first, following = month_bounds(month)
    people = scored_staff_for_month(first)
    with_kpis = KpiRecord.objects.filter(month=first).values("staff_id")
    missing = [
        f"{no} {name}"
        for no, name in people.exclude(pk__in=with_kpis)
        .order_by("employee_no")
        .values_list("employee_no", "name")
    ]
    disputes = (
        Evaluation.objects.filter(
            date__gte=first,
            date__lt=following,
            dispute_status__in=OPEN_DISPUTE_STATUSES,
            staff__in=people,
        )
        .order_by("disputed_at", "pk")
        .values_list("staff__employee_no", "staff__name", "pk", "disputed_at")
    )
    return {
        "kpi_imported": month_has_rows(KpiRecord.objects.all(), first),
        "scored_staff": people.count(),
        "missing_kpis": tuple(missing),
        "scores_stored": month_score_source(first) == ScoreSource.STORED,
        "computed_at": MonthlyScore.objects.filter(month=first).aggregate(last=Max("computed_at"))["last"],
        "open_disputes": tuple(disputes),
    }


@dataclass(frozen=True)
class GroupMonthFigures:
    """Exact inputs of a group's monthly figures (sums in hundredths with their counts), so that groups can be
    added together (teams into their department) before anything is divided or rounded."""

    quality_cents: int = 0
    quality_count: int = 0
    composite_cents: int = 0
    composite_count: int = 0
    kpi_people: int = 0  # people with a KPI row
    kpi_met: int = 0  # KPI targets met, over all of them (each person has len(rules.KPI_CODES) targets)

    def __add__(self, other: "GroupMonthFigures") -> "GroupMonthFigures":
        return GroupMonthFigures(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )


def figures_by_team_and_month(*, months, staff_qs) -> dict[tuple[int | None, date], GroupMonthFigures]:
    """Per (team id, month) of the people in `staff_qs`: stored quality and composite scores (sums and counts)
    and KPI targets met under each month's policy. Counted in the database without arithmetic on decimals
    (exact on SQLite too): one query for the scores and one per policy version in force over `months`."""
    people = staff_qs.values("pk")
    figures: dict[tuple[int | None, date], GroupMonthFigures] = defaultdict(GroupMonthFigures)
    score_rows = (
        MonthlyScore.objects.filter(month__in=months, staff__in=people)
        .values("staff__team_id", "month")
        .annotate(
            quality_cents=Sum(Hundredths("quality"), filter=Q(quality__isnull=False)),
            quality_count=Count("pk", filter=Q(quality__isnull=False)),
            composite_cents=Sum(Hundredths("composite"), filter=Q(composite__isnull=False)),
            composite_count=Count("pk", filter=Q(composite__isnull=False)),
        )
    )
    for row in score_rows:
        figures[(row["staff__team_id"], row["month"])] += GroupMonthFigures(
            quality_cents=int(row["quality_cents"] or 0),
            quality_count=row["quality_count"],
            composite_cents=int(row["composite_cents"] or 0),
            composite_count=row["composite_count"],
        )
    by_version: dict[int, tuple[rules.ScoringPolicy, list[date]]] = {}
    for month, version in policies_for_months(months).items():
        by_version.setdefault(version.pk, (version.as_rules(), []))[1].append(month)
    for policy, version_months in by_version.values():
        met = {f"met_{code}": Count("pk", filter=q) for code, q in kpi_met_conditions(policy).items()}
        rows = (
            KpiRecord.objects.filter(month__in=version_months, staff__in=people)
            .values("staff__team_id", "month")
            .annotate(people=Count("pk"), **met)
        )
        for row in rows:
            figures[(row["staff__team_id"], row["month"])] += GroupMonthFigures(
                kpi_people=row["people"], kpi_met=sum(row[name] for name in met)
            )
    return dict(figures)
