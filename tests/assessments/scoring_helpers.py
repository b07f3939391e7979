"""Shared helpers of the scoring tests: where the sample month lives, and KPI files written in code."""

import os
from pathlib import Path

from assessments.scoring.kpi_file import KPI_COLUMNS


def find_samples() -> Path:
    """The shared sample month: $PORTAL_SAMPLES, else the nearest `shared/samples` above this checkout."""
    if os.environ.get("PORTAL_SAMPLES"):
        return Path(os.environ["PORTAL_SAMPLES"])
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "samples"
        if candidate.exists():
            return candidate
    return Path("/nonexistent/shared/samples")


SAMPLES = find_samples()

KPI_HEADER = ",".join(KPI_COLUMNS)


def kpi_csv(*rows: str, header: str = KPI_HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)
