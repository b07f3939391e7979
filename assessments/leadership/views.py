"""The leadership course's effect: HR's report across managers, one completion in detail, the export.

A manager sees their own completions, HR and admin everyone's; anyone else is refused. Thin: each view checks
access and calls the selectors.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from assessments.leadership import rules
from assessments.leadership.selectors import (
    completion_get_for_user,
    completions_visible_to,
    leadership_effects,
)
from assessments.scoring import charts
from portal.db_routing import replica_reads
from portal.models import Role
from portal.tabular.export import csv_bytes, xlsx_bytes

MEASURE_LABELS = {
    "kpi_attainment": gettext_lazy("KPI targets met (%)"),
    "quality": gettext_lazy("Mean quality score"),
    "composite": gettext_lazy("Mean composite score"),
}


def may_study_leadership(user) -> bool:
    return user.is_authenticated and (user.is_hr or user.role == Role.MANAGER)


def _require_access(user) -> None:
    if not may_study_leadership(user):
        raise PermissionDenied


def effect_chart(effect):
    """The department's three measures over the seven months (before, the course month, after)."""
    labels = [f"{m:%Y-%m}" for m in effect.before_months]
    labels.append(_("%(month)s (course)") % {"month": f"{effect.course_month:%Y-%m}"})
    labels += [f"{m:%Y-%m}" for m in effect.after_months]
    department = effect.department_effect
    series = []
    for measure in rules.MEASURES:
        shown = department.measures[measure].shown()
        series.append(
            (str(MEASURE_LABELS[measure]), [*shown["before"], shown["course_month"], *shown["after"]])
        )
    return charts.line_chart(
        _("Before and after the course: %(name)s") % {"name": department.name}, labels, series
    )


def effect_context(effect) -> dict:
    """What the detail page and the course page's panel show of one completion."""
    return {
        "effect": effect,
        "groups": [
            {
                "group": group,
                "rows": [
                    {"label": MEASURE_LABELS[m], "values": group.measures[m].shown()} for m in rules.MEASURES
                ],
            }
            for group in effect.groups
        ],
        "chart": effect_chart(effect) if effect.groups else None,
    }


@never_cache
@login_required
@replica_reads
def report(request):
    _require_access(request.user)
    effects = leadership_effects(completions_visible_to(request.user))
    rows = []
    for effect in effects:
        department = effect.department_effect
        rows.append(
            {
                "effect": effect,
                "measures": [
                    {
                        "label": MEASURE_LABELS[m],
                        "values": department.measures[m].shown() if department else None,
                    }
                    for m in rules.MEASURES
                ],
            }
        )
    return render(
        request,
        "assessments/leadership/report.html",
        {
            "rows": rows,
            "measure_labels": [MEASURE_LABELS[m] for m in rules.MEASURES],
            "chart": _report_chart(effects) if any(e.groups for e in effects) else None,
        },
    )


def _report_chart(effects):
    """Each manager's department: the mean composite before and after the course, side by side."""
    shown = [(e, e.department_effect.measures["composite"].shown()) for e in effects if e.groups]
    return charts.grouped_bar_chart(
        _("Mean composite score of the department, before and after the course"),
        [f"{e.manager.name} {e.enrolment.completed_on:%Y-%m}" for e, _values in shown],
        [
            (_("3 months before"), [values["before_mean"] for _e, values in shown]),
            (_("3 months after"), [values["after_mean"] for _e, values in shown]),
        ],
    )


@never_cache
@login_required
def detail(request, enrolment_id: int):
    _require_access(request.user)
    enrolment = completion_get_for_user(request.user, enrolment_id=enrolment_id)
    (effect,) = leadership_effects([enrolment])
    return render(request, "assessments/leadership/detail.html", effect_context(effect))


EXPORT_HEADER = [
    "employee_no",
    "manager",
    "department",
    "group",
    "course",
    "completed_on",
    "measure",
    "measure_name",
    "before_3",
    "before_2",
    "before_1",
    "course_month",
    "after_1",
    "after_2",
    "after_3",
    "before_mean",
    "after_mean",
    "change",
]


@never_cache
@login_required
@replica_reads
def export(request):
    """One row per completion, group (department, then teams) and measure, with the seven months' values and
    the means: opens in Excel (XLSX, or CSV in UTF-8 with BOM)."""
    _require_access(request.user)
    rows = []
    for effect in leadership_effects(completions_visible_to(request.user)):
        for group in effect.groups:
            for measure in rules.MEASURES:
                shown = group.measures[measure].shown()
                rows.append(
                    [
                        effect.manager.employee_no,
                        effect.manager.name,
                        effect.department.name,
                        group.name,
                        effect.enrolment.programme.title,
                        effect.enrolment.completed_on,
                        measure,
                        str(MEASURE_LABELS[measure]),
                        *shown["before"],
                        shown["course_month"],
                        *shown["after"],
                        shown["before_mean"],
                        shown["after_mean"],
                        shown["change"],
                    ]
                )
    name = "leadership-before-after"
    if request.GET.get("format") == "csv":
        response = HttpResponse(csv_bytes(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        xlsx_bytes(EXPORT_HEADER, rows, sheet_title=name),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
