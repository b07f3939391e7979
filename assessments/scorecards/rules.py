"""Pure rules of QA evaluations: critical items and the appeal chain's deadlines. No ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


def critical_failures(chosen: Iterable[Mapping]) -> list[str]:
    """The names of the critical criteria scored at a 0% level (`chosen`: the evaluation's criteria rows, each
    with "criterion", "percent" and "critical")."""
    return [c["criterion"] for c in chosen if c.get("critical") and Decimal(str(c["percent"])) == 0]


def capped_score(score: Decimal, *, critical_failed: bool, cap: Decimal) -> Decimal:
    """The evaluation's score: the weighted score, or at most the policy's cap when a critical item failed."""
    return min(score, cap) if critical_failed else score


def dispute_deadline(*, evaluated_on: date, recorded_on: date, days: int) -> date:
    """The last day to dispute: `days` calendar days after the evaluation was recorded (or its date, if later)."""
    return max(recorded_on, evaluated_on) + timedelta(days=days)


# The steps of the appeal chain that wait for someone.
STEP_LEAD = "lead"  # the team lead endorses or rejects
STEP_QA_LEAD = "qa_lead"  # a QA lead decides an endorsed dispute


@dataclass(frozen=True)
class PendingStep:
    """The step a dispute waits for: whose (`STEP_LEAD` / `STEP_QA_LEAD`), since and until which date."""

    step: str
    since: date
    due_on: date

    def overdue(self, today: date) -> bool:
        return today > self.due_on


def pending_step(
    *,
    status: str,
    disputed_on: date | None,
    endorsed_on: date | None,
    endorse_days: int,
    decide_days: int,
) -> PendingStep | None:
    """The waiting step of a dispute in `status` ("open": the team lead's, "endorsed": a QA lead's), due the
    given number of calendar days after it began; None when the dispute is closed or there is none."""
    if status == "open" and disputed_on is not None:
        return PendingStep(STEP_LEAD, disputed_on, disputed_on + timedelta(days=endorse_days))
    if status == "endorsed" and endorsed_on is not None:
        return PendingStep(STEP_QA_LEAD, endorsed_on, endorsed_on + timedelta(days=decide_days))
    return None
