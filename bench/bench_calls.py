"""Benchmark of the call-list import (1,000,000 calls of 10,000 agents, a month at that size) and the month's
spot-check draw.

    DJANGO_DEBUG=1 .venv/bin/python -m bench.bench_calls [--quick] [--calls N] [--staff N]

Creates its own throwaway database: a temporary SQLite file, or a `bench_calls` database on the PostgreSQL
server when DATABASE_URL points at PostgreSQL. The import (parse + validate + write, `call_import`) is compared
with its floor in the same run: a bare COPY (PostgreSQL) or executemany insert (SQLite) of the same rows, already
parsed. Also timed: importing the same file again (every call unchanged) and the month's draw with 20 QA
evaluators. One run of each at full size (the import of a million rows is minutes, not seconds); `--quick` is a
smoke run on 20,000 calls. Prints a table and writes JSON to bench/results/.
"""

import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench._db import scratch_database

RESULTS = Path(__file__).resolve().parent / "results"
REPO = RESULTS.parent.parent
TRANSCRIPT = (
    "[00:00] 坐席：您好，很高兴为您服务\\n[00:04] 客户：我的宽带断了\\n"
    "[00:09] 坐席：我先核对一下您的身份\\n[00:40] 坐席：请问还有什么可以帮您"
)


def calls_file_lines(employee_nos: list[str], count: int, *, month: date, seed: int = 1):
    """The lines of a call list (UTF-8 CSV) of `count` calls spread over `employee_nos` and the days of `month`;
    one call in ten has a short transcript, every call a recording link."""
    rng = random.Random(seed)
    channels = ["phone"] * 6 + ["chat"] * 3 + ["email"]
    yield "call_id,employee_no,started_at,duration_s,channel,recording_url,transcript\n"
    staff = len(employee_nos)
    for n in range(count):
        call_id = f"C{month:%Y%m}{n:08d}"
        transcript = f'"{TRANSCRIPT}"'.replace("\\n", "\n") if n % 10 == 0 else ""
        yield (
            f"{call_id},{employee_nos[n % staff]},{month:%Y-%m}-{1 + rng.randrange(28):02d} "
            f"{8 + rng.randrange(12):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d},"
            f"{rng.randint(5, 1800)},{channels[n % 10]},https://rec.example.com/{month:%Y/%m}/{call_id}.mp3,"
            f"{transcript}\n"
        )


# The command run in a child process, timed from after Django's start-up (which the floor does not pay either).
_CHILD = """
import io, json, sys, time
import django
django.setup()
from django.core.management import call_command
out = io.StringIO()
start = time.perf_counter()
call_command("import_calls", sys.argv[1], "--json", stdout=out)
print(json.dumps({"seconds": time.perf_counter() - start, "result": json.loads(out.getvalue())}))
"""


def _import_command(path: Path) -> tuple[float, dict, int]:
    """`manage.py import_calls PATH --json` in its own process, as cron or HR would run it: (seconds, its JSON,
    the peak memory of the child processes so far in MiB)."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        cwd=REPO,
        env={**os.environ, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"import_calls failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["seconds"], report["result"], resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def _peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main(argv=None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv

    def option(name, default):
        return int(argv[argv.index(name) + 1]) if name in argv else default

    count = option("--calls", 20_000 if quick else 1_000_000)
    staff = option("--staff", 1_000 if quick else 10_000)
    vendor = scratch_database("bench_calls")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    settings.DEBUG = False  # no query log growing through the run
    call_command("migrate", verbosity=0)

    from assessments.models import Call, QaSampleDraw, SampledCall
    from assessments.qa.calls_file import calls_file_parse
    from assessments.qa.services import _INSERT_FIELDS, qa_sample_draw
    from assessments.scoring.services import rows_insert
    from bench import synthetic
    from portal.models import User

    october = date(2026, 10, 1)
    ids = synthetic.staff_create_bulk(staff, prefix="S")
    numbers = list(
        User.objects.filter(pk__in=ids).order_by("employee_no").values_list("employee_no", flat=True)
    )
    User.objects.bulk_create(
        [User(employee_no=f"Q{n:04d}", name=f"质检{n}", role="trainer") for n in range(20)], batch_size=100
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench_calls-{vendor}-{count}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(calls_file_lines(numbers, count, month=october))
    file_mib = round(path.stat().st_size / 1024 / 1024, 1)
    rows = []

    def record(what, seconds, baseline, n):
        rows.append(
            {
                "what": what,
                "rows": n,
                "seconds": round(seconds, 3),
                "rows_per_second": round(n / seconds) if seconds else None,
                "baseline_seconds": round(baseline, 3) if baseline is not None else None,
                "ratio_to_baseline": round(seconds / baseline, 2) if baseline else None,
            }
        )
        print(
            f"  {what}: {seconds:.2f} s" + (f" (floor {baseline:.2f} s)" if baseline else ""), file=sys.stderr
        )

    # The import as it runs for HR: the command, in its own process, reading the file from disk.
    connection.close()
    imported, result, import_peak = _import_command(path)
    assert result["created"] == count and not result["errors"], (result["errors"][:3], result)
    floor = "COPY" if vendor == "postgresql" else "executemany"
    again, result, _peak = _import_command(path)
    assert result["unchanged"] == count, result
    record(f"Same call list again, {count:,} calls unchanged (the command)", again, None, count)

    start = time.perf_counter()
    outcome = qa_sample_draw(month=october)
    drawn = time.perf_counter() - start
    assert outcome.drawn == SampledCall.objects.count() > 0
    record(f"Month's draw, {count:,} calls of {staff:,} agents, 20 evaluators", drawn, None, count)

    # The floor: the same rows, parsed beforehand, written by COPY / executemany and nothing else, into the
    # emptied table.
    SampledCall.objects.all().delete()
    QaSampleDraw.objects.all().delete()
    Call.objects.all().delete()
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {Call._meta.db_table}")
    parsed, errors = calls_file_parse(path.read_bytes(), "calls.csv")
    assert not errors, errors[:3]
    staff_by_no = dict(User.objects.values_list("employee_no", "pk"))
    now = timezone.now()
    tuples = [
        (
            r.call_id,
            staff_by_no[r.employee_no],
            r.started_at,
            r.month,
            r.duration_s,
            r.channel,
            r.recording_url,
            r.transcript,
            now,
            now,
        )
        for r in parsed
    ]
    del parsed
    gc.collect()
    start = time.perf_counter()
    with transaction.atomic():
        for offset in range(0, len(tuples), 5_000):
            rows_insert(Call, _INSERT_FIELDS, tuples[offset : offset + 5_000])
    bare = time.perf_counter() - start
    del tuples
    record(
        f"Call list import, {count:,} calls (the command: parse + validate + insert)", imported, bare, count
    )
    rows.insert(0, rows.pop())  # the headline figure first
    path.unlink()

    report = {
        "vendor": vendor,
        "floor": floor,
        "database": connection.settings_dict["NAME"] if vendor == "postgresql" else "temporary SQLite file",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "calls": count,
        "staff": staff,
        "file_mib": file_mib,
        # The import command's own process: the file is read as it goes, so this stays far below the file.
        "import_peak_mib": import_peak,
        "peak_mib": _peak_mib(),
        "results": rows,
    }
    _print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench_calls-{vendor}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\nwritten {out}")
    if vendor == "sqlite":
        connection.close()
        Path(str(connection.settings_dict["NAME"])).unlink(missing_ok=True)
    return report


def _print(report: dict) -> None:
    print(
        f"\nbench_calls on {report['vendor']} ({report['database']}), {report['file_mib']} MiB file; "
        f"peak memory of the import command {report['import_peak_mib']} MiB (this process {report['peak_mib']} MiB)"
    )
    header = f"{'what':<70}{'seconds':>9}{'rows/s':>10}{'floor s':>9}{'× floor':>9}"
    print(header)
    print("-" * len(header))
    for row in report["results"]:
        print(
            f"{row['what']:<70}{row['seconds']:>9.2f}{row['rows_per_second'] or 0:>10,}"
            f"{row['baseline_seconds'] or 0:>9.2f}{row['ratio_to_baseline'] or 0:>9.2f}"
        )


if __name__ == "__main__":
    main()
