"""The monthly QA sample as pure rules: a fair draw reproducible from its seed, and who may evaluate whom."""

import pytest

from assessments.qa.rules import NoEvaluatorError, Pick, assign_evaluators, checks_due, draw_sample

CALLS = {
    "A0001": [f"A1-{n:03d}" for n in range(40)],
    "A0002": [f"A2-{n:03d}" for n in range(12)],
    "A0003": ["A3-001", "A3-002"],
    "A0004": [],
}


def test_every_agent_with_enough_calls_gets_exactly_the_plan_and_fewer_get_all_of_theirs():
    drawn = draw_sample(CALLS, dict.fromkeys(CALLS, 3), "seed-1")
    assert {agent: len(ids) for agent, ids in drawn.items()} == {"A0001": 3, "A0002": 3, "A0003": 2}
    for agent, ids in drawn.items():
        assert len(set(ids)) == len(ids)
        assert set(ids) <= set(CALLS[agent])


def test_the_same_seed_draws_the_same_calls_and_another_seed_usually_not():
    first = draw_sample(CALLS, dict.fromkeys(CALLS, 3), "7f3a")
    assert draw_sample(CALLS, dict.fromkeys(CALLS, 3), "7f3a") == first
    # The order in which calls are listed does not matter, only which calls there are.
    shuffled = {agent: list(reversed(ids)) for agent, ids in CALLS.items()}
    assert draw_sample(shuffled, dict.fromkeys(CALLS, 3), "7f3a") == first
    others = [draw_sample(CALLS, dict.fromkeys(CALLS, 3), f"other-{n}")["A0001"] for n in range(5)]
    assert any(other != first["A0001"] for other in others)


def test_one_agents_draw_does_not_depend_on_the_other_agents():
    alone = draw_sample({"A0001": CALLS["A0001"]}, {"A0001": 3}, "s")
    together = draw_sample(CALLS, dict.fromkeys(CALLS, 3), "s")
    assert alone["A0001"] == together["A0001"]


def test_the_draw_is_uniform_over_many_seeds():
    counts = dict.fromkeys(CALLS["A0002"], 0)
    for n in range(1200):
        for call_id in draw_sample({"A0002": CALLS["A0002"]}, {"A0002": 3}, f"u{n}")["A0002"]:
            counts[call_id] += 1
    # 1200 draws × 3 of 12 calls: 300 each expected; a biased draw would leave some far off.
    assert all(230 < count < 370 for count in counts.values()), counts


def test_an_agent_who_needs_nothing_more_draws_nothing():
    assert draw_sample(CALLS, {"A0001": 0, "A0002": -1}, "s") == {}


def test_evaluators_never_get_their_own_calls_or_their_team_members_calls():
    picks = [Pick("A0001", f"c{n}") for n in range(6)] + [Pick("Q0001", "q-own")]
    assigned = assign_evaluators(
        picks,
        ["Q0001", "Q0002", "L0001"],
        excluded={"A0001": {"A0001", "L0001"}, "Q0001": {"Q0001"}},
    )
    assert assigned["q-own"] != "Q0001"
    assert {assigned[f"c{n}"] for n in range(6)} == {"Q0001", "Q0002"}  # never L0001, the agent's lead


def test_calls_go_to_the_evaluator_with_the_most_room_left():
    picks = [Pick("A0001", f"c{n}") for n in range(6)]
    assigned = assign_evaluators(picks, ["Q0001", "Q0002"], excluded={}, load={"Q0001": 4})
    # Q0001 already has 4 this month: Q0002 takes the first four, then they alternate.
    assert [assigned[f"c{n}"] for n in range(6)] == ["Q0002"] * 4 + ["Q0001", "Q0002"]
    by_capacity = assign_evaluators(picks, ["Q0001", "Q0002"], excluded={}, capacity={"Q0001": 2, "Q0002": 1})
    assert sorted(by_capacity.values()).count("Q0001") == 4


def test_no_evaluator_left_is_refused_naming_the_agent():
    with pytest.raises(NoEvaluatorError) as refused:
        assign_evaluators([Pick("A0001", "c1")], ["L0001"], excluded={"A0001": {"L0001"}})
    assert refused.value.agent == "A0001"


def test_checks_due_is_the_plan_or_every_eligible_call_when_fewer():
    assert checks_due(sampled=0, per_agent=3, eligible=10) == 3
    assert checks_due(sampled=0, per_agent=3, eligible=2) == 2
    assert checks_due(sampled=3, per_agent=2, eligible=10) == 3  # the plan was lowered after the draw
