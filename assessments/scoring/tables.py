"""The overview's long tables (a page of 100 scores, the coaching list) as HTML built in Python.

A template loop costs about a millisecond a row on these tables (tag and filter lookups, a translation call and a
URL reversal per row); here the labels are translated and the link prefix reversed once per page and each row is
one formatted string. The markup is the one the templates produced, cell for cell: user text escaped, our own
translated labels not (as `{% translate %}` leaves them).
"""

from decimal import Decimal
from urllib.parse import quote

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def number(value) -> str:
    """A number as a template shows it: no grouping, "." for decimals (the formats of both languages)."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def staff_scores_prefix() -> str:
    """The person's score page URL without the employee number: reversed once, not per row."""
    return reverse("assessments:staff-scores", args=["0"])[:-2]


def score_rows_html(rows: list[dict]) -> SafeString:
    """The score table's body: `rows` as the overview builds them ({"line", "url", "missed"})."""
    team, score, kpi, quality, learning, missed, partial = (
        _("Team"),
        _("Score"),
        _("KPI"),
        _("Quality"),
        _("Learning"),
        _("Missed targets"),
        _("Partial"),
    )

    def optional(value):
        return "—" if value is None else number(value)

    parts = []
    for row in rows:
        line = row["line"]
        pill = f' <span class="pill warn" title="{partial}">*</span>' if line.partial else ""
        pills = "".join(f'<span class="pill bad">{escape(label)}</span> ' for label in row["missed"])
        parts.append(
            f'<tr>\n      <td class="stack-head"><a href="{escape(row["url"])}">{escape(line.name)}</a> '
            f'<span class="muted">{escape(line.employee_no)}</span></td>\n'
            f'      <td data-label="{team}">{escape(line.team)}</td>\n'
            f'      <td class="num" data-label="{score}">{number(line.composite)}{pill}</td>\n'
            f'      <td class="num" data-label="{kpi}">{optional(line.kpi)}</td>'
            f'<td class="num" data-label="{quality}">{optional(line.quality)}</td>'
            f'<td class="num" data-label="{learning}">{optional(line.learning)}</td>\n'
            f'      <td data-label="{missed}">{pills}</td>\n    </tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 (user text escaped above, labels from our catalogue)


def coaching_rows_html(rows, *, month_text: str) -> SafeString:
    """The coaching list's body: `rows` are `selectors.CoachingRow`s."""
    prefix = staff_scores_prefix()
    team_label, missed_label, module_label = (
        _("Team"),
        _("KPI missed"),
        _("Remedial module"),
    )
    over = _("target at most %(target)s%%, %(gap)s points over")
    short = _("target at least %(target)s%%, %(gap)s points short")
    done = f'<span class="pill ok">{_("done")}</span>'
    to_do = f'<span class="pill warn">{_("to do")}</span>'
    none_set = _("none set for %(kpis)s")
    month_query = escape(month_text)
    parts = []
    for row in rows:
        misses = "".join(
            f"<li><strong>{escape(miss.label)}</strong> {number(miss.value)}% · "
            + (over if miss.lower_is_better else short)
            % {"target": number(miss.target), "gap": number(miss.gap)}
            + "</li>"
            for miss in row.misses
        )
        modules = "".join(
            f"<li>{escape(module['title'])} {done if module['completed'] else to_do}</li>"
            for module in row.modules
        )
        unmapped = row.unmapped
        if unmapped:
            modules += f'<li class="muted">{none_set % {"kpis": "、".join(escape(k) for k in unmapped)}}</li>'
        employee_no = escape(row.employee_no)
        parts.append(
            f'<tr data-employee-no="{employee_no}">\n'
            f'    <td class="stack-head"><a href="{escape(prefix + quote(row.employee_no) + "/")}?month={month_query}">'
            f'{escape(row.name)}</a> <span class="muted">{employee_no}</span></td>\n'
            f'    <td data-label="{team_label}">{escape(row.team)}</td>\n'
            f'    <td data-label="{missed_label}"><ul class="who-list">{misses}</ul></td>\n'
            f'    <td data-label="{module_label}"><ul class="who-list">{modules}</ul></td>\n  </tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 (user text escaped above, labels from our catalogue)


def team_rows_html(rows: list[dict]) -> SafeString:
    """The compliance-by-team table's body: `rows` as the overview builds them ({"team", "people", "cells"})."""
    people = _("People")
    parts = []
    for row in rows:
        cells = "".join(
            f'<td class="num" data-label="{escape(cell["label"])}"><span class="pill '
            f'{"ok" if cell["value"] >= 80 else "warn" if cell["value"] >= 50 else "bad"}">'
            f"{number(cell['value'])}%</span></td>"
            for cell in row["cells"]
        )
        parts.append(
            f'<tr><td class="stack-head">{escape(row["team"])}</td>'
            f'<td class="num" data-label="{people}">{row["people"]}</td>{cells}</tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 (user text escaped above, labels from our catalogue)
