"""Property of the KPI parser: every row is either parsed to exactly its values or reported by its line."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring.kpi_file import kpi_file_parse
from tests.assessments.scoring_helpers import kpi_csv

GOOD_RATE = st.decimals(min_value=0, max_value=100, places=2).map(str)
BAD_RATE = st.sampled_from(["100.01", "-1", "95%", "NaN", "1.23E+1", "12.345", "abc", ""])
GOOD_COUNT = st.integers(min_value=0, max_value=10_000).map(str)
BAD_COUNT = st.sampled_from(["-1", "1.5", "x", ""])


@st.composite
def rows(draw):
    good = draw(st.booleans())
    rate, count = (GOOD_RATE, GOOD_COUNT) if good else (st.one_of(GOOD_RATE, BAD_RATE), BAD_COUNT)
    return good, [draw(count), draw(rate), draw(rate), draw(rate), draw(rate), draw(GOOD_COUNT)]


@settings(max_examples=60, deadline=None)
@given(st.lists(rows(), min_size=1, max_size=12))
def test_each_row_is_parsed_exactly_or_reported_by_its_line(drawn):
    lines = [",".join([f"E{n:05d}", *cells]) for n, (_good, cells) in enumerate(drawn)]
    parsed, errors = kpi_file_parse(kpi_csv(*lines, encoding="gb18030"), "k.csv")
    by_line = {row.line: row for row in parsed}
    error_lines = {error.line for error in errors}
    for n, (good, cells) in enumerate(drawn):
        line = n + 2
        if good:
            row = by_line[line]
            assert row.contacts_handled == int(cells[0])
            assert row.response_timeliness_rate == Decimal(cells[1])
            assert row.complaint_rate == Decimal(cells[4]) and line not in error_lines
        else:
            assert line in error_lines and line not in by_line
