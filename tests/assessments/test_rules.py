"""Pure tests of the monthly performance score rules (no database)."""

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring.rules import (
    DEFAULT_POLICY,
    KPI_CODES,
    IntegerPolicy,
    KpiBand,
    KpiValues,
    MonthlyScore,
    composite_score,
    kpi_component,
    kpi_explanation,
    kpi_meets_target,
    kpi_points,
    learning_component,
    month_in_hundredths,
    quality_component,
    round2,
    score_in_hundredths,
    score_staff_month,
    score_staff_month_fast,
)

D = Decimal
TIMELINESS = DEFAULT_POLICY.timeliness  # 90 / 98 / 99.5
COMPLAINT = DEFAULT_POLICY.complaint  # 2.0 / 0.5 / 0.1, lower is better


def kpis(timeliness="98", resolution="95", satisfaction="90", complaint="0.5", contacts=100, major=0):
    return KpiValues(
        contacts_handled=contacts,
        timeliness=D(timeliness),
        resolution=D(resolution),
        satisfaction=D(satisfaction),
        complaint=D(complaint),
        major_complaints=major,
    )


# round2


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.125", "0.13"), ("2.675", "2.68"), ("84.995", "85.00"), ("84.994999", "84.99"), ("80", "80.00")],
)
def test_round2_rounds_half_up_to_two_places(value, expected):
    assert str(round2(D(value))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(16999, 200), "85.00"),  # 84.995
        (Fraction(511, 6), "85.17"),  # 85.1666…
        (Fraction(-1, 200), "-0.01"),  # half away from zero, as Decimal's ROUND_HALF_UP
        (Fraction(1, 3), "0.33"),
        (80, "80.00"),
    ],
)
def test_round2_rounds_an_exact_fraction_half_up_once(value, expected):
    assert str(round2(value)) == expected


# Policy


def test_default_policy_holds_the_domain_defaults():
    p = DEFAULT_POLICY
    assert (p.timeliness.floor, p.timeliness.target, p.timeliness.excellence) == (D(90), D(98), D("99.5"))
    assert (p.resolution.floor, p.resolution.target, p.resolution.excellence) == (D(85), D(95), D(99))
    assert (p.satisfaction.floor, p.satisfaction.target, p.satisfaction.excellence) == (D(75), D(90), D(98))
    assert (p.complaint.floor, p.complaint.target, p.complaint.excellence) == (D(2), D("0.5"), D("0.1"))
    assert (p.weight_kpi, p.weight_quality, p.weight_learning) == (D(50), D(30), D(20))
    assert (p.required_hours, p.min_contacts, p.winners) == (D(4), 100, 10)


def test_complaint_band_is_lower_is_better_and_the_others_are_not():
    assert DEFAULT_POLICY.complaint.lower_is_better
    assert not any(DEFAULT_POLICY.band(code).lower_is_better for code in KPI_CODES if code != "complaint")


@pytest.mark.parametrize(
    ("floor", "target", "excellence"),
    [("90", "98", "98"), ("90", "90", "99"), ("90", "98", "95"), ("2", "0.5", "0.5"), ("0.5", "2", "0.1")],
)
def test_a_band_that_is_not_strictly_monotone_is_refused(floor, target, excellence):
    with pytest.raises(ValueError, match="strictly"):
        KpiBand(D(floor), D(target), D(excellence))


@pytest.mark.parametrize(
    "change",
    [
        {"weight_kpi": D(-1)},
        {"weight_kpi": D(0), "weight_quality": D(0), "weight_learning": D(0)},
        {"required_hours": D(-1)},
        {"min_contacts": -1},
        {"winners": -1},
    ],
)
def test_an_impossible_policy_is_refused(change):
    with pytest.raises(ValueError):
        replace(DEFAULT_POLICY, **change)


def test_unknown_kpi_code_is_a_key_error():
    with pytest.raises(KeyError):
        DEFAULT_POLICY.band("speed")


# KPI points


def test_kpi_exactly_at_target_earns_80():
    assert kpi_points(D("98"), TIMELINESS) == 80


def test_kpi_at_excellence_earns_100():
    assert kpi_points(D("99.5"), TIMELINESS) == 100


def test_kpi_at_floor_earns_0():
    assert kpi_points(D("90"), TIMELINESS) == 0


def test_kpi_between_floor_and_target_is_linear_from_0_to_80():
    # 94 is halfway from 90 to 98.
    assert kpi_points(D("94"), TIMELINESS) == 40


def test_kpi_between_target_and_excellence_is_linear_from_80_to_100():
    # 98.75 is halfway from 98 to 99.5.
    assert kpi_points(D("98.75"), TIMELINESS) == 90


def test_kpi_beyond_excellence_clamps_to_100():
    assert kpi_points(D("100"), TIMELINESS) == 100


def test_kpi_below_floor_clamps_to_0():
    assert kpi_points(D("50"), TIMELINESS) == 0


def test_kpi_points_are_unrounded():
    # 95.5 on 85 / 95 / 99: 80 + 20 × 0.5 / 4 = 82.5; 92.25 on 75 / 90 / 98: 80 + 20 × 2.25 / 8 = 85.625.
    assert kpi_points(D("95.5"), DEFAULT_POLICY.resolution) == D("82.5")
    assert kpi_points(D("92.25"), DEFAULT_POLICY.satisfaction) == D("85.625")
    assert kpi_points(D("91"), TIMELINESS) == D(10)


def test_complaint_rate_above_target_loses_points_because_lower_is_better():
    # 1.25 is halfway from the floor 2.0 to the target 0.5.
    assert kpi_points(D("1.25"), COMPLAINT) == 40


def test_complaint_rate_at_target_earns_80_and_at_excellence_100():
    assert kpi_points(D("0.5"), COMPLAINT) == 80
    assert kpi_points(D("0.1"), COMPLAINT) == 100


def test_complaint_rate_below_target_gains_points():
    # 0.3 is halfway from 0.5 to 0.1.
    assert kpi_points(D("0.3"), COMPLAINT) == 90


def test_complaint_rate_beyond_the_bounds_clamps():
    assert kpi_points(D("0"), COMPLAINT) == 100
    assert kpi_points(D("2.5"), COMPLAINT) == 0


def test_a_value_exactly_at_target_meets_it_in_both_directions():
    assert kpi_meets_target(D("98"), TIMELINESS)
    assert kpi_meets_target(D("0.5"), COMPLAINT)


def test_a_value_just_on_the_wrong_side_of_target_misses_it():
    assert not kpi_meets_target(D("97.99"), TIMELINESS)
    assert not kpi_meets_target(D("0.51"), COMPLAINT)
    assert kpi_meets_target(D("0.49"), COMPLAINT)


# Components


def test_kpi_component_is_the_mean_of_the_four_points():
    # 90 + 80 + 40 + 90 = 300 → 75.
    values = kpis(timeliness="98.75", resolution="95", satisfaction="82.5", complaint="0.3")
    assert kpi_component(values, DEFAULT_POLICY) == 75


def test_meeting_every_target_exactly_gives_a_kpi_component_of_80():
    assert kpi_component(kpis(), DEFAULT_POLICY) == 80


def test_kpi_component_is_absent_without_a_kpi_row():
    assert kpi_component(None, DEFAULT_POLICY) is None


def test_quality_component_is_the_unrounded_mean_of_the_evaluations():
    result = quality_component([D("80"), D("90"), D("85.5")])
    assert result == Fraction(511, 6)  # 255.5 / 3 exactly: no decimal approximation
    assert round2(result) == D("85.17")


def test_quality_component_is_absent_without_evaluations():
    assert quality_component([]) is None


def test_learning_is_zero_and_present_when_hours_are_just_below_the_requirement():
    assert learning_component(D("3.99"), [D("95")], DEFAULT_POLICY) == 0
    assert learning_component(D("3.99"), [], DEFAULT_POLICY) == 0
    assert learning_component(D("0"), [], DEFAULT_POLICY) is not None


def test_learning_is_the_mean_of_results_once_the_hours_are_met():
    assert learning_component(D("4"), [D("70"), D("81")], DEFAULT_POLICY) == D("75.5")


def test_learning_is_absent_with_enough_hours_and_no_results():
    assert learning_component(D("4"), [], DEFAULT_POLICY) is None


def test_learning_follows_the_policys_required_hours():
    policy = replace(DEFAULT_POLICY, required_hours=D("6"))
    assert learning_component(D("5"), [D("90")], policy) == 0


# Composite


def test_composite_weights_all_three_components_50_30_20():
    score = composite_score(D(80), D(90), D(70), DEFAULT_POLICY)
    # (50 × 80 + 30 × 90 + 20 × 70) / 100 = 81
    assert score == MonthlyScore(
        kpi=D(80), quality=D(90), learning=D(70), composite=D("81.00"), partial=False
    )


def test_a_missing_component_rescales_the_weights_and_marks_the_score_partial():
    score = composite_score(D(80), None, D(70), DEFAULT_POLICY)
    # (50 × 80 + 20 × 70) / 70 = 77.142857…
    assert score.composite == D("77.14")
    assert score.partial
    assert score.quality is None


def test_a_single_component_is_the_composite():
    score = composite_score(None, D("88"), None, DEFAULT_POLICY)
    assert score.composite == D("88.00")
    assert score.partial


def test_all_components_missing_gives_no_score():
    score = composite_score(None, None, None, DEFAULT_POLICY)
    assert score.composite is None
    assert not score.has_score
    assert score.partial


def test_a_learning_zero_for_short_hours_still_counts_in_the_composite():
    score = composite_score(D(80), D(90), D(0), DEFAULT_POLICY)
    # (4000 + 2700 + 0) / 100
    assert score.composite == D("67.00")
    assert not score.partial


def test_composite_is_computed_from_unrounded_components_and_rounded_once():
    # Unrounded: (50 × 60.004 + 30 × 60.008) / 80 = 60.0055 → 60.01.
    # Rounding the components first would give (50 × 60.00 + 30 × 60.01) / 80 = 60.00375 → 60.00.
    score = composite_score(D("60.004"), D("60.008"), None, DEFAULT_POLICY)
    assert score.composite == D("60.01")
    assert score.kpi == D("60.004")


def test_components_are_kept_unrounded_in_the_score():
    score = score_staff_month(
        kpis=None,
        quality_scores=[D(80), D(90), D("85.5")],
        in_service_hours=D(4),
        learning_results=[],
        policy=DEFAULT_POLICY,
    )
    assert score.quality == Fraction(511, 6)
    assert score.composite == D("85.17")


def test_a_component_with_zero_weight_alone_gives_no_score():
    policy = replace(DEFAULT_POLICY, weight_learning=D(0))
    assert composite_score(None, None, D(90), policy).composite is None
    assert composite_score(D(80), None, D(0), policy).composite == D("80.00")


def test_score_staff_month_combines_a_hand_computed_month():
    # KPI: 82.03125 (timeliness 80, resolution 82.5, satisfaction 85.625, complaint 80).
    # Quality: (87.25 + 91.75) / 2 = 89.5. Learning: 4 hours, result 88.5.
    # Composite: (50 × 82.03125 + 30 × 89.5 + 20 × 88.5) / 100 = 85.565625 → 85.57.
    score = score_staff_month(
        kpis=kpis(
            timeliness="98.00", resolution="95.50", satisfaction="92.25", complaint="0.50", contacts=150
        ),
        quality_scores=[D("87.25"), D("91.75")],
        in_service_hours=D("1.75") + D("2.25"),
        learning_results=[D("88.5")],
        policy=DEFAULT_POLICY,
    )
    assert score == MonthlyScore(
        kpi=D("82.03125"), quality=D("89.5"), learning=D("88.5"), composite=D("85.57"), partial=False
    )


def test_score_staff_month_with_hours_short_and_no_quality_is_partial_with_learning_zero():
    score = score_staff_month(
        kpis=kpis(),
        quality_scores=[],
        in_service_hours=D("3.5"),
        learning_results=[D("99")],
        policy=DEFAULT_POLICY,
    )
    # (50 × 80 + 20 × 0) / 70 = 57.142857…
    assert (score.learning, score.composite, score.partial) == (D(0), D("57.14"), True)


def test_a_composite_exactly_at_a_half_cent_rounds_up_although_its_components_have_no_finite_decimal():
    # KPI points in thirds (timeliness spans 1.5, satisfaction 15) and a mean of six results: the exact
    # composite is 67.205 and rounds half-up to 67.21. Means rounded to 28 digits on the way landed just
    # below, on 67.20.
    score = score_staff_month(
        kpis=kpis(timeliness="97.90", resolution="88.15", satisfaction="82.09", complaint="0.08"),
        quality_scores=[D("78.23")],
        in_service_hours=D(4),
        learning_results=[D(v) for v in ("52.35", "54.77", "78.43", "57.47", "72.76", "88.75")],
        policy=DEFAULT_POLICY,
    )
    exact = (50 * Fraction(score.kpi) + 30 * Fraction(score.quality) + 20 * Fraction(score.learning)) / 100
    assert exact == Fraction("67.205")
    assert score.composite == D("67.21")


# Explanation


def test_kpi_explanation_lists_each_kpi_against_its_target():
    rows = kpi_explanation(kpis(timeliness="94", complaint="0.3"), DEFAULT_POLICY)
    assert [row["code"] for row in rows] == list(KPI_CODES)
    timeliness, _, _, complaint = rows
    assert timeliness == {
        "code": "timeliness",
        "label": "Response timeliness rate",
        "label_zh": "响应及时率",
        "value": D("94"),
        "floor": D("90"),
        "target": D("98"),
        "excellence": D("99.5"),
        "lower_is_better": False,
        "points": D("40"),
        "meets_target": False,
        "needed_for_target": D("98"),
        "gap_to_target": D("4"),
    }
    assert complaint["lower_is_better"]
    assert complaint["meets_target"]
    assert complaint["needed_for_target"] is None
    assert complaint["gap_to_target"] == 0
    assert complaint["points"] == 90


def test_kpi_explanation_of_a_missed_complaint_target_names_the_ceiling_needed():
    rows = kpi_explanation(kpis(complaint="1.25"), DEFAULT_POLICY)
    complaint = rows[-1]
    assert (complaint["needed_for_target"], complaint["gap_to_target"], complaint["points"]) == (
        D("0.5"),
        D("0.75"),
        D("40"),
    )


def test_kpi_explanation_is_empty_without_a_kpi_row():
    assert kpi_explanation(None, DEFAULT_POLICY) == []


def test_kpi_explanation_points_agree_with_the_kpi_component():
    values = kpis(timeliness="99.1", resolution="90.3", satisfaction="93.33", complaint="0.77")
    rows = kpi_explanation(values, DEFAULT_POLICY)
    assert sum(row["points"] for row in rows) / 4 == kpi_component(values, DEFAULT_POLICY)


# Properties

percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
distinct_triples = st.lists(percent, min_size=3, max_size=3, unique=True).map(sorted)


@st.composite
def bands(draw):
    low, mid, high = draw(distinct_triples)
    if draw(st.booleans()):
        return KpiBand(floor=low, target=mid, excellence=high)
    return KpiBand(floor=high, target=mid, excellence=low)


@given(band=bands(), a=percent, b=percent)
def test_kpi_points_are_within_0_and_100_and_monotone_in_the_better_direction(band, a, b):
    pa, pb = kpi_points(a, band), kpi_points(b, band)
    assert 0 <= pa <= 100
    assert 0 <= pb <= 100
    worse, better = (a, b) if a <= b else (b, a)
    if band.lower_is_better:
        worse, better = better, worse
    assert kpi_points(worse, band) <= kpi_points(better, band)


@given(band=bands())
def test_kpi_points_hit_0_80_100_at_floor_target_excellence(band):
    assert kpi_points(band.floor, band) == 0
    assert kpi_points(band.target, band) == 80
    assert kpi_points(band.excellence, band) == 100


optional_component = st.one_of(st.none(), percent)
weight = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@given(
    kpi=optional_component,
    quality=optional_component,
    learning=optional_component,
    weights=st.tuples(weight, weight, weight).filter(lambda w: sum(w) > 0),
)
def test_composite_is_within_0_and_100_and_between_the_present_components(kpi, quality, learning, weights):
    policy = replace(
        DEFAULT_POLICY, weight_kpi=weights[0], weight_quality=weights[1], weight_learning=weights[2]
    )
    score = composite_score(kpi, quality, learning, policy)
    present = [c for c in (kpi, quality, learning) if c is not None]
    assert score.partial == (len(present) < 3)
    present_weight = sum(w for c, w in zip((kpi, quality, learning), weights, strict=True) if c is not None)
    if score.composite is None:
        assert present_weight == 0
        return
    assert 0 <= score.composite <= 100
    assert round2(min(present)) <= score.composite <= round2(max(present))


# The whole-number path (a whole month at once) against the rules person by person

hours = st.decimals(min_value=0, max_value=12, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def policies(draw):
    weights = draw(st.tuples(weight, weight, weight).filter(lambda w: sum(w) > 0))
    return replace(
        DEFAULT_POLICY,
        **{code: draw(bands()) for code in KPI_CODES},
        weight_kpi=weights[0],
        weight_quality=weights[1],
        weight_learning=weights[2],
        required_hours=draw(st.sampled_from([D(0), D("3.5"), D(4), D("4.01")])),
    )


@st.composite
def month_inputs(draw, policy):
    def rate(code):
        band = policy.band(code)
        # The band's own points (0, 80, 100 and the clamps) are where the arithmetic is most likely to slip.
        return draw(st.one_of(st.sampled_from([band.floor, band.target, band.excellence]), percent))

    kpi_values = None
    if draw(st.booleans()):
        kpi_values = KpiValues(
            contacts_handled=100,
            major_complaints=0,
            **{code: rate(code) for code in KPI_CODES},
        )
    return {
        "kpis": kpi_values,
        "quality_scores": draw(st.lists(percent, max_size=7)),
        "in_service_hours": draw(st.one_of(st.just(policy.required_hours), hours)),
        "learning_results": draw(st.lists(percent, max_size=7)),
    }


def hundredths(value):
    return int(value * 100)


@given(data=st.data())
def test_the_whole_number_path_gives_the_rules_results_exactly(data):
    policy = data.draw(policies() if data.draw(st.booleans()) else st.just(DEFAULT_POLICY))
    inputs = data.draw(month_inputs(policy))
    expected = score_staff_month(**inputs, policy=policy)
    whole = IntegerPolicy.of(policy)

    assert score_staff_month_fast(**inputs, policy=whole) == expected
    kpis_in_hundredths = (
        None if inputs["kpis"] is None else [hundredths(inputs["kpis"].value(c)) for c in KPI_CODES]
    )
    stored = score_in_hundredths(
        whole,
        kpis_in_hundredths,
        sum(map(hundredths, inputs["quality_scores"])),
        len(inputs["quality_scores"]),
        hundredths(inputs["in_service_hours"]),
        sum(map(hundredths, inputs["learning_results"])),
        len(inputs["learning_results"]),
    )
    rounded = [
        None if c is None else round2(c) * 100 for c in (expected.kpi, expected.quality, expected.learning)
    ]
    composite = None if expected.composite is None else expected.composite * 100
    assert stored == (*rounded, composite, expected.partial)


def _totals(inputs) -> tuple:
    kpis = None if inputs["kpis"] is None else tuple(hundredths(inputs["kpis"].value(c)) for c in KPI_CODES)
    return (
        kpis,
        sum(map(hundredths, inputs["quality_scores"])),
        len(inputs["quality_scores"]),
        hundredths(inputs["in_service_hours"]),
        sum(map(hundredths, inputs["learning_results"])),
        len(inputs["learning_results"]),
    )


@given(data=st.data())
def test_a_whole_month_at_once_gives_each_persons_score_exactly(data):
    policy = data.draw(policies() if data.draw(st.booleans()) else st.just(DEFAULT_POLICY))
    people = data.draw(st.lists(month_inputs(policy), min_size=1, max_size=8))
    whole = IntegerPolicy.of(policy)
    totals = [(n, *_totals(inputs)) for n, inputs in enumerate(people)]
    # Twice over: the second pass reads the points worked out in the first.
    expected = [(n, *score_in_hundredths(whole, *rest), rest[3]) for n, *rest in totals]

    assert month_in_hundredths(whole, totals + totals) == expected + expected


def test_a_policy_value_with_more_than_two_decimals_cannot_be_made_whole():
    with pytest.raises(ValueError, match="2 decimals"):
        IntegerPolicy.of(replace(DEFAULT_POLICY, weight_kpi=D("50.005")))
