"""Score pages: my explained score, the scoped overview (team / department / everyone), exports, KPI upload,
recompute, policy versions and remedial modules. Thin: each view checks access, calls selectors or one service."""

from datetime import date
from functools import partial
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments.models import MonthlyScore, ScoringPolicyVersion
from assessments.scoring import charts, rules, tables
from assessments.scoring.forms import CoachingModulesForm, KpiImportForm, PolicyVersionForm
from assessments.scoring.kpi_file import KPI_COLUMNS
from assessments.scoring.selectors import (
    ScoreSource,
    coaching_list,
    coaching_modules,
    coaching_rows,
    kpi_compliance_counts,
    mean_scores_by_month,
    month_facts,
    month_score_lines,
    month_score_rows_page,
    month_score_source,
    month_score_summary,
    month_scores_computed_lines,
    policies_for_months,
    policy_versions_frozen,
    score_lines,
    scores_by_month_for_staff,
    scoring_policy_for_month,
    scoring_rules_for_month,
    staff_month_inputs,
    team_kpi_compliance,
)
from assessments.scoring.services import (
    KPI_COUNT_KEYS,
    coaching_assign_for_month,
    coaching_lesson_review,
    coaching_module_set,
    kpi_month_import,
    monthly_scores_compute,
    scoring_policy_create,
    scoring_policy_update,
)
from assessments.scoring.summaries import score_summary_get, score_summary_trend
from courses.models import LessonPage, ModulePage
from portal.access import Scope, staff_get_for_user, staff_visible_to, visibility_scope
from portal.cache import (
    COACHING_SCOPE,
    MONTH_CLOSE_SCOPE,
    MONTHS_SCOPE,
    PEOPLE_SCOPE,
    SCORING_POLICY_SCOPE,
    STAFF_DIRECTORY_SCOPE,
    cached,
    cached_unless_replica,
    learner_scope,
    score_month_scope,
)
from portal.db_routing import replica_reads
from portal.models import IN_SERVICE_ROLES, Department, Team
from portal.months import add_months, first_of_month, month_bounds, months_up_to, parse_month
from portal.page_cache import PAGES_SCOPE
from portal.pagination import KeysetPage
from portal.services import MonthLockedError, month_is_locked
from portal.stepup import step_up_required
from portal.tabular.errors import FieldError
from portal.tabular.export import csv_bytes, xlsx_bytes
from portal.uploads import ImportUploadView

KPI_LABELS = {
    "timeliness": gettext_lazy("Response timeliness rate"),
    "resolution": gettext_lazy("Resolution rate"),
    "satisfaction": gettext_lazy("Customer satisfaction"),
    "complaint": gettext_lazy("Complaint rate"),
}


# --- Months --------------------------------------------------------------------------------------------------


def _requested_month(request) -> date:
    """?month=YYYY-MM, else the latest month with scores or KPI data, else this month."""
    text = request.GET.get("month", "").strip()
    if text:
        try:
            return parse_month(text)
        except FieldError:
            raise Http404 from None
    return month_facts().month


def _month_nav(month: date, locked: bool | None = None) -> dict:
    return {
        "month": month,
        "month_text": f"{month:%Y-%m}",
        "previous": f"{add_months(month, -1):%Y-%m}",
        "next": f"{add_months(month, 1):%Y-%m}",
        "locked": month_is_locked(month) if locked is None else locked,
    }


# --- A person's explained score ------------------------------------------------------------------------------


@never_cache
@login_required
def my_scores(request):
    return _person_scores(request, request.user)


@never_cache
@login_required
def staff_scores(request, employee_no: str):
    person = staff_get_for_user(request.user, employee_no=employee_no)
    return _person_scores(request, person)


def _person_scores(request, person):
    """One person's month, explained from the month's data as it is now (a published month shows its stored,
    final score); "no data" for a month without data for anyone. Writes nothing."""
    requested = request.GET.get("month", "").strip()
    facts = month_facts(_requested_month(request)) if requested else month_facts()
    month, locked = facts.month, facts.locked
    source = month_score_source(month, facts)
    stored = (
        MonthlyScore.objects.filter(staff=person, month=month).select_related("policy").first()
        if facts.stored
        else None
    )
    is_self = person.pk == request.user.pk
    months = months_up_to(month, 12)
    # Kept rendered per person, month and day until a write of the person's learning, the month's scores or
    # KPIs, evaluations, the coaching loop, the policy or the curriculum replaces a token.
    body = cached(
        f"person-scores:{get_language()}:{person.pk}:{is_self}:{month:%Y-%m}:{timezone.localdate()}",
        [
            learner_scope(person.pk),
            *(score_month_scope(m) for m in months),
            MONTHS_SCOPE,
            MONTH_CLOSE_SCOPE,
            COACHING_SCOPE,
            SCORING_POLICY_SCOPE,
            PAGES_SCOPE,
            PEOPLE_SCOPE,
            STAFF_DIRECTORY_SCOPE,
        ],
        lambda: render_to_string(
            "assessments/scores/person_body.html",
            _person_scores_context(
                request, person, month=month, months=months, facts=facts, source=source, stored=stored
            ),
            request,
        ),
        personal=True,
    )
    return render(
        request,
        "assessments/scores/person.html",
        {
            **_month_nav(month, locked),
            "person": person,
            "is_self": is_self,
            "no_data": source == ScoreSource.NONE,
            "stored": stored,
            "body": body,
        },
    )


def _person_scores_context(request, person, *, month, months, facts, source, stored) -> dict:
    locked = facts.locked
    version = stored.policy if stored else scoring_policy_for_month(month)
    inputs = staff_month_inputs(month=month, staff_ids=[person.pk]) if source != ScoreSource.NONE else []
    explanation = None
    if inputs:
        data = inputs[0]
        explanation = rules.score_explanation(
            kpis=data.kpis,
            quality_scores=data.quality_scores,
            in_service_hours=data.in_service_hours,
            learning_results=data.learning_results,
            policy=version.as_rules(),
        )
        for row in explanation["kpis"]:
            row["name"] = KPI_LABELS[row["code"]]
            row["points_shown"] = rules.round2(row["points"])
    trend = scores_by_month_for_staff(staff_ids=[person.pk], months=months)
    if explanation is not None and not locked:
        # The chart's point for this month is the score shown above, even before the stored one catches up.
        composite = explanation["score"].composite
        trend[(person.pk, month)] = rules.round2(composite) if composite is not None else None
    values = [trend.get((person.pk, m)) for m in months]
    chart = charts.line_chart(
        _("Score over 12 months"),
        charts.month_labels(months),
        [("", values)],
    )
    return {
        **_month_nav(month, locked),
        "person": person,
        "is_self": person.pk == request.user.pk,
        "is_scored": person.is_active and person.is_in_service,
        "no_data": source == ScoreSource.NONE,
        "stored": stored,
        "version": version,
        "explanation": explanation,
        "chart": chart,
        "coaching": coaching_list(
            staff_qs=staff_visible_to(request.user).filter(pk=person.pk), include_completed=True
        ),
        "kpi_labels": KPI_LABELS,
    }


# --- The scoped overview: team lead (team), manager (department), HR (everyone) ------------------------------


def _scored_staff(request):
    """The scored people the viewer may see, narrowed by the department / team filters (never widened)."""
    if visibility_scope(request.user) == Scope.SELF:
        raise PermissionDenied
    people = staff_visible_to(request.user).filter(is_active=True, role__in=IN_SERVICE_ROLES)
    filters = {}
    for key in ("department", "team"):
        value = request.GET.get(key, "")
        if value.isdigit():
            people = people.filter(**{f"{key}_id": int(value)})
            filters[key] = int(value)
    return people, filters


def _summary_scope(user, filters: dict) -> dict | None:
    """The stored summary's department and team of what the viewer sees with `filters` (as keyword arguments of
    `summaries.score_summary_get`), or None when a filter falls outside the viewer's scope (nobody)."""
    scope = visibility_scope(user)
    department, team = filters.get("department"), filters.get("team")
    if scope == Scope.DEPARTMENT:
        if department is not None and department != user.department_id:
            return None
        department = user.department_id
    elif scope == Scope.TEAM:
        if team is not None and team != user.team_id:
            return None
        team = user.team_id
    return {"department_id": department, "team_id": team}


# The coaching list shows this many people; a department or team filter narrows a longer one.
COACHING_ROWS_SHOWN = 50
# The compliance table shows this many teams; a department filter narrows a longer list.
TEAM_ROWS_SHOWN = 20
# Rows of the score table per page.
SCORE_ROWS_PER_PAGE = 100


def _keyset_params(request) -> tuple[str, str]:
    return request.GET.get("after", "").strip(), request.GET.get("before", "").strip()


def keyset_slice(lines: list, *, after: str, before: str, per_page: int) -> list:
    """The `per_page + 1` lines (by employee number) after `after`, or before `before` nearest first, of lines
    already in memory: what `selectors.month_score_rows_page` reads from the database."""
    if before:
        return [line for line in reversed(lines) if line.employee_no < before][: per_page + 1]
    return [line for line in lines if line.employee_no > after][: per_page + 1]


@never_cache
@login_required
@replica_reads
def overview(request):
    people, filters = _scored_staff(request)
    month = _requested_month(request)
    facts = month_facts(month)
    source = month_score_source(month, facts)
    policy = scoring_rules_for_month(month)
    months = months_up_to(month, 12)
    after, before = _keyset_params(request)
    scope_kwargs = _summary_scope(request.user, filters)
    # Only the month and the filters carry over into the page's links.
    query = urlencode(
        [
            (key, value)
            for key, value in (
                ("month", f"{month:%Y-%m}" if request.GET.get("month", "").strip() else ""),
                ("department", filters.get("department", "")),
                ("team", filters.get("team", "")),
            )
            if value != ""
        ]
    )
    overview_main = partial(
        _overview_main,
        month=month,
        months=months,
        source=source,
        policy=policy,
        people=people,
        scope_kwargs=scope_kwargs,
        after=after,
        before=before,
        query=query,
    )
    main = coaching_html = None
    if source == ScoreSource.STORED and scope_kwargs is not None:
        # The figures and sections as the month's writes left them: rendered once per change of the months shown,
        # the people lists, the policy or (the coaching list) the coaching loop, then the same for every reader
        # of this scope.
        key = "{lang}:{month:%Y-%m}:{department_id}:{team_id}".format(
            lang=get_language(), month=month, **scope_kwargs
        )
        main = cached_unless_replica(
            f"scores-overview:{key}:{after}:{before}",
            [
                *(score_month_scope(m) for m in months),
                MONTHS_SCOPE,
                PEOPLE_SCOPE,
                STAFF_DIRECTORY_SCOPE,
                SCORING_POLICY_SCOPE,
            ],
            lambda: overview_main(stored_only=True),
        )
        if main is not None:
            coaching_html = cached_unless_replica(
                f"scores-coaching:{key}",
                [
                    score_month_scope(month),
                    COACHING_SCOPE,
                    PAGES_SCOPE,
                    PEOPLE_SCOPE,
                    STAFF_DIRECTORY_SCOPE,
                    SCORING_POLICY_SCOPE,
                ],
                lambda: _coaching_section(month, people, policy, main["missed_any"], no_data=False),
            )
    if main is None:
        main = overview_main(stored_only=False)
        coaching_html = _coaching_section(
            month, people, policy, main["missed_any"], no_data=source == ScoreSource.NONE
        )
    scope = visibility_scope(request.user)
    departments = (
        cached_unless_replica("departments", [PEOPLE_SCOPE], lambda: list(Department.objects.all()))
        if scope == Scope.ALL
        else []
    )
    teams = []
    if scope == Scope.DEPARTMENT or "department" in filters or "team" in filters:
        # The team filter offers the teams of one department (a thousand at once would be no choice at all):
        # the manager's, or the one HR chose first.
        teams = Team.objects.filter(pk__in=staff_visible_to(request.user).values("team"))
        if "department" in filters:
            teams = teams.filter(department_id=filters["department"])
        elif "team" in filters and scope == Scope.ALL:
            teams = teams.filter(department__teams=filters["team"])
        teams = teams.order_by("department__name", "name").values_list("pk", "department__name", "name")
    return render(
        request,
        "assessments/scores/overview.html",
        {
            **_month_nav(month, facts.locked),
            **main,
            "no_data": source == ScoreSource.NONE,
            "scope": scope,
            "coaching_section_html": coaching_html,
            "departments": departments,
            "teams": teams,
            "filters": filters,
            "query": query,
            "can_import": request.user.has_perm("assessments.import_kpis"),
        },
    )


def _overview_main(
    *, stored_only: bool, month, months, source, policy, people, scope_kwargs, after, before, query
) -> dict | None:
    """The overview's figures, charts and page of the score table, rendered: from the month's stored summary
    (None when it was never stored) with `stored_only`, else computed from the month's rows."""
    updating = None
    if stored_only:
        stored = score_summary_get(month=month, **scope_kwargs)
        if stored is None:
            return None
        summary = stored.summary
        if stored.stale:
            updating = stored.computed_at
        rows = list(
            month_score_rows_page(
                month=month, staff_qs=people, after=after, before=before, limit=SCORE_ROWS_PER_PAGE + 1
            )
        )
        page = KeysetPage(
            rows, key=lambda row: row[1], per_page=SCORE_ROWS_PER_PAGE, after=after, before=before
        )
        lines = score_lines(month=month, rows=page.object_list)
        trend = score_summary_trend(months=months, **scope_kwargs)
        means = {m: figures.mean for m, (figures, _met) in trend.items() if figures.mean is not None}
        compliance = {
            code: [
                round(100 * trend[m][1][i] / trend[m][0].with_kpis, 1)
                if m in trend and trend[m][0].with_kpis
                else None
                for m in months
            ]
            for i, code in enumerate(rules.KPI_CODES)
        }
        missing = [m for m in months if m not in trend]
        if missing:
            # Months no write has summarised yet (data from before summaries were stored) are read as before.
            live = _compliance(missing, people)
            for code in rules.KPI_CODES:
                for m, value in zip(missing, live[code], strict=True):
                    compliance[code][months.index(m)] = value
            means.update(mean_scores_by_month(months=missing, staff_qs=people))
        team_compliance = _team_compliance_rows(stored.teams)
    else:
        if source == ScoreSource.STORED:
            summary = month_score_summary(month=month, staff_qs=people, policy=policy)
            rows = list(
                month_score_rows_page(
                    month=month, staff_qs=people, after=after, before=before, limit=SCORE_ROWS_PER_PAGE + 1
                )
            )
            page = KeysetPage(
                rows, key=lambda row: row[1], per_page=SCORE_ROWS_PER_PAGE, after=after, before=before
            )
            lines = score_lines(month=month, rows=page.object_list)
        else:
            # An open month with data but no stored scores is computed now and not stored; no data, no lines.
            computed = (
                month_scores_computed_lines(month=month, staff_qs=people)
                if source == ScoreSource.COMPUTED
                else []
            )
            summary = month_score_summary(month=month, staff_qs=people, policy=policy, lines=computed)
            lines = keyset_slice(computed, after=after, before=before, per_page=SCORE_ROWS_PER_PAGE)
            page = KeysetPage(
                lines,
                key=lambda line: line.employee_no,
                per_page=SCORE_ROWS_PER_PAGE,
                after=after,
                before=before,
            )
            lines = page.object_list
        compliance = _compliance(months, people)
        means = mean_scores_by_month(months=months, staff_qs=people)
        if source == ScoreSource.COMPUTED and summary.mean is not None:
            means[month] = summary.mean
        team_compliance = _team_compliance(month, people, policy)
    page.object_list = _score_rows(lines, policy)
    labels = [f"{low}–{low + 10}" for low in range(0, 100, 10)]
    sections = {
        "no_data": source == ScoreSource.NONE,
        "page": page,
        "query": query,
        "score_rows_html": tables.score_rows_html(page.object_list),
        "distribution": charts.bar_chart(
            _("Score distribution"), labels, summary.histogram, [str(low) for low in range(0, 100, 10)]
        ),
        "compliance_chart": charts.line_chart(
            _("Share of people meeting each KPI target"),
            charts.month_labels(months),
            [(str(KPI_LABELS[code]), compliance[code]) for code in rules.KPI_CODES],
            suffix="%",
        ),
        "trend_chart": charts.line_chart(
            _("Mean score over 12 months"),
            charts.month_labels(months),
            [("", [rules.round2(means[m]) if m in means else None for m in months])],
        ),
        "compliance_rows": [
            {"month": m, "values": [compliance[code][i] for code in rules.KPI_CODES]}
            for i, m in enumerate(months)
        ],
        "kpi_labels": [KPI_LABELS[code] for code in rules.KPI_CODES],
        "team_compliance": team_compliance[:TEAM_ROWS_SHOWN],
        "team_rows_html": tables.team_rows_html(team_compliance[:TEAM_ROWS_SHOWN]),
        "team_count": len(team_compliance),
    }
    return {
        "updating": updating,
        "count": summary.count,
        "partial_count": summary.partial,
        "mean": rules.round2(summary.mean) if summary.mean is not None else None,
        "missed_any": summary.missed_any,
        "figures_html": render_to_string("assessments/scores/_overview_figures.html", sections),
        "scores_html": render_to_string("assessments/scores/_overview_scores.html", sections),
    }


def _coaching_section(month, people, policy, missed_any: int, *, no_data: bool) -> str:
    """The coaching list's section: its first people with their remedial modules."""
    rows = coaching_rows(month=month, staff_qs=people, policy=policy, limit=COACHING_ROWS_SHOWN)
    return render_to_string(
        "assessments/scores/_overview_coaching.html",
        {
            "month_text": f"{month:%Y-%m}",
            "coaching": rows,
            "coaching_html": tables.coaching_rows_html(rows, month_text=f"{month:%Y-%m}"),
            "coaching_count": missed_any,
            "no_data": no_data,
        },
    )


def _score_rows(lines, policy) -> list[dict]:
    staff_url = tables.staff_scores_prefix()
    labels_of = {code: str(KPI_LABELS[code]) for code in rules.KPI_CODES}  # translated once, not per row
    return [
        {
            "line": line,
            "url": f"{staff_url}{quote(line.employee_no)}/",
            "missed": [labels_of[c] for c in rules.missed_targets(line.kpis, policy)],
        }
        for line in lines
    ]


def _team_compliance(month, people, policy) -> list[dict]:
    """Per team, the percentage of its people with KPI data who met each KPI target this month."""
    return _team_compliance_rows(team_kpi_compliance(month=month, staff_qs=people, policy=policy))


def _team_compliance_rows(teams: list[dict]) -> list[dict]:
    return [
        {
            "team": team["team"],
            "people": team["people"],
            "values": [round(100 * team["met"][code] / team["people"], 1) for code in rules.KPI_CODES],
            "cells": [
                {"label": KPI_LABELS[code], "value": round(100 * team["met"][code] / team["people"], 1)}
                for code in rules.KPI_CODES
            ],
        }
        for team in teams
    ]


def _compliance(months, people) -> dict[str, list]:
    """Per KPI, the percentage (1 decimal) of people with a KPI row who met its target, month by month."""
    counts = kpi_compliance_counts(months=months, staff_qs=people)
    return {
        code: [
            round(100 * counts[m][1][code] / counts[m][0], 1) if counts.get(m, (0,))[0] else None
            for m in months
        ]
        for code in rules.KPI_CODES
    }


EXPORT_HEADER = [
    "month",
    "employee_no",
    "name",
    "department",
    "team",
    "score",
    "kpi",
    "quality",
    "learning",
    "partial",
    "missed_targets",
]


@never_cache
@login_required
@replica_reads
def export(request):
    people, _filters = _scored_staff(request)
    month = _requested_month(request)
    policy = scoring_policy_for_month(month).as_rules()
    lines = month_score_lines(month=month, staff_qs=people)
    rows = [
        [
            f"{month:%Y-%m}",
            line.employee_no,
            line.name,
            line.department,
            line.team,
            line.composite,
            line.kpi,
            line.quality,
            line.learning,
            line.partial,
            " ".join(rules.missed_targets(line.kpis, policy)),
        ]
        for line in lines
    ]
    name = f"scores-{month:%Y-%m}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            xlsx_bytes(EXPORT_HEADER, rows, sheet_title=name),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(csv_bytes(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# --- HR: KPI upload, recompute, policy versions, remedial modules --------------------------------------------


class KpiImportView(ImportUploadView):
    kind = "kpis"
    takes_mapping = True
    permission_required = "assessments.import_kpis"
    title = gettext_lazy("Import monthly KPIs")
    columns = KPI_COLUMNS
    help_text = gettext_lazy(
        "Rates in percent (0–100, at most 2 decimals); counts as whole numbers. After the import the month's "
        "scores are recomputed."
    )
    form_class = KpiImportForm
    success_url = "assessments:scores-overview"
    count_keys = KPI_COUNT_KEYS

    service = staticmethod(kpi_month_import)

    def service_options(self, cleaned_data):
        return {"month": cleaned_data["month"], "replace": bool(cleaned_data.get("replace"))}

    def decode_options(self, stored):
        return {"month": date.fromisoformat(stored["month"]), "replace": stored.get("replace") == "True"}


@require_POST
@login_required
@permission_required("assessments.import_kpis", raise_exception=True)
def recompute(request):
    try:
        month = parse_month(request.POST.get("month", ""))
    except FieldError as exc:
        messages.error(request, str(exc))
        return redirect("assessments:scores-overview")
    try:
        count = monthly_scores_compute(month=month, acting_user=request.user)
        coaching_assign_for_month(month=month)
    except MonthLockedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Recomputed %(month)s: %(count)s scores.") % {"month": f"{month:%Y-%m}", "count": count},
        )
    return redirect(f"{_url('assessments:scores-overview')}?month={month:%Y-%m}")


def _url(name):

    return reverse(name)


@never_cache
@login_required
@permission_required("assessments.manage_policy", raise_exception=True)
def policy_list(request):
    versions = list(ScoringPolicyVersion.objects.all())
    frozen = policy_versions_frozen()
    today = first_of_month(timezone.localdate())
    months = [add_months(today, offset) for offset in range(-12, 4)]
    in_force = policies_for_months(months)
    return render(
        request,
        "assessments/scores/policy_list.html",
        {
            "versions": [{"version": v, "frozen": v.pk in frozen} for v in versions],
            "months": [{"month": m, "version": in_force[m], "locked": False} for m in reversed(months)],
        },
    )


@never_cache
@login_required
@permission_required("assessments.manage_policy", raise_exception=True)
@step_up_required()
def policy_edit(request, pk: int | None = None):
    version = get_object_or_404(ScoringPolicyVersion, pk=pk) if pk else None
    if version is not None and version.pk in policy_versions_frozen():
        messages.error(request, _("A published month used this version; add a new version instead."))
        return redirect("assessments:policy-list")
    base = version or scoring_policy_for_month(timezone.localdate())
    form = PolicyVersionForm(request.POST or None, instance=base if version else None, new=version is None)
    if version is None and not request.POST:
        form.initial.update({k: getattr(base, k) for k in form.fields if k != "effective_month"})
        form.initial["name"] = ""
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            if version is None:
                scoring_policy_create(
                    effective_month=form.cleaned_data["effective_month"],
                    values=values,
                    acting_user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            else:
                scoring_policy_update(
                    version=version,
                    values=values,
                    acting_user=request.user,
                    reason=form.cleaned_data["reason"],
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The scoring policy was saved."))
            return redirect("assessments:policy-list")
    return render(request, "assessments/scores/policy_form.html", {"form": form, "version": version})


@never_cache
@login_required
@permission_required("assessments.manage_policy", raise_exception=True)
def coaching_modules_edit(request):
    current = {code: mapping.module for code, mapping in coaching_modules().items()}
    form = CoachingModulesForm(
        request.POST or None,
        modules_qs=ModulePage.objects.live().order_by("path"),
        current=current,
        labels=KPI_LABELS,
    )
    if request.method == "POST" and form.is_valid():
        for code in rules.KPI_CODES:
            module = form.cleaned_data.get(code)
            if module != current.get(code):
                coaching_module_set(kpi=code, module=module, acting_user=request.user)
        messages.success(request, _("Remedial modules saved."))
        return redirect("assessments:coaching-modules")
    return render(request, "assessments/scores/coaching_modules.html", {"form": form})


@login_required
@require_POST
def coaching_review(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        coaching_lesson_review(staff=request.user, lesson=lesson)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Recorded: you studied this lesson again for your remedial module."))
    return redirect(lesson.get_url(request) or "courses:my-training")


# --- Home panel ----------------------------------------------------------------------------------------------


def my_score_panel(request):
    """ "My score this month" on an agent's or team lead's home page: the latest stored score, if any."""
    user = request.user
    if user.role not in IN_SERVICE_ROLES:
        return None
    latest = MonthlyScore.objects.filter(staff=user).order_by("-month").first()
    return {"score": latest, "month_bounds": month_bounds(latest.month) if latest else None}
