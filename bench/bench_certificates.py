"""Time certificate rendering: one certificate, and 200 as ONE multi-page document, through the portal's
renderer (bundled-only URL fetcher, one CJK face) against a bare WeasyPrint render of the same HTML.

    DJANGO_DEBUG=1 python -m bench.bench_certificates [--batch 200] [--repeat 3]

Prints a table and writes JSON to bench/results/certificates-<timestamp>.json. Needs no database: the
certificates are unsaved model instances.
"""

import argparse
import gc
import json
import os
import resource
import statistics
import time
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from assessments.models import Certificate  # noqa: E402
from assessments.pdf import PAGE_CSS, certificate_html, certificates_pdf  # noqa: E402
from portal.pdf import FONT_CSS  # noqa: E402

RESULTS = Path(__file__).parent / "results"
NAMES = ["王晓明", "李小梅", "欧阳明华", "张伟", "陈静怡", "赵艳"]


def make_certificates(n: int) -> list[Certificate]:
    return [
        Certificate(
            token=f"bench-token-{i:06d}-abcdefghijklmnop",
            number=f"ONB-2026-{i + 1:06d}",
            kind="onboarding",
            programme_title="2026年新员工入职培训（72小时）",
            holder_name=NAMES[i % len(NAMES)],
            issued_on=date(2026, 10, 9),
        )
        for i in range(n)
    ]


def bare_weasyprint(html: str) -> bytes:
    """The baseline: WeasyPrint's default fetcher, the same HTML and stylesheet."""
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(string=FONT_CSS + PAGE_CSS)])


def timed(fn, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    one = make_certificates(1)
    batch = make_certificates(args.batch)
    one_html, batch_html = certificate_html(one), certificate_html(batch)
    certificates_pdf(one)  # warm up fonts and caches once
    rows = []
    for label, fn, repeat in (
        ("portal: 1 certificate", lambda: certificates_pdf(one), args.repeat),
        ("bare WeasyPrint: 1 certificate", lambda: bare_weasyprint(one_html), args.repeat),
        (f"portal: {args.batch} in one document", lambda: certificates_pdf(batch), 1),
        (f"bare WeasyPrint: {args.batch} in one document", lambda: bare_weasyprint(batch_html), 1),
    ):
        seconds, size = timed(fn, repeat)
        rows.append({"case": label, "seconds": round(seconds, 3), "bytes": size, "runs": repeat})
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    width = max(len(r["case"]) for r in rows)
    print(f"{'case':<{width}}  {'seconds':>8}  {'KiB':>8}")
    for r in rows:
        print(f"{r['case']:<{width}}  {r['seconds']:>8.3f}  {r['bytes'] / 1024:>8.0f}")
    per_page = rows[2]["seconds"] / args.batch
    print(f"batch: {per_page * 1000:.0f} ms per certificate; peak memory {peak_mib:.0f} MiB")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"certificates-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(
        json.dumps(
            {"batch": args.batch, "rows": rows, "peak_mib": round(peak_mib), "cpus": os.cpu_count()}, indent=2
        )
    )
    print(f"written {out}")


if __name__ == "__main__":
    main()
