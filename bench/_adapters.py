"""Figures from bench modules that are standalone scripts (`main(argv)` printing a table and writing
`bench/results/<kind>-<timestamp>.json`) rather than `run(ctx)` modules: the runner calls their `main` and
reads the JSON they wrote, so they stay usable on their own (`python -m bench.bench_quiz`)."""

import json
import time
from pathlib import Path

from bench import Context, Figure

RESULTS = Path(__file__).resolve().parent / "results"


def _newest(pattern: str, since: float) -> dict:
    found = [p for p in RESULTS.glob(pattern) if p.stat().st_mtime >= since - 1]
    if not found:
        raise RuntimeError(f"the module wrote no {pattern}")
    return json.loads(max(found, key=lambda p: p.stat().st_mtime).read_text())


def _row(rows: list[dict], *words: str) -> dict | None:
    return next((r for r in rows if all(w in r.get("case", "") for w in words)), None)


def quiz(module, ctx: Context) -> list[Figure]:
    """bench_quiz: start, save one answer, submit and grade a 30-question attempt (in-process, median / p95)."""
    since = time.time()
    module.main(["--attempts", "5" if ctx.quick else "20"])
    data = _newest("quiz-*.json", since)
    figures = []
    for case, label in (("start", "start"), ("autosave", "save one answer"), ("submit", "submit and grade")):
        row = _row(data["rows"], case)
        if row is None:
            figures.append(Figure.missing("quiz", f"Quiz, {data.get('questions', 30)} questions: {label}"))
            continue
        figures.append(
            Figure(
                group="quiz",
                name=f"Quiz, {data.get('questions', 30)} questions: {label}",
                value=row["median_ms"],
                unit="ms",
                higher_is_better=False,
                note=f"p95 {row['p95_ms']} ms over {row['n']}; service calls on a scratch database",
            )
        )
    return figures


def certificates(module, ctx: Context) -> list[Figure]:
    """bench_certificates: the portal's renderer, PAdES signature included, against bare WeasyPrint on the same
    HTML (target ≤ 1.3×)."""
    since = time.time()
    module.main(["--repeat", "1" if ctx.quick else "3", "--batch", "200"])
    data = _newest("certificates-*.json", since)
    rows = data["rows"]
    figures = []
    for words, label in (
        (("1 certificate",), "one"),
        (("in one document",), f"{data.get('batch', 200)} in one PDF"),
    ):
        ours = next(
            (r for r in rows if r["case"].startswith("portal") and all(w in r["case"] for w in words)), None
        )
        bare = next(
            (r for r in rows if r["case"].startswith("bare") and all(w in r["case"] for w in words)), None
        )
        if ours is None or bare is None:
            figures.append(Figure.missing("certificates", f"Certificate PDF, {label}"))
            continue
        figures.append(
            Figure(
                group="certificates",
                name=f"Certificate PDF (signed), {label}",
                value=ours["seconds"],
                unit="s",
                baseline_name="bare WeasyPrint",
                baseline=bare["seconds"],
                higher_is_better=False,
                target_ratio=1.3,
                note=f"{ours['bytes'] / 1024:.0f} KiB; peak memory {data.get('peak_mib', '?')} MiB",
            )
        )
    return figures


def scores(module, ctx: Context) -> list[Figure]:
    """bench_scores: KPI import against COPY (PostgreSQL, ≤ 2×) or bulk_create (SQLite, ≤ 1.5×) of the same
    rows, and one month's scores against one hand-written SQL aggregate (≤ 2×), for the run's number of staff.
    It makes its own database."""
    report = module.main(["--staff", str(ctx.staff)] + (["--quick"] if ctx.quick else []))
    floor = "COPY" if report.get("vendor") == "postgresql" else "bulk_create"
    import_target = 2.0 if report.get("vendor") == "postgresql" else 1.5
    figures = []
    for row in report.get("results", []):
        what = row["what"]
        limit = None
        if "monthly_scores_compute" in what:
            baseline_name, target = "one SQL aggregate", 2.0
        elif "Service Star proposal" in what:
            baseline_name, target, limit = "", None, 1.0
        elif "KPI API POST" in what:
            baseline_name, target = "the CSV import of the same rows", 1.5
        elif "parse + validate + insert" in what:
            baseline_name, target = f"bare {floor}", import_target
        else:
            baseline_name, target = f"bare {floor}", None
        rate = row.get("rows_per_second")
        figures.append(
            Figure(
                group="scores",
                name=what,
                value=row["seconds"],
                unit="s",
                baseline_name=baseline_name,
                baseline=row.get("baseline_seconds"),
                higher_is_better=False,
                target_ratio=target,
                limit=limit,
                note=f"{rate:,} rows/s" if rate else "",
                extra={"key": row["key"]} if "key" in row else {},
            )
        )
    return figures


def calls(module, ctx: Context) -> list[Figure]:
    """bench_calls: the call-list import of 1,000,000 calls against COPY (PostgreSQL, ≤ 10×) or executemany
    (SQLite, ≤ 10×) of the same parsed rows; the re-import and the month's draw beside it. Its own database."""
    report = module.main(["--quick"] if ctx.quick else [])
    figures = []
    for row in report.get("results", []):
        is_import = "parse + validate + insert" in row["what"]
        rate = row.get("rows_per_second")
        figures.append(
            Figure(
                group="calls",
                name=row["what"],
                value=row["seconds"],
                unit="s",
                baseline_name=f"bare {report.get('floor', 'COPY')}" if is_import else "",
                baseline=row.get("baseline_seconds") if is_import else None,
                higher_is_better=False,
                target_ratio=10.0 if is_import else None,
                note=(f"{rate:,} rows/s; " if rate else "")
                + f"{report.get('file_mib')} MiB file, the import command's peak memory "
                + f"{report.get('import_peak_mib')} MiB",
            )
        )
    return figures


ADAPTERS = {
    "bench_quiz": quiz,
    "bench_certificates": certificates,
    "bench_scores": scores,
    "bench_calls": calls,
}
# Modules that point DATABASE_URL at a throwaway database themselves, before Django starts.
SETS_UP_ITS_OWN_DATABASE = {"bench_scores", "bench_calls"}
