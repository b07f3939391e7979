"""Generating the whole synthetic company: each part in turn, in its own transaction and random stream."""

import random
import time
from datetime import date

from django.db import connection, transaction

from assessments.scoring.selectors import score_months_with_data
from assessments.scoring.summaries import score_summaries_refresh
from demo.scale import assessments, awards, company, curriculum
from demo.scale.company import Company, synthetic_staff
from portal.months import add_months
from portal.services import audit_record

# Each part's random stream is named by the app it fills, so changing one part leaves the others' data as it was.
PARTS = (("portal", company), ("courses", curriculum), ("assessments", assessments), ("incentives", awards))


def generate_company(*, size: int, months: int, seed: int, today: date, stdout) -> Company:
    """Run every app's scale part. Refuses a database that already holds synthetic staff."""
    if synthetic_staff().exists():
        raise ValueError(
            "This database already holds a synthetic company; generate into a fresh database "
            "(e.g. another DATABASE_URL or a new SQLite file)."
        )
    full_months = [add_months(today, -k) for k in range(months, 0, -1)]
    company = Company(size=size, seed=seed, today=today, months=full_months)
    for label, module in PARTS:
        part_rng = random.Random(f"{seed}:{label}")
        started = time.perf_counter()
        with transaction.atomic():
            module.generate(rng=part_rng, company=company, months=full_months, stdout=stdout)
        stdout.write(f"  ({label}: {time.perf_counter() - started:.1f} s)")
    audit_record(
        action="scale.generate",
        staff=size,
        months=months,
        seed=seed,
        today=today.isoformat(),
    )
    # After a bulk load the planner's statistics say the tables are nearly empty (PostgreSQL would then pick
    # nested loops over 100k rows until autovacuum catches up); refresh them as autovacuum eventually would.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The month summaries the score and Service Star pages read, stored as a worker would after the writes.
    started = time.perf_counter()
    for month in sorted(score_months_with_data()):
        score_summaries_refresh(month=month)
    stdout.write(f"  (summaries: {time.perf_counter() - started:.1f} s)")
    return company
