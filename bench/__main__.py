"""`python -m bench` (`make bench`): every benchmark module, one table, JSON and markdown in bench/results/.

    python -m bench [--quick] [--runs 3] [--duration 5] [--staff 10000[,50000]] [--months 12] [--seed 1]
                    [--only pages,bench_scores] [--fresh]
    python -m bench --compare bench/results/latest-postgresql-10000s.json,bench/results/latest-postgresql-50000s.json

With several sizes (`--staff 10000,50000`) each runs in turn, then a growth table shows every figure at both
sizes with how many times its cost grew (bench/results/growth-VENDOR.md; bench/_growth.py has the goals).

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
from bench import _growth as growth
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


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--staff takes numbers separated by commas, not {text!r}") from None
    if not sizes or min(sizes) < 50:
        raise argparse.ArgumentTypeError("--staff needs one or more sizes of at least 50")
    return sizes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one short run of each figure (a smoke run)")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 3; 1 with --quick)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per wrk run (default 5)")
    parser.add_argument(
        "--staff",
        type=_sizes,
        default=[10000],
        help="company size; several separated by commas (10000,50000) run in turn, then the growth table",
    )
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated module names")
    parser.add_argument("--fresh", action="store_true", help="regenerate the synthetic company")
    parser.add_argument("--prepare-only", action="store_true", help="generate the company, measure nothing")
    parser.add_argument(
        "--compare",
        default="",
        metavar="A.json,B.json[,…]",
        help="measure nothing: the growth table of stored results of two sizes (bench/results/*-Ns*.json); "
        "results of one size from runs of different modules are put together",
    )
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.compare:
        by_size: dict[int, dict] = {}
        for path in (Path(p) for p in args.compare.split(",") if p):
            payload = json.loads(path.read_text())
            if payload["staff"] in by_size:  # runs of other modules at the same size: one set of figures
                by_size[payload["staff"]]["figures"] += payload["figures"]
            else:
                by_size[payload["staff"]] = payload
        if len(by_size) != 2:
            parser.error("--compare takes JSON results of two company sizes, separated by commas")
        growth_write(*(by_size[size] for size in sorted(by_size)))
        return 0
    modules = discover([m for m in args.only.split(",") if m])
    payloads = []
    failed = False
    for staff in sorted(set(args.staff)):
        payload = run_size(args, staff, modules)
        if payload is None:
            return 0
        payloads.append(payload)
        failed = failed or bool(payload["errors"])
    for small, large in zip(payloads, payloads[1:], strict=False):
        growth_write(small, large)
    return 1 if failed else 0


def growth_write(small: dict, large: dict) -> None:
    """Print the growth table of two runs and write it to bench/results/growth-VENDOR.md (and latest.md)."""
    rows = growth.rows(small, large)
    head = growth.header(small, large)
    print()
    print(head.replace("**", ""))
    print(plain(rows))
    text = markdown(rows, head)
    (RESULTS / f"growth-{large['vendor']}.md").write_text(text)
    latest = RESULTS / "latest.md"
    latest.write_text((latest.read_text() + "\n" if latest.exists() else "") + text)
    print(f"\nWritten: bench/results/growth-{large['vendor']}.md")


def run_size(args, staff: int, modules: list[str]) -> dict | None:
    """Every module at one company size: prints the table, writes the JSON and markdown, returns the JSON."""
    runs = args.runs or (1 if args.quick else 3)
    duration = args.duration or (2 if args.quick else 5)
    base_url = os.environ.get("DATABASE_URL", "")
    vendor = vendor_of(base_url)
    started = time.perf_counter()
    today = datetime.now().astimezone()
    print(
        f"Benchmark on {vendor}: preparing {staff} staff × {args.months} months (seed {args.seed})…",
        flush=True,
    )
    url, generated = prepare_company(
        vendor=vendor,
        base_url=base_url,
        results_dir=RESULTS,
        staff=staff,
        months=args.months,
        seed=args.seed,
        month=today.strftime("%Y-%m"),
        fresh=args.fresh,
    )
    print("  synthetic company " + ("generated" if generated else "reused (unchanged inputs)"), flush=True)
    if args.prepare_only:
        return None
    # Only the pages compare with the bare Wagtail site.
    baseline_url = (
        recreate(vendor, base_url, "portal_bench_bare_wagtail", RESULTS) if "pages" in modules else ""
    )
    info = machine(vendor, url)
    ctx = Context(
        vendor=vendor,
        runs=runs,
        duration=duration,
        quick=args.quick,
        staff=staff,
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
        f"{staff:,} staff × {args.months} months · median of {runs} run(s)"
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
        "staff": staff,
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
    for name in (
        f"bench-{vendor}-{staff}s-{stamp}.json",
        f"latest-{vendor}-{staff}s.json",
        f"latest-{vendor}.json",
    ):
        (RESULTS / name).write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    text = markdown(rows, header)
    for name in (f"latest-{vendor}-{staff}s.md", f"latest-{vendor}.md", "latest.md"):
        (RESULTS / name).write_text(text)
    print(
        f"\nWritten: bench/results/latest.md, bench/results/latest-{vendor}-{staff}s.{{md,json}} "
        f"({payload['seconds']} s)"
    )
    return payload


if __name__ == "__main__":
    sys.exit(main())
