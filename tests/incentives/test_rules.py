"""Pure tests of the incentive rules: Service Star eligibility and ranking, suggestion awards (no database)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring.rules import DEFAULT_POLICY, KpiValues, composite_score, score_staff_month
from incentives.rules import (
    DEFAULT_AWARD_TIERS,
    REASON_CODES,
    SUGGESTION_CRITERIA,
    AwardTier,
    Candidate,
    eligibility_reasons,
    policy_version_in_force,
    policy_versions_in_force,
    rank_service_star_candidates,
    ranking_key,
    suggestion_award_amount,
    suggestion_value_score,
    validate_reviewer_scores,
)

D = Decimal
OCTOBER = date(2026, 10, 1)


def kpis(timeliness="98", resolution="95", satisfaction="90", complaint="0.5", contacts=100, major=0):
    """A KPI row exactly at every default target and minimum: the eligible boundary."""
    return KpiValues(
        contacts_handled=contacts,
        timeliness=D(timeliness),
        resolution=D(resolution),
        satisfaction=D(satisfaction),
        complaint=D(complaint),
        major_complaints=major,
    )


_UNSET = object()


def candidate(
    no="E00001",
    *,
    staff_id=None,
    onboarded_on=date(2026, 9, 30),
    hours="4",
    kpi_row=_UNSET,
    quality=("80",),
    results=(),
    composite=None,
    excluded=False,
):
    """An eligible candidate at every boundary unless overridden; the score is computed by the real rules,
    or made of a KPI component alone when ``composite`` pins it."""
    row = kpis() if kpi_row is _UNSET else kpi_row
    if composite is not None:
        score = composite_score(D(composite), None, None, DEFAULT_POLICY)
    else:
        score = score_staff_month(
            kpis=row,
            quality_scores=[D(q) for q in quality],
            in_service_hours=D(hours),
            learning_results=[D(r) for r in results],
            policy=DEFAULT_POLICY,
        )
    return Candidate(
        staff_id=staff_id if staff_id is not None else int(no.lstrip("E")),
        employee_no=no,
        name=f"Staff {no}",
        onboarded_on=onboarded_on,
        in_service_hours=D(hours),
        kpis=row,
        score=score if score.has_score else None,
        excluded=excluded,
    )


def reasons_of(c, month=OCTOBER, policy=DEFAULT_POLICY):
    return eligibility_reasons(c, month=month, policy=policy)


# Eligibility


def test_values_exactly_at_every_target_and_minimum_are_eligible():
    assert reasons_of(candidate()) == []


def test_onboarding_completed_on_the_last_day_of_the_previous_month_is_in_time():
    assert reasons_of(candidate(onboarded_on=date(2026, 9, 30))) == []


def test_onboarding_completed_on_the_first_day_of_the_month_is_too_late():
    assert reasons_of(candidate(onboarded_on=date(2026, 10, 1))) == ["onboarding_incomplete"]


def test_onboarding_not_completed_is_ineligible():
    assert reasons_of(candidate(onboarded_on=None)) == ["onboarding_incomplete"]


def test_the_month_may_be_given_as_any_day_of_it():
    late = candidate(onboarded_on=date(2026, 10, 1))
    assert reasons_of(late, month=date(2026, 10, 20)) == ["onboarding_incomplete"]
    assert reasons_of(late, month=date(2026, 11, 1)) == []


def test_hours_just_below_the_requirement_are_short():
    assert reasons_of(candidate(hours="3.99")) == ["training_hours_short"]


def test_ninety_nine_contacts_are_too_few():
    assert reasons_of(candidate(kpi_row=kpis(contacts=99))) == ["too_few_contacts"]


@pytest.mark.parametrize(
    "missed",
    [{"timeliness": "97.99"}, {"resolution": "94.99"}, {"satisfaction": "89.99"}, {"complaint": "0.51"}],
)
def test_missing_any_one_kpi_target_by_a_hundredth_is_ineligible(missed):
    assert reasons_of(candidate(kpi_row=kpis(**missed))) == ["kpi_target_missed"]


def test_an_upheld_major_complaint_is_ineligible():
    assert reasons_of(candidate(kpi_row=kpis(major=1))) == ["major_complaint"]


def test_exclusion_by_hr_is_ineligible():
    assert reasons_of(candidate(excluded=True)) == ["excluded_by_hr"]


def test_without_a_kpi_row_only_no_kpi_data_is_given_of_the_kpi_based_codes():
    assert reasons_of(candidate(kpi_row=None, quality=("99",))) == ["no_kpi_data"]


def test_a_staff_member_with_no_score_at_all_is_ineligible_with_the_codes_that_apply():
    nothing = candidate(kpi_row=None, quality=(), hours="4")
    assert nothing.score is None
    assert reasons_of(nothing) == ["no_kpi_data"]
    still_onboarding = replace(nothing, onboarded_on=None, excluded=True)
    assert reasons_of(still_onboarding) == ["onboarding_incomplete", "no_kpi_data", "excluded_by_hr"]


def test_every_applicable_reason_is_given_in_reason_code_order():
    c = candidate(
        onboarded_on=None,
        hours="0",
        kpi_row=kpis(satisfaction="70", contacts=12, major=2),
        excluded=True,
    )
    assert reasons_of(c) == [code for code in REASON_CODES if code != "no_kpi_data"]


def test_eligibility_follows_the_policys_minimums():
    policy = replace(DEFAULT_POLICY, min_contacts=50, required_hours=D("2"))
    assert reasons_of(candidate(hours="2", kpi_row=kpis(contacts=50)), policy=policy) == []


def test_a_kpi_row_without_a_score_is_refused_as_inconsistent_input():
    c = replace(candidate(), score=None)
    with pytest.raises(ValueError, match="no score"):
        reasons_of(c)


# Ranking


def test_eligible_candidates_are_ranked_by_composite_descending():
    low, high, mid = (
        candidate("E00001", composite="81"),
        candidate("E00002", composite="95.03"),
        candidate("E00003", composite="88"),
    )
    proposal = rank_service_star_candidates([low, high, mid], month=OCTOBER, policy=DEFAULT_POLICY)
    assert [c.employee_no for c in proposal.winners] == ["E00002", "E00003", "E00001"]


# Each tie-breaker in turn: the two differ first at that level; the better one has the higher employee number so
# that only the tie-breaker under test can put it first.
TIE_BREAKERS = [
    ("satisfaction", {"satisfaction": "91"}, {"satisfaction": "92"}),
    ("complaint", {"complaint": "0.40"}, {"complaint": "0.30"}),
    ("resolution", {"resolution": "96"}, {"resolution": "97"}),
    ("timeliness", {"timeliness": "98.5"}, {"timeliness": "99"}),
]


@pytest.mark.parametrize(("level", "worse", "better"), TIE_BREAKERS, ids=[t[0] for t in TIE_BREAKERS])
def test_a_tie_at_the_cut_is_broken_by_each_tie_breaker_in_turn(level, worse, better):
    # Every KPI above target so that each single change keeps the pair eligible; equal elsewhere.
    base = {"timeliness": "98.5", "resolution": "96", "satisfaction": "91", "complaint": "0.40"}
    leaders = [candidate(f"E001{i:02d}", composite=str(95 - i)) for i in range(9)]
    loser = candidate("E00010", kpi_row=kpis(**base | worse), composite="85")
    winner = candidate("E00011", kpi_row=kpis(**base | better), composite="85")

    proposal = rank_service_star_candidates([*leaders, loser, winner], month=OCTOBER, policy=DEFAULT_POLICY)

    assert proposal.winners[-1].employee_no == "E00011", level
    assert [c.employee_no for c in proposal.ranked_eligible[9:]] == ["E00011", "E00010"]
    assert loser not in proposal.winners


def test_a_full_tie_at_the_cut_goes_to_the_lower_employee_number():
    leaders = [candidate(f"E001{i:02d}", composite=str(95 - i)) for i in range(9)]
    tied = [candidate("E00012", composite="85"), candidate("E00011", composite="85")]
    proposal = rank_service_star_candidates([*leaders, *tied], month=OCTOBER, policy=DEFAULT_POLICY)
    assert proposal.winners[-1].employee_no == "E00011"
    assert proposal.ranked_eligible[-1].employee_no == "E00012"


# Adjacent tie-breakers: the first candidate is better only on the higher-priority one, the second better on the
# lower-priority one (and has the lower employee number), so the first must still rank ahead.
PRIORITY_PAIRS = [
    (
        "satisfaction over complaint",
        {"satisfaction": "92", "complaint": "0.4"},
        {"satisfaction": "91", "complaint": "0.1"},
    ),
    (
        "complaint over resolution",
        {"complaint": "0.3", "resolution": "96"},
        {"complaint": "0.4", "resolution": "99"},
    ),
    (
        "resolution over timeliness",
        {"resolution": "97", "timeliness": "98.5"},
        {"resolution": "96", "timeliness": "99.5"},
    ),
    ("timeliness over employee number", {"timeliness": "99"}, {"timeliness": "98.5"}),
]


@pytest.mark.parametrize(("case", "first", "second"), PRIORITY_PAIRS, ids=[p[0] for p in PRIORITY_PAIRS])
def test_tie_breakers_apply_in_priority_order(case, first, second):
    base = {"timeliness": "98.5", "resolution": "96", "satisfaction": "91", "complaint": "0.40"}
    ahead = candidate("E00002", kpi_row=kpis(**base | first), composite="85")
    behind = candidate("E00001", kpi_row=kpis(**base | second), composite="85")
    assert sorted([behind, ahead], key=ranking_key) == [ahead, behind], case


def test_ranking_uses_the_composite_rounded_to_two_places():
    # 85.004 and 85.001 both round to 85.00, so satisfaction decides despite the lower unrounded value.
    first = candidate("E00001", kpi_row=kpis(satisfaction="95"), composite="85.001")
    second = candidate("E00002", kpi_row=kpis(satisfaction="91"), composite="85.004")
    proposal = rank_service_star_candidates([second, first], month=OCTOBER, policy=DEFAULT_POLICY)
    assert [c.employee_no for c in proposal.winners] == ["E00001", "E00002"]


def test_ranking_key_rounds_a_composite_given_unrounded():
    # Defensive: MonthlyScore.composite is rounded already, but the key does not rely on it.
    first = candidate("E00001", kpi_row=kpis(satisfaction="95"))
    second = candidate("E00002", kpi_row=kpis(satisfaction="91"))
    first = replace(first, score=replace(first.score, composite=D("85.001")))
    second = replace(second, score=replace(second.score, composite=D("85.004")))
    assert sorted([second, first], key=ranking_key) == [first, second]


def test_fewer_than_ten_eligible_gives_fewer_winners_and_never_fills_with_ineligible():
    eligible = [candidate(f"E000{i:02d}", composite=str(80 + i)) for i in range(3)]
    ineligible = [candidate(f"E009{i:02d}", composite="99", kpi_row=kpis(contacts=99)) for i in range(10)]
    proposal = rank_service_star_candidates([*ineligible, *eligible], month=OCTOBER, policy=DEFAULT_POLICY)
    assert [c.employee_no for c in proposal.winners] == ["E00002", "E00001", "E00000"]
    assert proposal.ranked_eligible == proposal.winners
    assert len(proposal.ineligible) == 10


def test_only_the_policys_number_of_winners_win():
    field = [candidate(f"E000{i:02d}", composite=str(70 + i)) for i in range(12)]
    proposal = rank_service_star_candidates(field, month=OCTOBER, policy=DEFAULT_POLICY)
    assert len(proposal.winners) == 10
    assert len(proposal.ranked_eligible) == 12
    assert proposal.ranked_eligible[:10] == proposal.winners
    three = rank_service_star_candidates(field, month=OCTOBER, policy=replace(DEFAULT_POLICY, winners=3))
    assert [c.employee_no for c in three.winners] == ["E00011", "E00010", "E00009"]


def test_excluding_a_winner_moves_the_next_eligible_up():
    field = [candidate(f"E000{i:02d}", composite=str(70 + i)) for i in range(11)]
    before = rank_service_star_candidates(field, month=OCTOBER, policy=DEFAULT_POLICY)
    assert "E00000" not in [c.employee_no for c in before.winners]

    field[10] = replace(field[10], excluded=True)
    after = rank_service_star_candidates(field, month=OCTOBER, policy=DEFAULT_POLICY)

    assert [c.employee_no for c in after.winners][-1] == "E00000"
    assert [(c.employee_no, reasons) for c, reasons in after.ineligible] == [("E00010", ["excluded_by_hr"])]


def test_a_partial_score_may_win():
    partial = candidate("E00001", quality=(), hours="4")
    assert partial.score.partial
    proposal = rank_service_star_candidates([partial], month=OCTOBER, policy=DEFAULT_POLICY)
    assert proposal.winners == [partial]


def test_ineligible_candidates_are_listed_with_their_reasons_by_employee_number():
    late = candidate("E00003", onboarded_on=OCTOBER)
    no_row = candidate("E00001", kpi_row=None)
    ok = candidate("E00002")
    proposal = rank_service_star_candidates([late, ok, no_row], month=OCTOBER, policy=DEFAULT_POLICY)
    assert [(c.employee_no, reasons) for c, reasons in proposal.ineligible] == [
        ("E00001", ["no_kpi_data"]),
        ("E00003", ["onboarding_incomplete"]),
    ]
    assert proposal.winners == [ok]


def test_no_candidates_give_an_empty_proposal():
    proposal = rank_service_star_candidates([], month=OCTOBER, policy=DEFAULT_POLICY)
    assert (proposal.winners, proposal.ranked_eligible, proposal.ineligible) == ([], [], [])


def test_a_staff_member_may_be_a_candidate_only_once():
    with pytest.raises(ValueError, match="only once"):
        rank_service_star_candidates(
            [candidate("E00001", staff_id=7), candidate("E00002", staff_id=7)],
            month=OCTOBER,
            policy=DEFAULT_POLICY,
        )


def test_ranking_key_refuses_a_candidate_without_kpis_or_score():
    with pytest.raises(ValueError, match="ranked"):
        ranking_key(candidate(kpi_row=None))


# Suggestions: reviewer scores


def test_the_criteria_weights_sum_to_100():
    assert sum(weight for _, weight in SUGGESTION_CRITERIA) == 100


def test_valid_reviewer_scores_pass_including_whole_numbers_and_bounds():
    validate_reviewer_scores([D("0"), D("0.5"), D("5"), D("2.50"), 3])


@pytest.mark.parametrize("count", [0, 4, 6])
def test_a_wrong_number_of_scores_is_refused(count):
    with pytest.raises(ValueError, match=f"expected 5 scores .*got {count}"):
        validate_reviewer_scores([D(3)] * count)


@pytest.mark.parametrize(("index", "name"), list(enumerate(name for name, _ in SUGGESTION_CRITERIA)))
@pytest.mark.parametrize("bad", ["5.5", "-0.5", "6"])
def test_a_score_outside_0_to_5_is_refused_naming_the_criterion(index, name, bad):
    scores = [D(3)] * 5
    scores[index] = D(bad)
    with pytest.raises(ValueError, match=f"^{name}: score {bad} is outside 0–5$"):
        validate_reviewer_scores(scores)


@pytest.mark.parametrize("bad", ["2.25", "0.1", "4.99"])
def test_a_score_not_in_half_steps_is_refused(bad):
    with pytest.raises(ValueError, match=f"feasibility: score {bad} is not a multiple of 0.5"):
        validate_reviewer_scores([D(3), D(3), D(3), D(bad), D(3)])


@pytest.mark.parametrize("bad", [D("NaN"), D("Infinity")])
def test_a_non_finite_score_is_refused(bad):
    with pytest.raises(ValueError, match="originality"):
        validate_reviewer_scores([D(3), D(3), D(3), D(3), bad])


@pytest.mark.parametrize("bad", [3.5, "3.5", True])
def test_a_score_that_is_not_a_decimal_is_a_type_error(bad):
    with pytest.raises(TypeError, match="customer_impact"):
        validate_reviewer_scores([bad, D(3), D(3), D(3), D(3)])


# Suggestions: value score


def test_the_issues_worked_example_is_worth_66_50_and_2000_yuan():
    value = suggestion_value_score(
        [[D("4"), D("3.5"), D("5"), D("2"), D("1")], [D("3"), D("4"), D("4"), D("2.5"), D("1")]]
    )
    assert str(value) == "66.50"
    assert suggestion_award_amount(value) == 2000


def test_top_and_bottom_scores_give_100_and_0():
    assert suggestion_value_score([[D(5)] * 5] * 2) == D("100.00")
    assert suggestion_value_score([[D(0)] * 5] * 3) == D("0.00")


def test_value_score_is_rounded_half_up_once():
    # Four reviews, one 0.5 on efficiency: 25 × (0.125 / 5) = 0.625 → 0.63 (half-even would give 0.62).
    reviews = [[D(0), D("0.5"), D(0), D(0), D(0)]] + [[D(0)] * 5] * 3
    assert str(suggestion_value_score(reviews)) == "0.63"


def test_three_reviewers_average_per_criterion():
    # Means 4, 3, 2, 1, 5 → 30 × 0.8 + 25 × 0.6 + 20 × 0.4 + 15 × 0.2 + 10 × 1 = 60.
    reviews = [
        [D(5), D(3), D(2), D(1), D(5)],
        [D(4), D(2), D(2), D("0.5"), D(5)],
        [D(3), D(4), D(2), D("1.5"), D(5)],
    ]
    assert suggestion_value_score(reviews) == D("60.00")


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_reviews_is_refused(count):
    with pytest.raises(ValueError, match="at least 2 reviews"):
        suggestion_value_score([[D(3)] * 5] * count)


def test_an_invalid_review_is_refused_naming_the_review_and_criterion():
    with pytest.raises(ValueError, match="^review 2: originality: score 7 is outside 0–5$"):
        suggestion_value_score([[D(3)] * 5, [D(3), D(3), D(3), D(3), D(7)]])


# Suggestions: award tiers


@pytest.mark.parametrize(
    ("value", "yuan"),
    [
        ("0", 500),
        ("39.99", 500),
        ("40", 1000),
        ("40.00", 1000),
        ("54.99", 1000),
        ("55", 2000),
        ("69.99", 2000),
        ("70", 3000),
        ("84.99", 3000),
        ("85", 5000),
        ("85.01", 5000),
        ("100", 5000),
    ],
)
def test_award_tiers_at_and_around_every_bound(value, yuan):
    assert suggestion_award_amount(D(value)) == yuan


@pytest.mark.parametrize(
    ("value", "yuan"),
    [("84.995", 5000), ("84.994", 3000), ("39.995", 1000), ("39.9949", 500), ("69.995", 3000)],
)
def test_tiers_apply_to_the_published_value_score_rounded_to_two_places(value, yuan):
    assert suggestion_award_amount(D(value)) == yuan


@pytest.mark.parametrize("value", ["-0.01", "100.01"])
def test_a_value_score_outside_0_to_100_is_refused(value):
    with pytest.raises(ValueError, match="0–100"):
        suggestion_award_amount(D(value))


def test_custom_tiers_are_used_in_any_order():
    tiers = (AwardTier(D(0), 100), AwardTier(D(90), 8000), AwardTier(D(50), 600))
    assert [suggestion_award_amount(D(v), tiers) for v in ("49.99", "50", "89.99", "90")] == [
        100,
        600,
        600,
        8000,
    ]


def test_a_score_below_every_tier_is_refused():
    with pytest.raises(ValueError, match="no award tier"):
        suggestion_award_amount(D("10"), (AwardTier(D(20), 100),))


def test_the_default_tiers_match_the_domain():
    assert [(t.min_score, t.amount_yuan) for t in DEFAULT_AWARD_TIERS] == [
        (D(85), 5000),
        (D(70), 3000),
        (D(55), 2000),
        (D(40), 1000),
        (D(0), 500),
    ]


@pytest.mark.parametrize(("min_score", "amount"), [("-1", 100), ("100.01", 100), ("50", -1)])
def test_an_impossible_award_tier_is_refused(min_score, amount):
    with pytest.raises(ValueError):
        AwardTier(D(min_score), amount)


half_steps = st.integers(min_value=0, max_value=10).map(lambda n: D(n) / 2)
reviews_strategy = st.lists(st.lists(half_steps, min_size=5, max_size=5), min_size=2, max_size=8)


@given(reviews=reviews_strategy)
def test_value_score_is_within_0_and_100_with_two_places_and_always_earns_a_tier(reviews):
    value = suggestion_value_score(reviews)
    assert D(0) <= value <= D(100)
    assert value.as_tuple().exponent == -2
    assert suggestion_award_amount(value) in {t.amount_yuan for t in DEFAULT_AWARD_TIERS}


def test_the_policy_in_force_is_the_latest_started_version_else_the_default():
    versions = {1: None, 2: date(2026, 3, 1), 3: date(2026, 11, 1)}
    assert policy_version_in_force(versions, date(2026, 2, 28)) == 1
    assert policy_version_in_force(versions, date(2026, 3, 31)) == 2
    assert policy_versions_in_force(versions, [OCTOBER, date(2026, 11, 1), date(2027, 5, 1)]) == {
        OCTOBER: 2,
        date(2026, 11, 1): 3,
        date(2027, 5, 1): 3,
    }
    with pytest.raises(ValueError):
        policy_version_in_force({2: date(2026, 3, 1)}, date(2026, 1, 1))
