"""The review page's long table (a page of 100 ineligible people) as HTML built in Python.

A template loop costs about a millisecond a row here (tag and filter lookups, a lazy translation per reason);
the labels are translated once per page and each row is one formatted string, with the templates' markup.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessments.scoring.tables import number
from incentives.selectors import REASON_TEXT


def ineligible_rows_html(rows) -> SafeString:
    """The ineligible list's body: `rows` are `selectors.StarRow`s."""
    reason_items = {
        code: f"<li>{escape(text)}</li>" for code, text in REASON_TEXT.items()
    }  # as {{ text }} did
    hr_reason = _("HR's reason:")
    parts = []
    for row in rows:
        employee_no = escape(row.employee_no)
        reasons = "".join(reason_items[code] for code in row.reasons)
        note = (
            f'<p class="muted">{hr_reason} {escape(row.exclusion_reason)}</p>' if row.exclusion_reason else ""
        )
        parts.append(
            f'\n      <tr data-employee-no="{employee_no}"><td>{employee_no}</td><td>{escape(row.name)}</td>'
            f'<td class="num">{number(row.score) if row.score else "—"}</td>\n'
            f'        <td><ul style="margin:0; padding-left:1.1rem">{reasons}</ul>\n'
            f"          {note}</td></tr>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 (user text escaped above, labels from our catalogue)
