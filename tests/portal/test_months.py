"""Months (portal.months): first days, arithmetic, bounds, YYYY-MM and labels. Pure, no database."""

from datetime import date

import pytest
from django.utils import translation

from portal.months import parse_month
from portal.tabular.errors import FieldError


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def test_months_are_yyyy_mm():
    assert parse_month("2026-10") == date(2026, 10, 1)
    assert parse_month(" 2026-02 ") == date(2026, 2, 1)
    for text in ["2026-13", "2026-1", "202610", "2026-10-01", "", "2026/10"]:
        with pytest.raises(FieldError, match="write YYYY-MM"):
            parse_month(text)
