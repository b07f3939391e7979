"""Benchmarks: `make bench` (SQLite) or `DATABASE_URL=postgres://... make bench` (PostgreSQL).

Every figure is measured beside its baseline in the same run and reported as the median of several runs with
the ratio, because absolute times on a shared machine drift (shared/perf-notes.md).

A bench module is `bench/<name>.py` with

    def run(ctx: bench.Context) -> list[bench.Figure]

The runner (`python -m bench`) prepares the benchmark database (a synthetic company from
`generate_scale_data`, kept between runs while its inputs do not change), then runs each module in its own
process with Django set up on that database (settings `bench.settings`), collects the figures, prints one table
and writes JSON and markdown to bench/results/. A module that has nothing to measure yet returns figures
with `Figure.missing(...)`; a module that fails is reported as failed and the others still run.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass
class Figure:
    """One measured figure beside its baseline.

    `ratio` is value / baseline, or `paired_ratio` when given: the median of the ratios of runs paired in time
    (each page against the baseline measured in the same round), which drift between rounds cannot skew. With
    `higher_is_better` (throughput), the target is a minimum ratio;
    otherwise (time) a maximum ratio. `limit` is an absolute bound instead of (or beside) a ratio, in the
    value's unit, e.g. "under 1 s".
    """

    group: str
    name: str
    value: float | None
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    higher_is_better: bool = True
    target_ratio: float | None = None
    limit: float | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)
    available: bool = True
    paired_ratio: float | None = None

    @classmethod
    def missing(cls, group: str, name: str, note: str = "not available") -> "Figure":
        return cls(group=group, name=name, value=None, unit="", note=note, available=False)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        if self.paired_ratio is not None:
            return self.paired_ratio
        return self.value / self.baseline

    @property
    def passed(self) -> bool | None:
        if self.value is None:
            return None
        verdicts = []
        if self.target_ratio is not None and self.ratio is not None:
            verdicts.append(
                self.ratio >= self.target_ratio if self.higher_is_better else self.ratio <= self.target_ratio
            )
        if self.limit is not None:
            verdicts.append(self.value >= self.limit if self.higher_is_better else self.value <= self.limit)
        return all(verdicts) if verdicts else None

    @property
    def target_text(self) -> str:
        parts = []
        if self.target_ratio is not None:
            if self.higher_is_better:
                parts.append(f"≥ {self.target_ratio:.0%}")
            else:
                parts.append(f"≤ {self.target_ratio:g}×")
        if self.limit is not None:
            parts.append(f"{'≥' if self.higher_is_better else '≤'} {fmt(self.limit)} {self.unit}")
        return ", ".join(parts)

    def as_json(self) -> dict:
        data = asdict(self)
        data.update(ratio=self.ratio, passed=self.passed, target=self.target_text)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Figure":
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**fields)


@dataclass
class Context:
    """What a bench module needs to know about the run."""

    vendor: str  # "sqlite" or "postgresql"
    runs: int
    duration: float  # seconds per wrk run
    quick: bool
    staff: int
    months: int
    seed: int
    database_url: str
    results_dir: str
    repo_dir: str
    extra: dict = field(default_factory=dict)

    def log(self, message: str) -> None:
        print(f"  {message}", file=sys.stderr, flush=True)


def fmt(value: float | None) -> str:
    """A figure for a table: 3 significant digits, thousands separated."""
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def timed(fn: Callable, *args, **kwargs) -> tuple[float, object]:
    """Seconds taken by one call, and its result."""
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def median_seconds(fn: Callable, runs: int, *, setup: Callable | None = None) -> float:
    """Median wall time of `runs` calls of `fn` (each after `setup()`, which is not timed)."""
    times = []
    for _ in range(runs):
        if setup is not None:
            setup()
        seconds, _ = timed(fn)
        times.append(seconds)
    return statistics.median(times)


def percentile(values: list[float], pct: float) -> float:
    """The `pct` percentile (0–100) by the nearest-rank method."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def repo_dir() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
