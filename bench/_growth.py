"""Growth: the same figures of two runs at different company sizes side by side (`--staff 10000,50000`, or
`--compare` of two stored JSON results).

Growth is how many times a figure's cost grew: seconds at the larger size over seconds at the smaller one, or
for a page its time per request relative to the bare Wagtail page of the same run (its ratio at the smaller
size over its ratio at the larger), since two runs on a shared machine drift apart. Goals: the
month's scores, the KPI imports and the Service Star proposal grow at most linearly with the staff (≤ 1.1 × the
size ratio: 5.5× for 5× the staff); a page keeps its query count and its target ratio at the larger size.
"""

from bench import Figure, fmt

# bench_scores figures (by key) whose cost should grow at most linearly with the staff, and their labels
# without the run's row counts.
LINEAR = {
    "kpi_import": "KPI import, one row per person (parse + validate + insert)",
    "kpi_import_scored": "KPI import, one row per person, then the month's scores",
    "kpi_api": "KPI API POST, one JSON row per person, then the month's scores",
    "monthly_scores": "monthly_scores_compute, every scored person",
    "star_proposal": "Service Star proposal, after scoring",
    "kpi_import_large": "KPI import, 100,000 rows (parse + validate + insert)",
}
LINEAR_SLACK = 1.1


def _key(figure: Figure) -> str:
    return figure.extra.get("key") or figure.name


def _cell(figure: Figure | None) -> str:
    if figure is None or figure.value is None:
        return "—"
    text = f"{fmt(figure.value)} {figure.unit}".strip()
    if figure.group == "pages" and figure.ratio is not None:
        text += f" ({figure.ratio:.0%})"
    if "queries" in figure.extra:
        text += f", {figure.extra['queries']} queries"
    return text


def _growth(small: Figure, large: Figure) -> float | None:
    if small.value is None or large.value is None or not small.value or not large.value:
        return None
    if small.group == "pages" and small.ratio and large.ratio:
        # Against the bare Wagtail page of the same run: two runs on a shared machine drift more than this.
        return small.ratio / large.ratio
    return large.value / small.value if not small.higher_is_better else small.value / large.value


def rows(small_run: dict, large_run: dict) -> list[list[str]]:
    """The growth table (header first) of two bench JSON payloads, the smaller company first."""
    small_staff, large_staff = small_run["staff"], large_run["staff"]
    size_ratio = large_staff / small_staff
    linear_limit = LINEAR_SLACK * size_ratio
    small = {_key(f): f for f in map(Figure.from_json, small_run["figures"])}
    large = [Figure.from_json(data) for data in large_run["figures"]]
    table = [
        ["figure", f"{small_staff:,} staff", f"{large_staff:,} staff", "growth", "goal", "result", "notes"]
    ]
    for figure in large:
        if figure.extra.get("error"):  # a module that failed: its own run's table says why
            continue
        key = _key(figure)
        before = small.get(key)
        growth = None if before is None else _growth(before, figure)
        goal, verdicts, notes = "—", [], []
        if key in LINEAR:
            goal = f"≤ {linear_limit:.1f}× (linear)"
            if growth is not None:
                verdicts.append(growth <= linear_limit)
        elif figure.group == "pages" and not figure.name.startswith("baseline"):
            goal = f"same queries, {figure.target_text} at {large_staff:,}" if figure.target_text else "—"
            if before is not None and "queries" in figure.extra and "queries" in before.extra:
                same = figure.extra["queries"] == before.extra["queries"]
                verdicts.append(same)
                if not same:
                    notes.append(f"queries {before.extra['queries']} → {figure.extra['queries']}")
            if figure.passed is not None:
                verdicts.append(figure.passed)
                if not figure.passed:
                    notes.append(f"{figure.ratio:.0%} of the bare Wagtail page at {large_staff:,}")
        result = "n/a" if not verdicts else ("pass" if all(verdicts) else "FAIL")
        if growth is None and before is None:
            notes.append(f"not measured at {small_staff:,}")
        table.append(
            [
                LINEAR.get(key, figure.name),
                _cell(before),
                _cell(figure),
                "—" if growth is None else f"{growth:.2f}×",
                goal,
                result,
                "; ".join(notes),
            ]
        )
    return table


def header(small_run: dict, large_run: dict) -> str:
    info = large_run.get("machine", {})
    return (
        f"**Growth, {small_run['staff']:,} → {large_run['staff']:,} staff** on {large_run['vendor']} · "
        f"{info.get('database', '?')} · {info.get('nproc', '?')} CPUs ({info.get('cpu', '?')}) · "
        f"runs of {small_run['when'][:16]} and {large_run['when'][:16]} · growth = how many times the cost "
        "(seconds; for a page its time per request against the bare Wagtail page of its run) grew"
    )
