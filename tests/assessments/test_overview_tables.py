"""The HR pages' long tables are built in Python for speed: HR sees the markup the templates produced, with every
piece of user text escaped."""

from datetime import date
from decimal import Decimal

from django.template import engines
from django.utils import translation

from assessments.scoring import tables
from assessments.scoring.selectors import CoachingItem, CoachingMiss, CoachingRow, ScoreLine
from incentives import tables as star_tables
from incentives.selectors import StarRow

NAME = '李<script>alert("x")</script>&雷'

# The rows as the templates wrote them before the tables were built in Python.
SCORE_ROWS_TEMPLATE = """{% load i18n %}{% translate "Team" as l_team %}{% translate "Score" as l_score %}{% translate "KPI" as l_kpi %}{% translate "Quality" as l_quality %}{% translate "Learning" as l_learning %}{% translate "Missed targets" as l_missed %}{% translate "Partial" as l_partial %}{% for row in rows %}{% with line=row.line %}<tr>
      <td class="stack-head"><a href="{{ row.url }}">{{ line.name }}</a> <span class="muted">{{ line.employee_no }}</span></td>
      <td data-label="{{ l_team }}">{{ line.team }}</td>
      <td class="num" data-label="{{ l_score }}">{{ line.composite }}{% if line.partial %} <span class="pill warn" title="{{ l_partial }}">*</span>{% endif %}</td>
      <td class="num" data-label="{{ l_kpi }}">{{ line.kpi|default_if_none:"—" }}</td><td class="num" data-label="{{ l_quality }}">{{ line.quality|default_if_none:"—" }}</td><td class="num" data-label="{{ l_learning }}">{{ line.learning|default_if_none:"—" }}</td>
      <td data-label="{{ l_missed }}">{% for label in row.missed %}<span class="pill bad">{{ label }}</span> {% endfor %}</td>
    </tr>{% endwith %}{% endfor %}"""

COACHING_TEMPLATE = """{% load i18n %}{% for row in coaching %}<tr data-employee-no="{{ row.employee_no }}">
    <td class="stack-head"><a href="{% url 'assessments:staff-scores' row.employee_no %}?month={{ month_text }}">{{ row.name }}</a> <span class="muted">{{ row.employee_no }}</span></td>
    <td data-label="{% translate 'Team' %}">{{ row.team }}</td>
    <td data-label="{% translate 'KPI missed' %}"><ul class="who-list">{% for miss in row.misses %}<li><strong>{{ miss.label }}</strong> {{ miss.value }}% · {% if miss.lower_is_better %}{% blocktranslate with target=miss.target gap=miss.gap %}target at most {{ target }}%, {{ gap }} points over{% endblocktranslate %}{% else %}{% blocktranslate with target=miss.target gap=miss.gap %}target at least {{ target }}%, {{ gap }} points short{% endblocktranslate %}{% endif %}</li>{% endfor %}</ul></td>
    <td data-label="{% translate 'Remedial module' %}"><ul class="who-list">{% for module in row.modules %}<li>{{ module.title }} {% if module.completed %}<span class="pill ok">{% translate "done" %}</span>{% else %}<span class="pill warn">{% translate "to do" %}</span>{% endif %}</li>{% endfor %}{% if row.unmapped %}<li class="muted">{% blocktranslate with kpis=row.unmapped|join:"、" %}none set for {{ kpis }}{% endblocktranslate %}</li>{% endif %}</ul></td>
  </tr>{% endfor %}"""

TEAM_TEMPLATE = """{% load i18n %}{% for row in team_compliance %}<tr><td class="stack-head">{{ row.team }}</td><td class="num" data-label="{% translate 'People' %}">{{ row.people }}</td>{% for cell in row.cells %}<td class="num" data-label="{{ cell.label }}"><span class="pill {% if cell.value >= 80 %}ok{% elif cell.value >= 50 %}warn{% else %}bad{% endif %}">{{ cell.value }}%</span></td>{% endfor %}</tr>{% endfor %}"""

INELIGIBLE_TEMPLATE = """{% load i18n %}{% for row in ineligible %}
      <tr data-employee-no="{{ row.employee_no }}"><td>{{ row.employee_no }}</td><td>{{ row.name }}</td><td class="num">{{ row.score|default:"—" }}</td>
        <td><ul style="margin:0; padding-left:1.1rem">{% for text in row.reason_texts %}<li>{{ text }}</li>{% endfor %}</ul>
          {% if row.exclusion_reason %}<p class="muted">{% translate "HR's reason:" %} {{ row.exclusion_reason }}</p>{% endif %}</td></tr>
    {% endfor %}"""


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def score_line(employee_no, name, composite, partial=False, kpi=None, quality=None, learning=None):
    return ScoreLine(
        1, employee_no, name, "客服一部", "一组 <A&B>", kpi, quality, learning, composite, partial, None
    )


def score_rows():
    return [
        {
            "line": score_line("A0001", NAME, Decimal("87.25"), kpi=Decimal("90.00")),
            "url": "/s/A0001/",
            "missed": [],
        },
        {
            "line": score_line("A0002", "王五", Decimal("0.00"), partial=True, quality=Decimal("70.5")),
            "url": '/s/A"2/',
            "missed": ["满意度 <低>", "投诉率"],
        },
    ]


def coaching_rows():
    def item(kpi, completed):
        return CoachingItem(
            1, "A0001", NAME, date(2026, 10, 1), kpi, kpi, 7, "满意度<提升>", "/m/", None, completed
        )

    return [
        CoachingRow(
            1,
            "A0001",
            NAME,
            "一组 <A&B>",
            [
                CoachingMiss(
                    "satisfaction",
                    "满意度",
                    Decimal("85.50"),
                    Decimal("90"),
                    Decimal("4.50"),
                    False,
                    item("satisfaction", False),
                ),
                CoachingMiss(
                    "complaint", "投诉率<", Decimal("1.20"), Decimal("1.00"), Decimal("0.20"), True, None
                ),
            ],
        ),
        CoachingRow(
            2,
            "A 0002",
            "王五",
            "",
            [
                CoachingMiss(
                    "timeliness",
                    "及时率",
                    Decimal("70"),
                    Decimal("80"),
                    Decimal("10"),
                    False,
                    item("timeliness", True),
                )
            ],
        ),
    ]


def team_rows():
    from assessments.scoring.views import KPI_LABELS

    values = [[100.0, 80.0, 79.9, 50.0], [49.9, 0.0, 66.7, 12.5]]
    return [
        {
            "team": team,
            "people": 7,
            "cells": [
                {"label": KPI_LABELS[code], "value": v} for code, v in zip(KPI_LABELS, vs, strict=True)
            ],
        }
        for team, vs in zip(["一组 <A&B>", "二组"], values, strict=True)
    ]


def star_rows():
    def row(no, name, score, reasons, exclusion=""):
        return StarRow(
            1, no, name, "部", "组", score, None, None, None, False, None, False, reasons, exclusion
        )

    return [
        row("A0001", NAME, Decimal("88.10"), ["too_few_contacts", "no_kpi_data"]),
        row("A0002", "王五", None, ["excluded_by_hr"], exclusion="投诉<核查>中 & 待定"),
        row("A0003", "赵六", Decimal("0.00"), []),
    ]


def test_the_tables_keep_the_templates_markup_in_both_languages():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert tables.score_rows_html(score_rows()) == render(SCORE_ROWS_TEMPLATE, rows=score_rows())
            assert tables.coaching_rows_html(coaching_rows(), month_text="2026-10") == render(
                COACHING_TEMPLATE, coaching=coaching_rows(), month_text="2026-10"
            )
            assert tables.team_rows_html(team_rows()) == render(TEAM_TEMPLATE, team_compliance=team_rows())
            assert star_tables.ineligible_rows_html(star_rows()) == render(
                INELIGIBLE_TEMPLATE, ineligible=star_rows()
            )


def test_names_teams_and_reasons_are_escaped():
    with translation.override("zh-hans"):
        html = (
            tables.score_rows_html(score_rows())
            + tables.coaching_rows_html(coaching_rows(), month_text="2026-10")
            + star_tables.ineligible_rows_html(star_rows())
            + tables.team_rows_html(team_rows())
        )
    assert "<script>" not in html and "&lt;script&gt;" in html and "一组 &lt;A&amp;B&gt;" in html
    assert "投诉&lt;核查&gt;中 &amp; 待定" in html
