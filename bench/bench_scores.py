"""Benchmark of the KPI import (N and 10 × N rows, at most 100,000) and one month's scores for N staff (N = 10,000 by default).

    DJANGO_DEBUG=1 .venv/bin/python -m bench.bench_scores [--quick] [--staff N]

Creates its own throwaway database: a temporary SQLite file, or a `bench_scores` database on the PostgreSQL
server when DATABASE_URL points at PostgreSQL. Each figure is compared with its floor in the same run:
the import with a bare bulk_create (SQLite) or COPY (PostgreSQL) of the same rows, the score computation
with one hand-written SQL aggregate of the same inputs. Prints a table and writes JSON to bench/results/.
"""

import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from bench._db import scratch_database

RESULTS = Path(__file__).resolve().parent / "results"


def _timed(function, repeat: int = 1) -> float:
    """Median seconds of `repeat` runs of `function()`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    staff = int(argv[argv.index("--staff") + 1]) if "--staff" in argv else 10_000
    vendor = scratch_database(f"bench_scores_{staff}")  # runs at two sizes may overlap
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    settings.DEBUG = False  # no query log growing through the run
    call_command("migrate", verbosity=0)

    from assessments.models import KpiRecord, MonthlyScore
    from assessments.scoring.kpi_file import KPI_VALUE_COLUMNS, kpi_file_parse
    from assessments.scoring.services import kpi_month_import, kpi_rows_insert, monthly_scores_compute
    from bench import synthetic
    from portal.models import User

    small = max(1, staff // 10) if quick else staff
    large = max(small, min(10 * small, 100_000))  # an import file holds at most 200,000 rows
    repeat = 1 if quick else 3
    rows = []

    def record(key, what, seconds, baseline, count):
        rows.append(
            {
                "key": key,
                "what": what,
                "rows": count,
                "seconds": round(seconds, 4),
                "rows_per_second": round(count / seconds) if seconds else None,
                "baseline_seconds": round(baseline, 4) if baseline is not None else None,
                "ratio_to_baseline": round(seconds / baseline, 2) if baseline else None,
            }
        )

    # --- 10,000 staff with a month of evaluations and training records ----------------------------------
    october = date(2026, 10, 1)
    ids = synthetic.staff_create_bulk(small, prefix="S")
    synthetic.month_records_create(ids, october)
    numbers = list(
        User.objects.filter(pk__in=ids).order_by("employee_no").values_list("employee_no", flat=True)
    )
    kpis = synthetic.kpi_file(numbers)
    staff_by_no = dict(User.objects.values_list("employee_no", "pk"))

    def bare_insert(data, month):
        parsed, _errors = kpi_file_parse(data, "k.csv")
        tuples = [(staff_by_no[r.employee_no], month, *r.kpi_values()) for r in parsed]
        start = time.perf_counter()
        with transaction.atomic():
            if vendor == "postgresql":
                kpi_rows_insert(tuples)  # COPY
            else:
                fields = ("staff_id", "month", *KPI_VALUE_COLUMNS)
                KpiRecord.objects.bulk_create(
                    [KpiRecord(**dict(zip(fields, values, strict=True))) for values in tuples]
                )
        elapsed = time.perf_counter() - start
        KpiRecord.objects.filter(month=month).delete()
        return elapsed

    def import_once(data, month, recompute):
        KpiRecord.objects.filter(month=month).delete()
        start = time.perf_counter()
        result = kpi_month_import(data=data, file_name="k.csv", month=month, recompute=recompute)
        elapsed = time.perf_counter() - start
        assert result.ok, result.errors[:3]
        return elapsed

    bare = statistics.median(bare_insert(kpis, date(2026, 1, 1)) for _ in range(repeat))
    only = statistics.median(import_once(kpis, date(2026, 2, 1), False) for _ in range(repeat))
    record("kpi_import", f"KPI import, {small:,} rows (parse + validate + insert)", only, bare, small)
    with_scores = statistics.median(import_once(kpis, october, True) for _ in range(repeat))
    record(
        "kpi_import_scored", f"KPI import, {small:,} rows, then the month's scores", with_scores, bare, small
    )

    # --- The same rows as JSON through the API (POST /api/v1/months/M/kpis), beside the CSV import ---------
    api_post = _api_kpi_poster(kpis)

    def api_once(month):
        KpiRecord.objects.filter(month=month).delete()
        start = time.perf_counter()
        api_post(month)
        return time.perf_counter() - start

    api_once(october)  # the first request loads the URLconf and the API's modules
    through_api = statistics.median(api_once(october) for _ in range(repeat))
    record(
        "kpi_api",
        f"KPI API POST, {small:,} JSON rows, then the month's scores (floor: the CSV import)",
        through_api,
        with_scores,
        small,
    )

    # --- One month's scores for 10,000 staff vs one SQL aggregate ---------------------------------------
    compute = _timed(lambda: monthly_scores_compute(month=october), repeat)
    baseline = _timed(lambda: _aggregate_sql(connection, october), repeat)
    assert MonthlyScore.objects.filter(month=october).count() == small
    record(
        "monthly_scores",
        f"monthly_scores_compute, {small:,} staff (2 evaluations, 2 records each)",
        compute,
        baseline,
        small,
    )

    # --- The Service Star proposal right after scoring: ranks the stored scores (target: under 1 s) ---------
    from incentives.selectors import star_proposal

    proposal = _timed(lambda: star_proposal(month=october), repeat)
    record("star_proposal", f"Service Star proposal, {small:,} staff, after scoring", proposal, None, small)

    # --- 100,000 rows ------------------------------------------------------------------------------------
    extra = synthetic.staff_create_bulk(large - small, prefix="X")
    numbers_large = numbers + list(
        User.objects.filter(pk__in=extra).order_by("employee_no").values_list("employee_no", flat=True)
    )
    staff_by_no = dict(User.objects.values_list("employee_no", "pk"))
    kpis_large = synthetic.kpi_file(numbers_large, seed=3)
    bare_large = bare_insert(kpis_large, date(2026, 3, 1))
    import_large = import_once(kpis_large, date(2026, 4, 1), False)
    record(
        "kpi_import_large",
        f"KPI import, {large:,} rows (parse + validate + insert)",
        import_large,
        bare_large,
        large,
    )

    report = {
        "vendor": vendor,
        "database": connection.settings_dict["NAME"] if vendor == "postgresql" else "temporary SQLite file",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "repeat": repeat,
        "staff": small,
        "results": rows,
    }
    _print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench_scores-{vendor}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\nwritten {out}")
    if vendor == "sqlite":
        Path(str(connection.settings_dict["NAME"])).unlink(missing_ok=True)
    return report


def _api_kpi_poster(csv_data: bytes):
    """A function that POSTs the KPI file's rows as JSON (numbers as JSON numbers) to the API in process, as a
    client with the kpis:write scope, and checks the answer."""
    from django.conf import settings
    from django.test import Client

    from api.services import api_client_create
    from assessments.scoring.kpi_file import COUNT_COLUMNS, KPI_COLUMNS, RATE_COLUMNS
    from portal.tabular.reading import read_table

    settings.ALLOWED_HOSTS = ["*"]
    rows = []
    for _line, cells in read_table(csv_data, "k.csv", required=KPI_COLUMNS).rows:
        row = dict(cells)
        row.update({column: int(row[column]) for column in COUNT_COLUMNS})
        row.update({column: float(row[column]) for column in RATE_COLUMNS})
        rows.append(row)
    body = json.dumps({"rows": rows})
    _client, token = api_client_create(name=f"bench-{time.time_ns()}"[:28], scopes=["kpis:write"])
    http = Client()

    def post(month: date):
        response = http.post(
            f"/api/v1/months/{month:%Y-%m}/kpis",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, response.content[:500]

    return post


def _aggregate_sql(connection, month: date):
    """The floor for scoring: every input of every scored person in one SQL statement (floats, no rules)."""
    from assessments.models import Evaluation, KpiRecord
    from courses.models import LearningResult, LessonCompletion, TrainingRecord
    from portal.models import User
    from portal.months import month_bounds

    first, following = month_bounds(month)
    t = {
        m.__name__: m._meta.db_table
        for m in (Evaluation, KpiRecord, LearningResult, LessonCompletion, TrainingRecord, User)
    }
    sql = f"""
        SELECT u.id, k.response_timeliness_rate, k.resolution_rate, k.satisfaction_rate, k.complaint_rate,
               e.quality, COALESCE(h.hours, 0) + COALESCE(lc.hours, 0), r.results
        FROM {t["User"]} u
        LEFT JOIN {t["KpiRecord"]} k ON k.staff_id = u.id AND k.month = %s
        LEFT JOIN (SELECT staff_id, AVG(score) AS quality FROM {t["Evaluation"]}
                   WHERE date >= %s AND date < %s GROUP BY staff_id) e ON e.staff_id = u.id
        LEFT JOIN (SELECT staff_id, SUM(hours) AS hours FROM {t["TrainingRecord"]}
                   WHERE category = 'in_service' AND date >= %s AND date < %s GROUP BY staff_id) h
               ON h.staff_id = u.id
        LEFT JOIN (SELECT staff_id, SUM(hours) AS hours FROM {t["LessonCompletion"]}
                   WHERE category = 'in_service' AND completed_on >= %s AND completed_on < %s GROUP BY staff_id) lc
               ON lc.staff_id = u.id
        LEFT JOIN (SELECT staff_id, AVG(score) AS results FROM {t["TrainingRecord"]}
                   WHERE category = 'in_service' AND score IS NOT NULL AND date >= %s AND date < %s
                   GROUP BY staff_id) r ON r.staff_id = u.id
        WHERE u.is_active AND u.role IN ('agent', 'team_lead')
    """  # noqa: S608 (table names from the models)
    with connection.cursor() as cursor:
        cursor.execute(sql, [month, first, following, first, following, first, following, first, following])
        return cursor.fetchall()


def _print(report: dict) -> None:
    print(f"\nbench_scores on {report['vendor']} ({report['database']}), median of {report['repeat']}")
    header = f"{'what':<78}{'seconds':>9}{'rows/s':>10}{'floor s':>9}{'× floor':>9}"
    print(header)
    print("-" * len(header))
    for row in report["results"]:
        print(
            f"{row['what']:<78}{row['seconds']:>9.3f}{row['rows_per_second'] or 0:>10,}"
            f"{row['baseline_seconds'] or 0:>9.3f}{row['ratio_to_baseline'] or 0:>9.2f}"
        )


if __name__ == "__main__":
    main()
