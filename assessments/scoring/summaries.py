"""A month's score-page figures per scope, computed from the stored scores and KPI rows by the same selectors the
pages used to run on every view, and stored (`score_summaries_refresh`) when the month's data changed: the writes
mark the month (`services.score_summaries_mark_stale`) and queue `tasks.refresh_score_summaries`.

Scopes are the groups a page can show: everyone ("all"), a department ("d<id>"), a team ("t<id>"), and a
department's part of a team ("d<id>t<id>", stored only for a team whose people sit in several departments).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments.models import ScoreSummary, ScoreSummaryMonth
from assessments.scoring import rules, signals
from assessments.scoring.selectors import (
    MonthFigures,
    MonthScoreSummary,
    month_figures_by_group,
    scored_staff_for_month,
    scoring_policy_for_month,
)
from portal.cache import scope_invalidate, score_month_scope
from portal.models import Team
from portal.months import first_of_month

ALL = "all"
NO_TEAM = "—"


def summary_scope(*, department_id: int | None = None, team_id: int | None = None) -> str:
    """The scope key of the people of a department and / or a team (everyone when neither is given)."""
    if department_id is None and team_id is None:
        return ALL
    return (f"d{department_id}" if department_id is not None else "") + (
        f"t{team_id}" if team_id is not None else ""
    )


def _figures_json(figures: MonthFigures, teams: list[list]) -> dict:
    return {
        "count": figures.count,
        "partial": figures.partial,
        "cents": figures.composite_cents,
        "histogram": list(figures.histogram),
        "with_kpis": figures.with_kpis,
        "missed_any": figures.missed_any,
        "met": list(figures.met),
        "teams": teams,
    }


def _team_rows(groups: dict, names: dict[int, str]) -> list[list]:
    """Per team name (as `selectors.team_kpi_compliance` groups them): [name, people with a KPI row, met per KPI],
    by name, people without a team ("—") last."""
    by_name: dict[str | None, MonthFigures] = {}
    for (_department_id, team_id), figures in groups.items():
        if figures.with_kpis:
            name = names.get(team_id) if team_id is not None else None
            by_name[name] = by_name.get(name, MonthFigures()) + figures
    ordered = sorted(by_name.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return [[name or NO_TEAM, figures.with_kpis, *figures.met] for name, figures in ordered]


def score_summaries_compute(month: date) -> dict[str, dict]:
    """Every scope's figures of `month` from the stored scores and KPI rows of the people scored now, under the
    month's policy: {scope: figures}. Reads only (two grouped queries and the team names)."""
    first = first_of_month(month)
    policy = scoring_policy_for_month(first).as_rules()
    groups = month_figures_by_group(month=first, staff_qs=scored_staff_for_month(first), policy=policy)
    names = dict(
        Team.objects.filter(pk__in={t for _d, t in groups if t is not None}).values_list("pk", "name")
    )
    scopes: dict[str, dict] = {ALL: groups}
    team_departments: dict[int, set] = {}
    for (department_id, team_id), figures in groups.items():
        if department_id is not None:
            scopes.setdefault(summary_scope(department_id=department_id), {})[(department_id, team_id)] = (
                figures
            )
        if team_id is not None:
            scopes.setdefault(summary_scope(team_id=team_id), {})[(department_id, team_id)] = figures
            team_departments.setdefault(team_id, set()).add(department_id)
    for (department_id, team_id), figures in groups.items():
        if team_id is not None and department_id is not None and len(team_departments[team_id]) > 1:
            key = summary_scope(department_id=department_id, team_id=team_id)
            scopes[key] = {(department_id, team_id): figures}
    result = {}
    for scope, scope_groups in scopes.items():
        figures = _figures_json(sum(scope_groups.values(), MonthFigures()), _team_rows(scope_groups, names))
        if scope.startswith("t"):
            figures["departments"] = sorted(
                team_departments[int(scope[1:])], key=lambda d: (d is None, d or 0)
            )
        result[scope] = figures
    return result


@dataclass(frozen=True)
class StoredSummary:
    """A scope's stored figures of a month, with where the month's summaries stand."""

    summary: MonthScoreSummary
    met: list[int]  # people with a KPI row who met each target, in rules.KPI_CODES order
    teams: list[dict]  # as selectors.team_kpi_compliance: {"team", "people", "met": {code: n}}
    computed_at: object
    stale: bool


def _summary_of(figures: dict | None) -> tuple[MonthScoreSummary, list[int], list[dict]]:
    figures = figures or _figures_json(MonthFigures(), [])
    count = figures["count"]
    summary = MonthScoreSummary(
        count=count,
        partial=figures["partial"],
        mean=Decimal(figures["cents"]) / 100 / count if count else None,
        histogram=list(figures["histogram"]),
        with_kpis=figures["with_kpis"],
        missed_any=figures["missed_any"],
    )
    teams = [
        {"team": name, "people": people, "met": dict(zip(rules.KPI_CODES, met, strict=True))}
        for name, people, *met in figures["teams"]
    ]
    return summary, list(figures["met"]), teams


def score_summary_state(month: date) -> ScoreSummaryMonth | None:
    """Where the month's stored summaries stand, if a write ever touched the month (one query)."""
    return ScoreSummaryMonth.objects.filter(month=first_of_month(month)).first()


def score_summary_get(
    *, month: date, department_id: int | None = None, team_id: int | None = None, state=None
) -> StoredSummary | None:
    """The stored figures of the people of `department_id` and / or `team_id` (everyone when neither) in
    `month`, or None when the month's summaries were never stored: then the page computes them (and stores
    nothing). A scope without a stored row has no scored people with data: its figures are zero."""
    first = first_of_month(month)
    state = state or score_summary_state(first)
    if state is None or state.computed_at is None:
        return None
    scope = summary_scope(department_id=department_id, team_id=team_id)
    wanted = [scope, summary_scope(team_id=team_id)] if department_id is not None and team_id else [scope]
    rows = dict(ScoreSummary.objects.filter(month=first, scope__in=wanted).values_list("scope", "figures"))
    figures = rows.get(scope)
    if figures is None and len(wanted) == 2:
        # A team whose people all sit in one department is stored once, as the team.
        team = rows.get(wanted[1])
        if team is not None and team.get("departments") == [department_id]:
            figures = team
    summary, met, teams = _summary_of(figures)
    return StoredSummary(summary, met, teams, state.computed_at, state.stale)


def score_summary_trend(
    *, months, department_id: int | None = None, team_id: int | None = None
) -> dict[date, tuple[MonthScoreSummary, list[int]]]:
    """The stored figures of the scope over `months` (one query for each, as `score_summary_get` reads them),
    for the months whose summaries were stored."""
    months = [first_of_month(m) for m in months]
    computed = set(
        ScoreSummaryMonth.objects.filter(month__in=months, computed_at__isnull=False).values_list(
            "month", flat=True
        )
    )
    scope = summary_scope(department_id=department_id, team_id=team_id)
    team_scope = summary_scope(team_id=team_id)
    wanted = {scope, team_scope} if department_id is not None and team_id else {scope}
    rows: dict[date, dict[str, dict]] = {}
    for month, key, figures in ScoreSummary.objects.filter(month__in=computed, scope__in=wanted).values_list(
        "month", "scope", "figures"
    ):
        rows.setdefault(month, {})[key] = figures
    result = {}
    for month in computed:
        found = rows.get(month, {})
        figures = found.get(scope)
        if (
            figures is None
            and team_scope in found
            and found[team_scope].get("departments") == [department_id]
        ):
            figures = found[team_scope]
        summary, met, _teams = _summary_of(figures)
        result[month] = (summary, met)
    return result


def score_summaries_refresh(*, month: date) -> int:
    """Store the month's summaries (`summaries.score_summaries_compute`) as of the month's current generation,
    unless a later generation was stored meanwhile; then `signals.score_summaries_stored` lets other apps
    refresh what they build on them (the Service Star review). What the queued task runs, and what a data generator calls directly.
    Returns the generation stored."""
    first = first_of_month(month)
    with transaction.atomic():
        state, _created = ScoreSummaryMonth.objects.select_for_update().get_or_create(month=first)
        generation = state.generation
        ScoreSummaryMonth.objects.filter(pk=state.pk).update(queued=False)
    # Read after the writes of `generation` committed: a write committing later queues another refresh.
    scopes = score_summaries_compute(first)
    with transaction.atomic():
        state = ScoreSummaryMonth.objects.select_for_update().get(month=first)
        if state.computed_at is not None and state.computed_generation > generation:
            return state.computed_generation
        ScoreSummary.objects.filter(month=first).delete()
        ScoreSummary.objects.bulk_create(
            [ScoreSummary(month=first, scope=scope, figures=figures) for scope, figures in scopes.items()],
            batch_size=500,
        )
        ScoreSummaryMonth.objects.filter(pk=state.pk).update(
            computed_generation=generation, computed_at=timezone.now()
        )
        scope_invalidate(score_month_scope(first))
    # After the month's row is released: what the receivers build takes a while, and writers wait on that row.
    signals.score_summaries_stored.send(sender=None, month=first, generation=generation)
    return generation
