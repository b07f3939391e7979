"""Months (portal.months): first days, arithmetic, bounds, YYYY-MM and labels. Pure, no database."""

from datetime import date

import pytest
from django.utils import translation
from django.utils.formats import date_format
from hypothesis import given
from hypothesis import strategies as st

from portal.months import (
    add_months,
    first_of_month,
    last_of_month,
    month_bounds,
    month_label,
    months_up_to,
    parse_month,
)
from portal.tabular.errors import FieldError

OCTOBER = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("day", [date(2026, 10, 1), date(2026, 10, 17), date(2026, 10, 31)])
def test_first_of_month_gives_the_first_day(day):
    assert first_of_month(day) == OCTOBER


def test_adding_months_crosses_years_both_ways_from_any_day():
    assert add_months(date(2026, 10, 31), 1) == date(2026, 11, 1)
    assert add_months(OCTOBER, 3) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 1)
    assert add_months(OCTOBER, -22) == date(2024, 12, 1)
    assert add_months(date(2026, 3, 31), 0) == date(2026, 3, 1)


def test_the_last_day_knows_short_months_and_leap_years():
    assert last_of_month(date(2026, 2, 10)) == date(2026, 2, 28)
    assert last_of_month(date(2028, 2, 1)) == date(2028, 2, 29)
    assert last_of_month(date(2026, 12, 5)) == date(2026, 12, 31)
    assert last_of_month(date(2026, 4, 30)) == date(2026, 4, 30)


def test_month_bounds_are_half_open():
    assert month_bounds(date(2026, 12, 24)) == (date(2026, 12, 1), date(2027, 1, 1))


def test_months_up_to_end_with_the_given_month_oldest_first():
    assert months_up_to(date(2026, 2, 14), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert months_up_to(OCTOBER, 1) == [OCTOBER]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31)), st.integers(-240, 240))
def test_month_arithmetic_agrees_with_bounds(day, count):
    month = add_months(day, count)
    assert month.day == 1 and add_months(month, -count) == first_of_month(day)
    first, following = month_bounds(day)
    assert first <= day < following and (following - last_of_month(day)).days == 1
    assert following == add_months(first, 1) and first_of_month(last_of_month(day)) == first


def test_months_are_yyyy_mm():
    assert parse_month("2026-10") == date(2026, 10, 1)
    assert parse_month(" 2026-02 ") == date(2026, 2, 1)
    for text in ["2026-13", "2026-1", "202610", "2026-10-01", "", "2026/10"]:
        with pytest.raises(FieldError, match="write YYYY-MM"):
            parse_month(text)


def test_a_month_typed_with_a_chinese_ime_is_read_and_a_malformed_one_is_named():
    assert parse_month("２０２６－１０") == OCTOBER
    for text, shown in [("0000-01", "0000-01"), ("2026-00", "2026-00"), ("２０２６年１０月", "2026年10月")]:
        with pytest.raises(FieldError, match=f"'{shown}' is not a month; write YYYY-MM"):
            parse_month(text)
    with translation.override("zh-hans"), pytest.raises(FieldError) as refused:
        parse_month("2026-13")
    assert "YYYY-MM" in refused.value.message and "is not a month" not in refused.value.message


@pytest.mark.parametrize("month", [OCTOBER, date(2027, 1, 1), date(2026, 5, 1)])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_month_label_reads_as_the_templates_write_a_month(month, language):
    with translation.override(language):
        assert month_label(month, language) == date_format(month, "YEAR_MONTH_FORMAT")
    assert month_label(OCTOBER, "zh-hans") == "2026年10月"
    assert month_label(OCTOBER, "en") == "October 2026"
