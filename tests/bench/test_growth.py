"""The growth table of `make bench --staff 10000,50000`: each figure at both sizes, its growth and goal."""

from bench import Figure
from bench._growth import rows


def _run(staff: int, *figures: Figure) -> dict:
    return {
        "staff": staff,
        "vendor": "postgresql",
        "when": "2026-12-06T15:00",
        "figures": [f.as_json() for f in figures],
    }


def _scores(seconds: float, what: str, key: str = "monthly_scores") -> Figure:
    return Figure(
        group="scores", name=what, value=seconds, unit="s", higher_is_better=False, extra={"key": key}
    )


def _page(rps: float, queries: int, bare: float = 300.0) -> Figure:
    return Figure(
        group="pages",
        name="HR month overview — req/s",
        value=rps,
        unit="req/s",
        baseline_name="bare Wagtail page",
        baseline=bare,
        target_ratio=0.30,
        extra={"queries": queries},
    )


def _row(table, label):
    return next(row for row in table if row[0].startswith(label))


def test_a_computation_passes_when_it_grows_at_most_linearly():
    table = rows(
        _run(10000, _scores(0.2, "monthly_scores_compute, 10,000 staff")),
        _run(50000, _scores(1.0, "monthly_scores_compute, 50,000 staff")),
    )
    assert table[0][1:3] == ["10,000 staff", "50,000 staff"]
    row = _row(table, "monthly_scores_compute")
    assert row[1:6] == ["0.200 s", "1.00 s", "5.00×", "≤ 5.5× (linear)", "pass"]


def test_a_computation_that_grows_faster_than_the_staff_fails():
    table = rows(
        _run(10000, _scores(0.2, "Service Star proposal, 10,000 staff", "star_proposal")),
        _run(50000, _scores(1.2, "Service Star proposal, 50,000 staff", "star_proposal")),
    )
    assert _row(table, "Service Star proposal")[3:6] == ["6.00×", "≤ 5.5× (linear)", "FAIL"]


def test_a_page_fails_when_its_query_count_grows_or_it_falls_below_its_target():
    same = rows(_run(10000, _page(150, 12)), _run(50000, _page(120, 12)))
    assert _row(same, "HR month overview")[2:6] == [
        "120 req/s (40%), 12 queries",
        "1.25×",
        same[1][4],
        "pass",
    ]
    more_queries = rows(_run(10000, _page(150, 12)), _run(50000, _page(120, 14)))
    assert _row(more_queries, "HR month overview")[5:] == ["FAIL", "queries 12 → 14"]
    slow = rows(_run(10000, _page(150, 12)), _run(50000, _page(30, 12)))
    assert _row(slow, "HR month overview")[5] == "FAIL"


def test_a_pages_growth_is_read_against_the_bare_wagtail_page_of_its_run():
    # The whole machine twice as slow in the second run: the page kept its share of the baseline.
    table = rows(_run(10000, _page(150, 12, bare=300)), _run(50000, _page(75, 12, bare=150)))
    assert _row(table, "HR month overview")[3] == "1.00×"
