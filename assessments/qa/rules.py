"""The monthly QA sample as plain functions: which calls are drawn and who evaluates them. No ORM, no clock.

The draw is reproducible: each agent's picks depend only on the draw's seed, the agent's employee number and
the call ids the agent had to draw from, so replaying a recorded seed on the same calls gives the same sample.
"""

import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from portal.months import last_of_month


def new_seed() -> str:
    """A fresh random seed for a draw (recorded with it)."""
    return secrets.token_hex(8)


def draw_sample(
    eligible: Mapping[str, Iterable[str]], wanted: Mapping[str, int], seed: str
) -> dict[str, list[str]]:
    """Each agent's drawn call ids, sorted: `wanted[agent]` of `eligible[agent]` at random, or all of them when
    fewer are eligible. Agents are keyed by employee number; an agent not in `wanted` (or wanting 0) draws
    nothing. No call is drawn twice."""
    drawn: dict[str, list[str]] = {}
    for agent in sorted(eligible):
        want = wanted.get(agent, 0)
        candidates = sorted(set(eligible[agent]))
        if want <= 0 or not candidates:
            continue
        if len(candidates) <= want:
            drawn[agent] = candidates
            continue
        rng = random.Random(f"{seed}:{agent}")
        drawn[agent] = sorted(rng.sample(candidates, want))
    return drawn


class NoEvaluatorError(Exception):
    """No QA evaluator may take an agent's calls (every one is the agent or the agent's team lead)."""

    def __init__(self, agent: str):
        super().__init__(agent)
        self.agent = agent


@dataclass(frozen=True)
class Pick:
    agent: str  # employee number
    call_id: str


def assign_evaluators(
    picks: Sequence[Pick],
    evaluators: Sequence[str],
    *,
    excluded: Mapping[str, set[str]],
    load: Mapping[str, int] | None = None,
    capacity: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """{call id: evaluator} for `picks`, taken in (agent, call id) order, each to the evaluator with the most room
    left: the lowest share of their capacity already assigned (`load`: calls assigned earlier this month;
    `capacity`: calls an evaluator can take a month, equal for all when not given), then the lower employee
    number. An evaluator in `excluded[agent]` (the agent themselves, their own team lead) never gets that
    agent's calls; raises `NoEvaluatorError` when nobody else is left.
    """
    assigned_load = {evaluator: (load or {}).get(evaluator, 0) for evaluator in evaluators}
    room = {evaluator: max(1, (capacity or {}).get(evaluator, 1)) for evaluator in evaluators}
    ordered = sorted(evaluators)
    result: dict[str, str] = {}
    for pick in sorted(picks, key=lambda p: (p.agent, p.call_id)):
        barred = excluded.get(pick.agent, set())
        candidates = [e for e in ordered if e != pick.agent and e not in barred]
        if not candidates:
            raise NoEvaluatorError(pick.agent)
        # Exact shares: 2/20 and 1/10 are a tie, broken by employee number, never by float rounding.
        chosen = min(candidates, key=lambda e: (Fraction(assigned_load[e], room[e]), e))
        result[pick.call_id] = chosen
        assigned_load[chosen] += 1
    return result


def checks_due(sampled: int, per_agent: int, eligible: int) -> int:
    """How many spot checks an agent is due in a month: the plan, or every eligible call when fewer; never less
    than what was already drawn."""
    return max(sampled, min(per_agent, eligible))


# A call drawn late (a top-up in the month's last days, or after it ended) still gets this many days.
SPOT_CHECK_MIN_DAYS = 7


def spot_check_due_on(call_month: date, drawn_on: date) -> date:
    """A sampled call is due for evaluation by the last day of its month (it counts in that month), or
    SPOT_CHECK_MIN_DAYS after the day it was drawn when that is later."""
    return max(last_of_month(call_month), drawn_on + timedelta(days=SPOT_CHECK_MIN_DAYS))
