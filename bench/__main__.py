"""`python -m bench` (`make bench`): every benchmark module, one table, JSON and markdown in bench/results/.

    python -m bench [--quick] [--runs 3] [--duration 5] [--staff 10000] [--months 12] [--seed 1]
                    [--only pages,bench_scores] [--fresh]

The database is SQLite unless DATABASE_URL names a PostgreSQL server (the benchmark then creates its own
databases beside the named one). See bench/__init__.py for what a module provides.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench import Context, Figure, fmt, repo_dir
from bench._db import database_version, prepare_company, recreate, vendor_of

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results"
# Modules run in this order; any other bench module found is run after them.
ORDER = ["pages", "bench_scores", "bench_calls", "bench_quiz", "quiz", "bench_certificates"]
# Modules that write test data of their own get an empty scratch database instead of the synthetic company.
SCRATCH_DB = {"bench_quiz"}
NOT_MODULES = {"settings", "synthetic"}  # synthetic: bench_scores's data helper
MODULE_TIMEOUT = 45 * 60


def discover(only: list[str] | None) -> list[str]:
    found = {
        p.stem for p in BENCH_DIR.glob("*.py") if not p.stem.startswith("_") and p.stem not in NOT_MODULES
    }
    names = [n for n in ORDER if n in found] + sorted(found - set(ORDER))
    if only:
        unknown = set(only) - found
        if unknown:
            sys.exit(f"Unknown bench module(s): {', '.join(sorted(unknown))}. Known: {', '.join(names)}")
        names = [n for n in names if n in only]
    return names


def machine(vendor: str, url: str) -> dict:
    import django
    import wagtail

    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory": memory,
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "database": database_version(vendor, url),
        "os": platform.platform(terse=True),
    }


def run_module(name: str, ctx: Context, env: dict) -> tuple[list[Figure], str | None]:
    with tempfile.TemporaryDirectory() as scratch:
        context_path = Path(scratch) / "context.json"
        out_path = Path(scratch) / "figures.json"
        context_path.write_text(json.dumps(ctx.__dict__))
        try:
            process = subprocess.run(
                [sys.executable, "-m", "bench._child", name, str(context_path), str(out_path)],
                cwd=repo_dir(),
                env=env,
                stderr=subprocess.PIPE,
                text=True,
                timeout=MODULE_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return [], f"timed out after {MODULE_TIMEOUT} s"
        sys.stderr.write(process.stderr)
        if process.returncode != 0 or not out_path.exists():
            tail = [line for line in process.stderr.strip().splitlines() if line.strip()][-1:] or [
                "no output"
            ]
            return [], f"exit {process.returncode}: {tail[0][:200]}"
        return [Figure.from_json(row) for row in json.loads(out_path.read_text())], None


def table(figures: list[Figure]) -> list[list[str]]:
    rows = [["figure", "value", "baseline", "ratio", "target", "result", "notes"]]
    for f in figures:
        if f.extra.get("error"):
            result = "ERROR"
        elif f.passed is None:
            result = "n/a" if f.available else "not available"
        else:
            result = "pass" if f.passed else "FAIL"
        value = f"{fmt(f.value)} {f.unit}".strip() if f.value is not None else "—"
        baseline = f"{fmt(f.baseline)} {f.unit} ({f.baseline_name})" if f.baseline is not None else "—"
        ratio = "—" if f.ratio is None else (f"{f.ratio:.0%}" if f.higher_is_better else f"{f.ratio:.2f}×")
        rows.append([f.name, value, baseline, ratio, f.target_text or "—", result, f.note])
    return rows


def markdown(rows: list[list[str]], header: str) -> str:
    def cell(text):
        return str(text).replace("|", "\\|")

    lines = [header, "", "| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows[1:]]
    return "\n".join(lines) + "\n"


def plain(rows: list[list[str]]) -> str:
    widths = [min(60, max(len(r[i]) for r in rows)) for i in range(len(rows[0]) - 1)]
    out = []
    for n, row in enumerate(rows):
        cells = [row[i][: widths[i]].ljust(widths[i]) for i in range(len(widths))]
        out.append("  ".join(cells) + "  " + row[-1])
        if n == 0:
            out.append("  ".join("-" * w for w in widths) + "  " + "-" * 5)
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one short run of each figure (a smoke run)")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 3; 1 with --quick)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per wrk run (default 5)")
    parser.add_argument("--staff", type=int, default=10000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated module names")
    parser.add_argument("--fresh", action="store_true", help="regenerate the synthetic company")
    parser.add_argument("--prepare-only", action="store_true", help="generate the company, measure nothing")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    duration = args.duration or (2 if args.quick else 5)
    modules = discover([m for m in args.only.split(",") if m])

    base_url = os.environ.get("DATABASE_URL", "")
    vendor = vendor_of(base_url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    today = datetime.now().astimezone()
    print(
        f"Benchmark on {vendor}: preparing {args.staff} staff × {args.months} months (seed {args.seed})…",
        flush=True,
    )
    url, generated = prepare_company(
        vendor=vendor,
        base_url=base_url,
        results_dir=RESULTS,
        staff=args.staff,
        months=args.months,
        seed=args.seed,
        month=today.strftime("%Y-%m"),
        fresh=args.fresh,
    )
    print("  synthetic company " + ("generated" if generated else "reused (unchanged inputs)"), flush=True)
    if args.prepare_only:
        return 0
    # Only the pages compare with the bare Wagtail site.
    baseline_url = (
        recreate(vendor, base_url, "portal_bench_bare_wagtail", RESULTS) if "pages" in modules else ""
    )
    os.environ["DATABASE_URL"] = url
    info = machine(vendor, url)
    ctx = Context(
        vendor=vendor,
        runs=runs,
        duration=duration,
        quick=args.quick,
        staff=args.staff,
        months=args.months,
        seed=args.seed,
        database_url=url,
        results_dir=str(RESULTS),
        repo_dir=repo_dir(),
        extra={"baseline_database_url": baseline_url},
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    figures: list[Figure] = []
    errors: dict[str, str] = {}
    for name in modules:
        print(f"[{name}]", flush=True)
        module_env = env
        if name in SCRATCH_DB:
            scratch_url = recreate(vendor, base_url, "portal_bench_scratch", RESULTS)
            module_env = {**env, "DATABASE_URL": scratch_url}
        module_figures, error = run_module(name, ctx, module_env)
        figures += module_figures
        if error:
            errors[name] = error
            figures.append(
                Figure(
                    group=name, name=f"{name}: failed", value=None, unit="", note=error, extra={"error": True}
                )
            )

    header = (
        f"**{vendor}** · {info['database']} · {info['nproc']} CPUs ({info['cpu']}), {info['memory']} · "
        f"Python {info['python']}, Django {info['django']}, Wagtail {info['wagtail']} · "
        f"{args.staff:,} staff × {args.months} months · median of {runs} run(s)"
        + (f", {duration:g} s per wrk run" if "pages" in modules else "")
        + f" · {today:%Y-%m-%d %H:%M %Z}"
    )
    rows = table(figures)
    print()
    print(header.replace("**", ""))
    print(plain(rows))
    stamp = today.strftime("%Y%m%dT%H%M%S")
    payload = {
        "when": today.isoformat(),
        "vendor": vendor,
        "machine": info,
        "staff": args.staff,
        "months": args.months,
        "seed": args.seed,
        "runs": runs,
        "duration": duration,
        "quick": args.quick,
        "modules": modules,
        "errors": errors,
        "seconds": round(time.perf_counter() - started, 1),
        "figures": [f.as_json() for f in figures],
    }
    for name in (f"bench-{vendor}-{stamp}.json", f"latest-{vendor}.json"):
        (RESULTS / name).write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    text = markdown(rows, header)
    for name in (f"latest-{vendor}.md", "latest.md"):
        (RESULTS / name).write_text(text)
    print(
        f"\nWritten: bench/results/latest.md, bench/results/latest-{vendor}.{{md,json}} ({payload['seconds']} s)"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
