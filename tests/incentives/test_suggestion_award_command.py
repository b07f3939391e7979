"""`suggestion_award`: value score and award under the current (default) policy, at and around every tier bound."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from incentives.models import AwardPolicy

pytestmark = pytest.mark.django_db


def run(*reviews, expect_exit=None):
    out, err = StringIO(), StringIO()
    args = ["suggestion_award", "--json"]
    for review in reviews:
        args += ["--scores", review]
    if expect_exit is None:
        call_command(*args, stdout=out, stderr=err)
    else:
        with pytest.raises(SystemExit) as exit_info:
            call_command(*args, stdout=out, stderr=err)
        assert exit_info.value.code == expect_exit
    return json.loads(out.getvalue())


def test_the_issue_example():
    assert run("4,3.5,5,2,1", "3,4,4,2.5,1") == {"value_score": "66.50", "award_yuan": 2000}


def uniform(score):
    """Two reviewers who both give `score` on every criterion: value = score × 20."""
    return (",".join([score] * 5),) * 2


@pytest.mark.parametrize(
    "reviews,value,award",
    [
        (uniform("5"), "100.00", 5000),
        (("4.5,4.5,4.5,4.5,4.5", "4,4,4,4,4"), "85.00", 5000),  # exactly at 85
        (("4.5,4.5,4.5,4.5,4", "4,4,4,4,4"), "84.50", 3000),  # just below 85
        (uniform("3.5"), "70.00", 3000),  # exactly at 70
        (("3.5,3.5,3.5,3.5,3", "3.5,3.5,3.5,3.5,3.5"), "69.50", 2000),  # just below 70
        (("3,3,3,3,3", "2.5,2.5,2.5,2.5,2.5"), "55.00", 2000),  # exactly at 55
        (("3,3,3,3,2.5", "2.5,2.5,2.5,2.5,2.5"), "54.50", 1000),  # just below 55
        (uniform("2"), "40.00", 1000),  # exactly at 40
        (("2,2,2,2,1.5", "2,2,2,2,2"), "39.50", 500),  # just below 40
        (uniform("0"), "0.00", 500),
    ],
)
def test_award_at_and_around_every_tier_bound(reviews, value, award):
    assert run(*reviews) == {"value_score": value, "award_yuan": award}


def test_three_reviewers_round_half_up():
    # Means of thirds: Σ = 30×(5+5+4)/15 = 28, 25×14/15, ... rounded once to 2 places.
    got = run("5,5,5,5,5", "5,5,5,5,5", "4,4,4,4,4")
    assert got == {"value_score": "93.33", "award_yuan": 5000}


def test_a_later_policy_version_changes_the_award():
    default = AwardPolicy.objects.get(effective_month__isnull=True)
    default.tier3_yuan = 2500
    default.save()
    assert run("4,3.5,5,2,1", "3,4,4,2.5,1")["award_yuan"] == 2500


@pytest.mark.parametrize(
    "reviews,fragment",
    [
        (("4,3,5,2",), "at least 2 reviews"),
        (("4,3,5,2", "3,4,4,2.5,1"), "expected 5 scores"),
        (("4,3,5,2,6", "3,4,4,2.5,1"), "outside 0–5"),
        (("4,3,5,2,-0.5", "3,4,4,2.5,1"), "outside 0–5"),
        (("4,3,5,2,1.25", "3,4,4,2.5,1"), "not a multiple of 0.5"),
        (("4,3,5,2,x", "3,4,4,2.5,1"), "not a number"),
        (("4,3,5,2,NaN", "3,4,4,2.5,1"), "outside 0–5"),
    ],
)
def test_wrong_counts_and_out_of_range_scores_are_clear_errors(reviews, fragment):
    got = run(*reviews, expect_exit=1)
    assert got["value_score"] is None and got["award_yuan"] is None
    assert any(fragment in error for error in got["errors"]), got["errors"]
