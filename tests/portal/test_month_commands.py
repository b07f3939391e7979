"""Every command about one month refuses a bad --month with one JSON object and exit status 1."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "command, empty",
    [
        ("performance_scores", {"scores": []}),
        ("recompute_scores", {"scored": 0}),
        ("service_stars", {}),
        ("suggestion_monthly_summary", {"sent": 0}),
    ],
)
@pytest.mark.parametrize("month", ["2026-13", "2026/10", "十月"])
def test_a_bad_month_is_refused_with_its_counts_empty(command, empty, month, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command(command, "--month", month, "--json")
    assert exit_info.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["month"] == month and "YYYY-MM" in out["errors"][0]["message"]
    assert {key: out[key] for key in empty} == empty
