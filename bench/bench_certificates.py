"""Time certificate rendering: one certificate, and 200 as ONE multi-page document, through the portal's
renderer (bundled-only URL fetcher, one CJK face, the PAdES signature with the organisation's key) against a
bare WeasyPrint render of the same HTML. The signing key is a throwaway one made in a temporary directory.

    DJANGO_DEBUG=1 python -m bench.bench_certificates [--batch 200] [--repeat 5] [--batch-repeat 2]

Prints a table and writes JSON to bench/results/certificates-<timestamp>.json. Needs no database: the
certificates are unsaved model instances.
"""

import argparse
import gc
import json
import os
import resource
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from assessments.certificates.pdf import PAGE_CSS, certificate_html, certificates_pdf  # noqa: E402
from assessments.models import Certificate  # noqa: E402
from portal.pdf import FONT_CSS  # noqa: E402
from portal.signing import keygen, sign_pdf  # noqa: E402

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


def timed_pair(cases, repeat: int) -> list[tuple[float, int]]:
    """Median seconds and size of each case, runs interleaved so that drift and warm-up hit both alike."""
    times = [[] for _ in cases]
    sizes = [0 for _ in cases]
    for run in range(repeat):
        order = list(range(len(cases))) if run % 2 == 0 else list(reversed(range(len(cases))))
        for index in order:
            gc.collect()
            start = time.perf_counter()
            sizes[index] = len(cases[index]())
            times[index].append(time.perf_counter() - start)
    return [(statistics.median(t), size) for t, size in zip(times, sizes, strict=True)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the one-certificate cases")
    parser.add_argument("--batch-repeat", type=int, default=2, help="runs of the batch cases")
    args = parser.parse_args(argv)
    one = make_certificates(1)
    batch = make_certificates(args.batch)
    one_html, batch_html = certificate_html(one), certificate_html(batch)
    from django.conf import settings

    settings.PORTAL_SIGNING_KEY_DIR = Path(tempfile.mkdtemp(prefix="bench-signing-")) / "keys"
    keygen(common_name="Bench")
    certificates_pdf(one)  # warm up fonts, caches and the loaded key once
    rows = []
    for labels, cases, repeat in (
        (
            ("portal: 1 certificate", "bare WeasyPrint: 1 certificate"),
            (lambda: certificates_pdf(one), lambda: bare_weasyprint(one_html)),
            args.repeat,
        ),
        (
            (f"portal: {args.batch} in one document", f"bare WeasyPrint: {args.batch} in one document"),
            (lambda: certificates_pdf(batch), lambda: bare_weasyprint(batch_html)),
            args.batch_repeat,
        ),
    ):
        for label, (seconds, size) in zip(labels, timed_pair(cases, repeat), strict=True):
            rows.append({"case": label, "seconds": round(seconds, 3), "bytes": size, "runs": repeat})
    # What signing adds to one certificate (part of the "portal" rows above).
    unsigned = certificates_pdf(one, signed=False)
    ((seconds, size),) = timed_pair([lambda: sign_pdf(unsigned, reason="bench")], args.repeat)
    rows.append(
        {
            "case": "portal: signing 1 certificate",
            "seconds": round(seconds, 3),
            "bytes": size,
            "runs": args.repeat,
        }
    )
    # What the portal adds before WeasyPrint: the template and the QR codes (part of the "portal" rows above).
    ((seconds, size),) = timed_pair([lambda: certificate_html(batch)], args.batch_repeat)
    rows.append(
        {
            "case": f"portal: HTML + QR codes for {args.batch}",
            "seconds": round(seconds, 3),
            "bytes": size,
            "runs": args.batch_repeat,
        }
    )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    width = max(len(r["case"]) for r in rows)
    print(f"{'case':<{width}}  {'seconds':>8}  {'KiB':>8}")
    for r in rows:
        print(f"{r['case']:<{width}}  {r['seconds']:>8.3f}  {r['bytes'] / 1024:>8.0f}")
    per_page = rows[3]["seconds"] / args.batch
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
