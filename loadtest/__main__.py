"""`make loadtest` (`python -m loadtest`): the exam window against gunicorn + PostgreSQL on 127.0.0.1.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m loadtest [--users 300,600,1000]
        [--spawn-rate 10] [--start-spread 20] [--minutes 5] [--workers N] [--worker-class gthread] [--threads 4]

It creates its own database beside the one DATABASE_URL names (`portal_loadtest`, recreated each run),
generates a small synthetic company, gives N agents a known password (MD5-hashed: loadtest/settings.py), imports
a 30-question bank and creates a 60-minute quiz, serves the portal with gunicorn as deployed
(deploy/gunicorn.conf.py), and runs locust headless (one process, FastHttpUser): N learners log in, start the quiz,
save an answer every 2–4 s and submit. Afterwards it checks in the database that every answer the server
acknowledged is stored, and prints p95 of answer saves and heartbeats, errors and lost answers against the target
(p95 ≤ 300 ms, no errors, nothing lost), the start's wait, and the CPU each request cost the app, the database and
locust. The --users values run smallest first until one fails; the largest that holds is reported.
"""

import argparse
import csv
import importlib.util
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench._db import recreate, vendor_of
from bench._http import GUNICORN_CONF, Gunicorn, fetch

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
P95_TARGET_MS = 300
DB_NAME = "portal_loadtest"


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)


def _gunicorn_conf():
    """deploy/gunicorn.conf.py's values (its defaults, or the GUNICORN_* environment): the load test runs the
    portal as deployed."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _cpu_seconds(pids: list[int]) -> float:
    return sum(_proc_cpu(pid) for pid in pids)


def _children(parent: int) -> list[int]:
    """The gunicorn workers under the master."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return pids


def _db_backend_cpu() -> float:
    """CPU seconds of the PostgreSQL backends serving the load-test database (same host)."""
    total = 0.0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().decode(errors="replace")
        except OSError:
            continue
        if text.startswith("postgres: ") and f" {DB_NAME} " in text:
            total += _proc_cpu(int(cmdline.parent.name))
    return total


def _waited_children_cpu() -> float:
    """CPU seconds of the child processes this process has waited for (locust, once its run ends)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _django(args: list[str], env: dict) -> None:
    subprocess.run([sys.executable, *args], cwd=REPO, env=env, check=True)


def _stats(prefix: Path) -> dict:
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = row
    failures = []
    failures_path = Path(f"{prefix}_failures.csv")
    if failures_path.exists():
        with open(failures_path, newline="") as handle:
            failures = [
                {"name": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])}
                for r in csv.DictReader(handle)
            ]

    def number(row, key):
        value = row.get(key, "") if row else ""
        return float(value) if value not in ("", "N/A") else None

    save = rows.get("save answer")
    beat = rows.get("heartbeat")
    start = rows.get("start")
    total = rows.get("Aggregated")
    return {
        "requests": int(number(total, "Request Count") or 0),
        "failures": int(number(total, "Failure Count") or 0),
        "requests_per_s": number(total, "Requests/s"),
        "saves": int(number(save, "Request Count") or 0),
        "save_failures": int(number(save, "Failure Count") or 0),
        "save_p50_ms": number(save, "50%"),
        "save_p95_ms": number(save, "95%"),
        "save_p99_ms": number(save, "99%"),
        "heartbeats": int(number(beat, "Request Count") or 0),
        "heartbeat_p95_ms": number(beat, "95%"),
        "start_p95_ms": number(start, "95%"),
        "start_max_ms": number(start, "Max Response Time"),
        "by_request": {
            name: {"count": int(number(r, "Request Count") or 0), "p95_ms": number(r, "95%")}
            for name, r in rows.items()
            if name != "Aggregated"
        },
        "failure_messages": failures[:10],
    }


def run_step(users: int, args, env: dict, setup: dict, scratch: Path) -> dict:
    setup_path = scratch / f"setup-{users}.json"
    setup_path.write_text(json.dumps(setup))
    saves_path = scratch / f"saves-{users}.jsonl"
    saves_path.write_text("")
    prefix = scratch / f"locust-{users}"
    started = time.perf_counter()
    with Gunicorn(
        "portal.wsgi",
        settings="loadtest.settings",
        env={**env, "GUNICORN_WORKER_CLASS": args.worker_class, "GUNICORN_THREADS": str(args.threads)},
        workers=args.workers,
        ready_path="/accounts/login/",
    ) as server:
        status, _ = fetch(server.base_url + "/accounts/login/")
        if status != 200:
            raise RuntimeError(f"the login page answered {status}")
        app_pids = _children(server.process.pid)
        cpu_before = {
            "app": _cpu_seconds(app_pids),
            "db": _db_backend_cpu(),
            "locust": _waited_children_cpu(),
        }
        # Everyone has arrived and logged in by then; the exam starts for all at once.
        starts_at = time.time() + users / args.spawn_rate + 15
        locust_env = {
            **env,
            "LOADTEST_SETUP": str(setup_path),
            "LOADTEST_SAVES": str(saves_path),
            "LOADTEST_STARTS_AT": str(starts_at),
            "LOADTEST_START_SPREAD": str(args.start_spread),
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(REPO / "loadtest" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{int(args.minutes * 60)}s",
                "--stop-timeout",
                "20",
                "--host",
                server.base_url,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=REPO,
            env=locust_env,
            check=False,
        )
        cpu = {
            "app": _cpu_seconds(app_pids) - cpu_before["app"],
            "db": _db_backend_cpu() - cpu_before["db"],
            "locust": _waited_children_cpu() - cpu_before["locust"],
        }
    stats = _stats(prefix)
    per_request = {k: round(v * 1000 / max(stats["requests"], 1), 2) for k, v in cpu.items()}
    check_path = scratch / f"check-{users}.json"
    _django(["-m", "loadtest.exam", "check", str(saves_path), str(check_path)], env)
    check = json.loads(check_path.read_text())
    holds = (
        stats["save_p95_ms"] is not None
        and stats["save_p95_ms"] <= P95_TARGET_MS
        and (stats["heartbeat_p95_ms"] is None or stats["heartbeat_p95_ms"] <= P95_TARGET_MS)
        and stats["failures"] == 0
        and check["lost"] == 0
        and check["attempts"] >= users
    )
    return {
        "users": users,
        "seconds": round(time.perf_counter() - started, 1),
        **stats,
        **check,
        "cpu_seconds": {k: round(v, 1) for k, v in cpu.items()},
        "cpu_ms_per_request": per_request,
        "holds": holds,
    }


def main(argv=None) -> int:
    gunicorn_conf = _gunicorn_conf()
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--users",
        default="300,600,1000",
        help="learners; several comma-separated run in turn, smallest first, until one fails",
    )
    parser.add_argument("--spawn-rate", type=float, default=10, help="learners arriving per second")
    parser.add_argument("--minutes", type=float, default=5, help="time limit of each locust run")
    parser.add_argument(
        "--start-spread",
        type=float,
        default=20,
        help="seconds over which learners click start after the bell",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=gunicorn_conf.workers,
        help="gunicorn workers (deploy/gunicorn.conf.py)",
    )
    parser.add_argument("--worker-class", default=gunicorn_conf.worker_class, help="gunicorn worker class")
    parser.add_argument(
        "--threads", type=int, default=gunicorn_conf.threads, help="threads per gunicorn worker"
    )
    args = parser.parse_args(argv)
    steps = sorted({int(n) for n in args.users.split(",") if n.strip()})
    base_url = os.environ.get("DATABASE_URL", "")
    if vendor_of(base_url) != "postgresql":
        sys.exit("The load test runs on PostgreSQL: set DATABASE_URL=postgres://user@127.0.0.1:5432/dbname")

    RESULTS.mkdir(parents=True, exist_ok=True)
    url = recreate("postgresql", base_url, DB_NAME, RESULTS)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "loadtest.settings"}
    staff = max(500, math.ceil(max(steps) / 0.8))
    print(f"Load test: preparing {DB_NAME} with {staff} staff…", flush=True)
    _django(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    _django(["manage.py", "generate_scale_data", "--staff", str(staff), "--months", "1"], env)

    server_text = f"{args.workers} {args.worker_class} workers" + (
        f" × {args.threads} threads" if args.worker_class == "gthread" else ""
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        scratch = Path(tmp)
        for users in steps:
            if results and not results[-1]["holds"]:
                print(f"[{users} learners: skipped, {results[-1]['users']} did not hold]", flush=True)
                continue
            setup_path = scratch / "prepared.json"
            _django(["-m", "loadtest.exam", "prepare", str(users), str(setup_path)], env)
            setup = json.loads(setup_path.read_text())
            print(
                f"[{users} learners, {setup['questions']} questions, gunicorn {server_text}]",
                flush=True,
            )
            result = run_step(users, args, env, setup, scratch)
            results.append(result)
            print(
                f"  answer saves: {result['saves']}, p95 {result['save_p95_ms']} ms (target ≤ {P95_TARGET_MS}); "
                f"heartbeats: {result['heartbeats']}, p95 {result['heartbeat_p95_ms']} ms; "
                f"integrity events {result['integrity_events']}; "
                f"errors {result['failures']}; lost answers {result['lost']} of {result['answers_checked']}; "
                f"attempts {result['attempts']} {result['attempt_status']} → {'holds' if result['holds'] else 'FAILS'}",
                f"\n  CPU ms per request: {result['cpu_ms_per_request']}",
                flush=True,
            )
            for failure in result["failure_messages"]:
                print(f"    {failure['count']}× {failure['name']}: {failure['error'][:160]}")

    holding = [r["users"] for r in results if r["holds"]]
    largest = max(holding) if holding else None
    now = datetime.now().astimezone()
    payload = {
        "when": now.isoformat(),
        "workers": args.workers,
        "worker_class": args.worker_class,
        "threads": args.threads,
        "spawn_rate": args.spawn_rate,
        "minutes": args.minutes,
        "cpus": os.cpu_count(),
        "largest_holding": largest,
        "steps": results,
    }
    (RESULTS / f"loadtest-{now:%Y%m%dT%H%M%S}.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2)
    )
    lines = [
        f"Exam window on PostgreSQL, {os.cpu_count()} CPUs, gunicorn {server_text}, "
        f"spawn {args.spawn_rate:g}/s, start within {args.start_spread:g} s, {now:%Y-%m-%d %H:%M %Z}",
        "",
        "| learners | answer saves | p50 ms | p95 ms | p99 ms | heartbeat p95 ms | start p95 / max ms | errors "
        "| lost answers | submitted | result |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        submitted = sum(v for k, v in r["attempt_status"].items() if k != "in_progress")
        lines.append(
            f"| {r['users']} | {r['saves']} | {r['save_p50_ms']} | {r['save_p95_ms']} | {r['save_p99_ms']} | "
            f"{r['heartbeat_p95_ms']} | {r['start_p95_ms']} / {_round(r['start_max_ms'])} | "
            f"{r['failures']} | {r['lost']} of {r['answers_checked']} | {submitted} of {r['attempts']} | "
            f"{'holds' if r['holds'] else 'fails'} |"
        )
    lines += [
        "",
        "CPU spent per request, all requests of the run (the 2 CPUs are shared by all three):",
        "",
        "| learners | requests | requests/s | app ms | database ms | locust ms |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        cpu = r["cpu_ms_per_request"]
        lines.append(
            f"| {r['users']} | {r['requests']} | {_round(r['requests_per_s'])} | {cpu['app']} | {cpu['db']} | "
            f"{cpu['locust']} |"
        )
    (RESULTS / "latest-loadtest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nLargest number of learners that holds: {largest if largest else 'none of ' + str(steps)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
