"""Calibration and grade-the-grader rules on worked examples: exact deviations, accuracy, trend and agreement."""

from datetime import date
from decimal import Decimal as D

from assessments.calibration import rules


def test_a_deviation_is_the_evaluators_score_minus_the_reference_per_criterion():
    scores = {"greeting": D(80), "accuracy": D(50), "closing": D(100)}
    reference = {"greeting": D(100), "accuracy": D(50), "closing": D("92.5")}
    assert rules.deviations(scores, reference) == {"greeting": D(-20), "accuracy": D(0), "closing": D("7.5")}


def test_a_criterion_the_evaluator_did_not_score_is_left_out():
    assert rules.deviations({"a": D(60)}, {"a": D(50), "b": D(70)}) == {"a": D(10)}


def test_the_tolerance_includes_its_bound_in_both_directions():
    assert rules.within_tolerance(D(5), D(5)) and rules.within_tolerance(D(-5), D(5))
    assert not rules.within_tolerance(D("5.01"), D(5)) and not rules.within_tolerance(D("-5.01"), D(5))


def test_accuracy_over_two_sessions_weighs_every_criterion_the_same():
    # Session 1: deviations -20, 0, +7.5; session 2: +5, -3.
    # |d| = 20, 0, 7.5, 5, 3 → Σ 35.5 over 5 criteria = 7.1; within ±5: 0, 5, 3 → 3 of 5 = 60%.
    first = {"greeting": D(-20), "accuracy": D(0), "closing": D("7.5")}
    second = {"greeting": D(5), "accuracy": D(-3)}
    accuracy = rules.evaluator_accuracy([first, second], D(5))
    assert accuracy == rules.Accuracy(
        sessions=2, criteria=5, mean_abs_deviation=D("7.1"), within_share=D(60), flagged=True
    )


def test_an_evaluator_whose_mean_deviation_equals_the_tolerance_is_not_flagged():
    accuracy = rules.evaluator_accuracy([{"a": D(10), "b": D(0)}], D(5))
    assert accuracy.mean_abs_deviation == D(5) and accuracy.within_share == D(50) and not accuracy.flagged


def test_a_share_within_tolerance_is_exact_until_it_is_shown():
    accuracy = rules.evaluator_accuracy([{"a": D(0), "b": D(0), "c": D(9)}], D(5))
    assert rules.shown(accuracy.within_share) == D("66.67")
    assert rules.shown(accuracy.mean_abs_deviation) == D("3.00")
    assert accuracy.mean_abs_deviation == D(3)


def test_no_session_joined_gives_no_figures_and_no_flag():
    assert rules.evaluator_accuracy([], D(5)) == rules.Accuracy(0, 0, None, None, False)


def test_the_trend_compares_the_latest_month_with_data_to_the_one_before():
    assert rules.trend([D(9), None, D("6.5")]) == rules.BETTER
    assert rules.trend([D(4), D("4.001")]) == rules.STEADY  # equal as shown
    assert rules.trend([D(4), D(8), None]) == rules.WORSE
    assert rules.trend([None, D(4)]) == ""


def test_the_agreement_rate_is_the_share_of_criteria_agreed():
    assert rules.agreement_rate([True, True, False, True]) == D(75)
    assert rules.shown(rules.agreement_rate([True, False, False])) == D("33.33")
    assert rules.agreement_rate([]) is None


def test_a_review_is_due_some_days_after_the_draw_and_overdue_only_after_that_day():
    due = rules.review_due_on(date(2026, 10, 28), 7)
    assert due == date(2026, 11, 4)
    assert not rules.is_overdue(due, date(2026, 11, 4)) and rules.is_overdue(due, date(2026, 11, 5))
    assert not rules.is_overdue(None, date(2030, 1, 1))
