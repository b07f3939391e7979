"""Grading and timing rules, without a database."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from assessments.quizzes import rules

CHOICE = {
    "options": [
        {"text": "a", "fraction": "100", "feedback": "yes"},
        {"text": "b", "fraction": "0", "feedback": "no"},
    ]
}
WEIGHTED = {
    "options": [
        {"text": "red", "fraction": "50", "feedback": ""},
        {"text": "blue", "fraction": "50", "feedback": ""},
        {"text": "green", "fraction": "-100", "feedback": "secondary"},
    ]
}


def test_single_choice_earns_the_fraction_of_the_chosen_option():
    assert rules.grade_response("single_choice", CHOICE, {"choice": 0}) == 1
    assert rules.grade_response("single_choice", CHOICE, {"choice": 1}) == 0
    assert rules.grade_response("single_choice", CHOICE, {"choice": 7}) == 0
    assert rules.grade_response("single_choice", CHOICE, None) == 0


def test_multiple_choice_gives_partial_credit_and_negative_weights_never_below_zero():
    assert rules.grade_response("multiple_choice", WEIGHTED, {"choices": [0]}) == Decimal("0.5")
    assert rules.grade_response("multiple_choice", WEIGHTED, {"choices": [0, 1]}) == 1
    assert rules.grade_response("multiple_choice", WEIGHTED, {"choices": [0, 1, 2]}) == 0
    assert rules.grade_response("multiple_choice", WEIGHTED, {"choices": [2]}) == 0


def test_short_answer_ignores_case_surrounding_spaces_and_full_width_forms():
    data = {
        "options": [
            {"text": "No One", "fraction": "100", "feedback": ""},
            {"text": "Grant", "fraction": "50", "feedback": ""},
        ]
    }
    for given in ("no one", "  NO ONE ", "ｎｏ　ｏｎｅ", "No  One"):
        assert rules.grade_response("short_answer", data, {"text": given}) == 1, given
    assert rules.grade_response("short_answer", data, {"text": "grant"}) == Decimal("0.5")
    assert rules.grade_response("short_answer", data, {"text": "nobody"}) == 0


def test_numerical_accepts_values_within_tolerance_and_full_width_digits():
    data = {"numeric": [{"value": "3.14", "tolerance": "0.005", "fraction": "100", "feedback": ""}]}
    assert rules.grade_response("numerical", data, {"text": "3.144"}) == 1
    assert rules.grade_response("numerical", data, {"text": "３．１４"}) == 1
    assert rules.grade_response("numerical", data, {"text": "3.146"}) == 0
    assert rules.grade_response("numerical", data, {"text": "pi"}) == 0


def test_matching_scores_the_share_of_right_matches():
    data = {"pairs": [["Canada", "Ottawa"], ["Italy", "Rome"], ["Japan", "Tokyo"], ["", "Paris"]]}
    assert rules.grade_response("matching", data, {"matches": {"0": 0, "1": 1, "2": 2}}) == 1
    assert rules.grade_response("matching", data, {"matches": {"0": 0, "1": 2, "2": 3}}) == Decimal(1) / 3


def test_true_false_and_essay():
    assert rules.grade_response("true_false", {"correct": False}, {"value": False}) == 1
    assert rules.grade_response("true_false", {"correct": False}, {"value": True}) == 0
    assert rules.grade_response("essay", {}, {"text": "..."}) is None


def test_attempt_percent_weights_by_mark_and_waits_for_essays():
    grade = rules.grade_attempt([(Decimal(1), Decimal(1)), (Decimal(2), Decimal("0.5"))], Decimal(60))
    assert grade.percent == Decimal("66.67") and grade.passed is True
    assert (
        rules.grade_attempt([(Decimal(1), Decimal(0)), (Decimal(1), Decimal(1))], Decimal("50.01")).passed
        is False
    )
    pending = rules.grade_attempt([(Decimal(1), None)], Decimal(60))
    assert pending.percent is None and pending.pending_manual == 1


def test_answers_are_accepted_until_the_deadline_plus_grace_only():
    start = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
    deadline = rules.attempt_deadline(start, 30, None)
    assert deadline == start + timedelta(minutes=30)
    assert rules.attempt_deadline(start, 30, start + timedelta(minutes=10)) == start + timedelta(minutes=10)
    assert rules.attempt_deadline(start, 0, None) is None
    assert rules.accepts_answers(deadline + timedelta(seconds=30), deadline, 30)
    assert not rules.accepts_answers(deadline + timedelta(seconds=31), deadline, 30)
    assert rules.accepts_answers(start + timedelta(days=9), None, 30)


def test_review_policy():
    now = datetime(2026, 10, 5, tzinfo=UTC)
    assert not rules.review_allowed("after_submission", submitted=False, now=now, closes_at=None)
    assert rules.review_allowed("after_submission", submitted=True, now=now, closes_at=None)
    assert not rules.review_allowed(
        "after_close", submitted=True, now=now, closes_at=now + timedelta(hours=1)
    )
    assert rules.review_allowed("after_close", submitted=True, now=now, closes_at=now)
    assert not rules.review_allowed("never", submitted=True, now=now, closes_at=now)


def test_shuffled_order_is_a_permutation_and_positions_map_back():
    order = rules.shuffled(5, random.Random(3))
    assert sorted(order) == [0, 1, 2, 3, 4]
    assert [rules.display_to_index(order, p) for p in range(5)] == order
    assert rules.display_to_index(order, "9") is None and rules.display_to_index(order, "x") is None


def test_scorecard_score_is_the_weighted_mean_of_level_percents():
    assert rules.scorecard_score([(Decimal(3), Decimal(100)), (Decimal(1), Decimal(50))]) == Decimal("87.50")
    with pytest.raises(ValueError):
        rules.scorecard_score([])
