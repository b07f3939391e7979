"""Quiz grading and timing rules: pure functions, no ORM, no request, no clock (times come in as arguments).

Answer data follows `assessments.models.bank` (`Question.data`); fractions are percents (strings or Decimals,
-100..100) in the data and 0–1 Decimals in results. A response is what the learner chose, in the question's
own option indices (display positions are mapped back by the caller through the attempt's stored order):
- single_choice: {"choice": i}; multiple_choice: {"choices": [i, ...]}; true_false: {"value": bool}
- short_answer / numerical / essay: {"text": "..."}; matching: {"matches": {"<left index>": <right index>}}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_CENTS = Decimal("0.01")
_SPACES = re.compile(r"\s+")

AUTO_GRADED = ("single_choice", "multiple_choice", "true_false", "short_answer", "numerical", "matching")
REVIEW_AFTER_SUBMISSION = "after_submission"
REVIEW_AFTER_CLOSE = "after_close"
REVIEW_NEVER = "never"


def round2(value: Decimal) -> Decimal:
    return value.quantize(_CENTS, rounding=ROUND_HALF_UP)


def normalise_text(text: str) -> str:
    """Short-answer comparison form: NFKC (full-width → half-width), case folded, spaces trimmed and collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


def parse_number(text: str) -> Decimal | None:
    """A learner's numeric answer: full-width digits and a decimal comma accepted; None when not a number."""
    cleaned = unicodedata.normalize("NFKC", str(text or "")).strip().replace(",", ".").replace(" ", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _percent(value) -> Decimal:
    return Decimal(str(value))


def _clamp(fraction: Decimal) -> Decimal:
    return min(max(fraction, ZERO), ONE)


def grade_response(qtype: str, data: dict, response: dict | None) -> Decimal | None:
    """The fraction (0–1) a response earns; None for an essay (graded by a trainer). No answer earns 0."""
    if qtype == "essay":
        return None
    if not response:
        return ZERO
    options = data.get("options", [])
    if qtype == "single_choice":
        index = response.get("choice")
        if not isinstance(index, int) or not 0 <= index < len(options):
            return ZERO
        return _clamp(_percent(options[index]["fraction"]) / HUNDRED)
    if qtype == "multiple_choice":
        chosen = {i for i in response.get("choices", []) if isinstance(i, int) and 0 <= i < len(options)}
        total = sum((_percent(options[i]["fraction"]) for i in chosen), ZERO)
        return _clamp(total / HUNDRED)
    if qtype == "true_false":
        value = response.get("value")
        if not isinstance(value, bool):
            return ZERO
        return ONE if value == bool(data.get("correct")) else ZERO
    if qtype == "short_answer":
        given = normalise_text(response.get("text", ""))
        if not given:
            return ZERO
        matches = [_percent(o["fraction"]) for o in options if normalise_text(o["text"]) == given]
        return _clamp(max(matches) / HUNDRED) if matches else ZERO
    if qtype == "numerical":
        value = parse_number(response.get("text", ""))
        if value is None:
            return ZERO
        earned = [
            _percent(answer["fraction"])
            for answer in data.get("numeric", [])
            if abs(value - Decimal(str(answer["value"]))) <= Decimal(str(answer["tolerance"]))
        ]
        return _clamp(max(earned) / HUNDRED) if earned else ZERO
    if qtype == "matching":
        pairs = data.get("pairs", [])
        subquestions = [i for i, (left, _right) in enumerate(pairs) if left]
        if not subquestions:
            return ZERO
        matches = response.get("matches") or {}
        right = 0
        for i in subquestions:
            chosen = matches.get(str(i))
            # Two pairs may share a right side: any pair with the same right text is a correct match.
            if isinstance(chosen, int) and 0 <= chosen < len(pairs) and pairs[chosen][1] == pairs[i][1]:
                right += 1
        return Decimal(right) / Decimal(len(subquestions))
    raise ValueError(f"unknown question type {qtype!r}")


def feedback_for(qtype: str, data: dict, response: dict | None) -> list[str]:
    """The per-option feedback a response triggers (for the review page, once review is allowed)."""
    if not response:
        return []
    options = data.get("options", [])
    if qtype == "single_choice":
        index = response.get("choice")
        return [options[index]["feedback"]] if isinstance(index, int) and 0 <= index < len(options) else []
    if qtype == "multiple_choice":
        return [options[i]["feedback"] for i in response.get("choices", []) if 0 <= i < len(options)]
    if qtype == "true_false":
        value = response.get("value")
        if isinstance(value, bool):
            return [data.get("true_feedback" if value else "false_feedback", "")]
        return []
    if qtype == "short_answer":
        given = normalise_text(response.get("text", ""))
        return [o["feedback"] for o in options if given and normalise_text(o["text"]) == given][:1]
    if qtype == "numerical":
        value = parse_number(response.get("text", ""))
        if value is None:
            return []
        return [
            a["feedback"]
            for a in data.get("numeric", [])
            if abs(value - Decimal(str(a["value"]))) <= Decimal(str(a["tolerance"]))
        ][:1]
    return []


@dataclass(frozen=True)
class AttemptGrade:
    """An attempt's result: `percent` rounded half-up to 2 places; None while essays wait for a trainer."""

    percent: Decimal | None
    passed: bool | None
    pending_manual: int


def grade_attempt(items: Iterable[tuple[Decimal, Decimal | None]], pass_percent: Decimal) -> AttemptGrade:
    """Combine (mark, fraction) per item; a None fraction is an essay not graded yet."""
    items = list(items)
    pending = sum(1 for _mark, fraction in items if fraction is None)
    if pending:
        return AttemptGrade(None, None, pending)
    total = sum((Decimal(mark) for mark, _f in items), ZERO)
    if total <= 0:
        return AttemptGrade(ZERO, ZERO >= pass_percent, 0)
    earned = sum((Decimal(mark) * fraction for mark, fraction in items), ZERO)
    percent = round2(earned * HUNDRED / total)
    return AttemptGrade(percent, percent >= pass_percent, 0)


def attempt_deadline(
    started_at: datetime, time_limit_minutes: int, closes_at: datetime | None
) -> datetime | None:
    """When an attempt must end: start + time limit, or the quiz's closing time if earlier; None: no limit."""
    candidates = []
    if time_limit_minutes:
        candidates.append(started_at + timedelta(minutes=time_limit_minutes))
    if closes_at is not None:
        candidates.append(closes_at)
    return min(candidates) if candidates else None


def accepts_answers(now: datetime, deadline: datetime | None, grace_seconds: int) -> bool:
    """Whether an answer arriving at `now` still counts: up to the deadline plus a small network grace."""
    return deadline is None or now <= deadline + timedelta(seconds=grace_seconds)


def is_expired(now: datetime, deadline: datetime | None, grace_seconds: int) -> bool:
    return not accepts_answers(now, deadline, grace_seconds)


def review_allowed(policy: str, *, submitted: bool, now: datetime, closes_at: datetime | None) -> bool:
    """Whether correct answers, fractions and feedback may be shown for an attempt."""
    if not submitted or policy == REVIEW_NEVER:
        return False
    if policy == REVIEW_AFTER_SUBMISSION:
        return True
    if policy == REVIEW_AFTER_CLOSE:
        return closes_at is not None and now >= closes_at
    return False


def attempts_left(max_attempts: int, used: int) -> int | None:
    """Attempts still allowed; None means no limit."""
    if not max_attempts:
        return None
    return max(max_attempts - used, 0)


def shuffled(count: int, rng) -> list[int]:
    """A random permutation of range(count) drawn with `rng` (a random.Random the caller seeds or owns)."""
    order = list(range(count))
    rng.shuffle(order)
    return order


def display_to_index(order: Sequence[int], position) -> int | None:
    """Map a displayed position back to the question's own option index through the stored order."""
    try:
        position = int(position)
    except (TypeError, ValueError):
        return None
    return order[position] if 0 <= position < len(order) else None


def scorecard_score(criteria: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """A scorecard's 0–100 score: Σ weight × level percent / Σ weight, rounded half-up to 2 places."""
    total = sum((Decimal(w) for w, _p in criteria), ZERO)
    if total <= 0:
        raise ValueError("a scorecard needs at least one criterion with a positive weight")
    return round2(sum((Decimal(w) * Decimal(p) for w, p in criteria), ZERO) / total)


# --- Exam integrity (a proportionate guard) ----------------------------------------------------------------------

# An absence shorter than this (an incoming call, a notification) is logged but not counted.
SHORT_ABSENCE_SECONDS = 15


def absence_counts(away_seconds: float) -> bool:
    """Whether leaving the exam page for `away_seconds` counts against the leave limit."""
    return away_seconds >= SHORT_ABSENCE_SECONDS


def over_leave_limit(limit: int | None, counted: int) -> bool:
    """One counted absence more than allowed submits the attempt; no limit set (None): never."""
    return limit is not None and counted > limit


def idle_submit_at(last_activity: datetime, idle_minutes: int) -> datetime | None:
    """When an attempt without activity since `last_activity` is submitted; None when the quiz does not."""
    if not idle_minutes:
        return None
    return last_activity + timedelta(minutes=idle_minutes)


def idle_prompt_seconds(idle_minutes: int, default: int) -> int:
    """When the exam page asks "still there?": after `default` seconds, or half the idle limit if that is shorter,
    so that the question always comes before the attempt is submitted."""
    if not idle_minutes:
        return default
    return max(min(default, idle_minutes * 30), 10)
