"""End to end through the commands: the four imports of the sample month, then performance_scores --json."""

import io
import json

import pytest
from django.core.management import call_command, get_commands

from tests.assessments.scoring_helpers import SAMPLES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not present"),
]

IMPORTS = ("import_staff", "import_training_records", "import_evaluations", "import_kpis")


def _run(*args):
    out = io.StringIO()
    call_command(*args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_performance_scores_after_the_four_imports_match_the_independent_calculation():
    assert set(IMPORTS) <= set(get_commands())
    _run("import_staff", str(SAMPLES / "staff.csv"))
    _run("import_training_records", str(SAMPLES / "training.csv"))
    _run("import_evaluations", str(SAMPLES / "evaluations.csv"))
    assert _run("import_kpis", str(SAMPLES / "kpis.csv"), "--month", "2026-10")["errors"] == []

    got = _run("performance_scores", "--month", "2026-10")
    expected = json.loads((SAMPLES / "performance_scores.expected.json").read_text())
    assert got["month"] == expected["month"]
    by_no = {row["employee_no"]: row for row in got["scores"]}
    for want in expected["scores"]:
        assert by_no.get(want["employee_no"]) == want, want["employee_no"]
    # Anyone printed beyond the expected list must have been left out there for having no score at all.
    assert set(by_no) >= {row["employee_no"] for row in expected["scores"]}
