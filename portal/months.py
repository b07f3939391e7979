"""Months, written one way everywhere: a month is the date of its first day, as every model stores it.

Pure (no ORM, no clock: today comes in as an argument), so rules may use it. Every month in the portal is an
Asia/Shanghai calendar month of dates; a date's month is `first_of_month(date)`.
"""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from portal.tabular.errors import FieldError
from portal.tabular.fields import half_width

_ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def first_of_month(day: date) -> date:
    """The first day of `day`'s month: the form in which a month is passed and stored."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after `month`'s (before it when `count` is negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_of_month(day: date) -> date:
    """The last day of `day`'s month."""
    return add_months(day, 1) - timedelta(days=1)


def month_bounds(month: date) -> tuple[date, date]:
    """First day of `month` and first day of the next month: the half-open range of its dates."""
    return first_of_month(month), add_months(month, 1)


def months_up_to(month: date, count: int) -> list[date]:
    """The `count` months ending with `month`'s, oldest first."""
    return [add_months(month, -offset) for offset in range(count - 1, -1, -1)]


def parse_month(text: str) -> date:
    """A month written YYYY-MM (full-width digits count as ASCII), as its first day.

    Raises `FieldError` with a translated message for anything else ("2026-13", "2026-1", "2026/10", "").
    """
    text = half_width(text)
    if len(text) == 7 and text.isascii() and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        try:
            return date(int(text[:4]), int(text[5:]), 1)
        except ValueError:
            pass
    raise FieldError(_("%(value)r is not a month; write YYYY-MM, e.g. 2026-10.") % {"value": text})


def month_label(month: date, language: str) -> str:
    """The month as people read it: "2026年10月" in Chinese, "October 2026" in English.

    The same text as a template's `date:"YEAR_MONTH_FORMAT"` in those languages; `language` is a language code
    ("zh-hans", "en"), any Chinese one giving the Chinese form.
    """
    if language.lower().startswith("zh"):
        return f"{month.year}年{month.month}月"
    return f"{_ENGLISH_MONTHS[month.month - 1]} {month.year}"
