"""The pure explanation helpers of the score pages (no database)."""

from decimal import Decimal

from assessments.scoring.rules import (
    DEFAULT_POLICY,
    KpiValues,
    missed_targets,
    score_explanation,
    score_histogram,
)

AT_TARGET = KpiValues(
    contacts_handled=120,
    timeliness=Decimal("98"),
    resolution=Decimal("95"),
    satisfaction=Decimal("90"),
    complaint=Decimal("0.5"),
    major_complaints=0,
)


def test_hours_just_below_the_requirement_explain_a_learning_of_zero():
    explained = score_explanation(
        kpis=AT_TARGET,
        quality_scores=[],
        in_service_hours=Decimal("3.5"),
        learning_results=[Decimal("95")],
        policy=DEFAULT_POLICY,
    )
    assert explained["learning_rule"] == "hours_short" and explained["hours_short"] == Decimal("0.5")
    assert explained["score"].learning == 0 and explained["score"].partial
    # Present weights 50 and 20 rescale to 71.43% and 28.57%; quality is absent from the shares.
    shares = explained["shares"]
    assert set(shares) == {"kpi", "learning"} and round(shares["kpi"], 2) == Decimal("71.43")


def test_enough_hours_without_results_leave_learning_absent():
    explained = score_explanation(
        kpis=None,
        quality_scores=[Decimal("90"), Decimal("80")],
        in_service_hours=Decimal("4"),
        learning_results=[],
        policy=DEFAULT_POLICY,
    )
    assert explained["learning_rule"] == "no_results" and explained["hours_short"] == 0
    assert explained["score"].composite == Decimal("85.00") and explained["kpis"] == []
    assert explained["quality_count"] == 2 and explained["shares"] == {"quality": Decimal(100)}


def test_missed_targets_name_each_kpi_short_of_target():
    missed = KpiValues(
        contacts_handled=1,
        timeliness=Decimal("97.99"),
        resolution=Decimal("95"),
        satisfaction=Decimal("91"),
        complaint=Decimal("0.51"),
        major_complaints=0,
    )
    assert missed_targets(missed, DEFAULT_POLICY) == ["timeliness", "complaint"]
    assert missed_targets(AT_TARGET, DEFAULT_POLICY) == [] and missed_targets(None, DEFAULT_POLICY) == []


def test_the_histogram_puts_100_in_the_last_band():
    counts = score_histogram([Decimal("0"), Decimal("9.99"), Decimal("10"), Decimal("99.99"), Decimal("100")])
    assert counts == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]
