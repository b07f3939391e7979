"""Shared helpers of the scoring tests: where the sample month lives, and KPI files written in code."""

import os
from pathlib import Path


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

KPI_HEADER = (
    "employee_no,contacts_handled,response_timeliness_rate,resolution_rate,satisfaction_rate,"
    "complaint_rate,major_complaints"
)


def kpi_csv(*rows: str, header: str = KPI_HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)
