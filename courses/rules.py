"""Pure rules of the curriculum: policy targets of a programme, due dates, quarters, readable text diffs.

No ORM, no clock: dates and policy values come in as arguments.
"""

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from portal.months import add_months, first_of_month, last_of_month

# Default policy (domain brief, 培训): the 72-hour onboarding at 40% online theory / 60% offline practice,
# and the 4-hour monthly module. The leadership course has no hour target.
ONBOARDING_HOURS = Decimal("72")
MONTHLY_HOURS = Decimal("4")
ONLINE_SHARE = Decimal("0.40")
# How far the online share may stray from the policy before editors are warned ("about 40%").
ONLINE_SHARE_TOLERANCE = Decimal("0.05")

POLICY_HOURS = {"onboarding": ONBOARDING_HOURS, "monthly": MONTHLY_HOURS}
POLICY_ONLINE_SHARE = {"onboarding": ONLINE_SHARE}


@dataclass(frozen=True)
class PlanCheck:
    """A programme's planned hours against the policy for its kind; `warnings` are message codes with values."""

    total: Decimal
    online: Decimal
    offline: Decimal
    target_hours: Decimal | None
    target_online_share: Decimal | None
    warnings: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def online_share(self) -> Decimal | None:
        if not self.total:
            return None
        return (self.online / self.total * 100).quantize(Decimal("0.1"))

    @property
    def target_online_percent(self) -> Decimal | None:
        share = self.target_online_share
        return None if share is None else (share * 100).quantize(Decimal("1"))

    @property
    def target_offline_percent(self) -> Decimal | None:
        share = self.target_online_percent
        return None if share is None else Decimal(100) - share

    @property
    def offline_share(self) -> Decimal | None:
        share = self.online_share
        return None if share is None else Decimal(100) - share


def check_plan(kind: str, online_hours: Decimal, offline_hours: Decimal) -> PlanCheck:
    """Compare planned online/offline hours with the policy for a programme kind."""
    total = online_hours + offline_hours
    target_hours = POLICY_HOURS.get(kind)
    target_share = POLICY_ONLINE_SHARE.get(kind)
    warnings: list[tuple[str, dict]] = []
    if target_hours is not None and total != target_hours:
        warnings.append(("hours", {"total": total, "target": target_hours}))
    if target_share is not None and total:
        share = online_hours / total
        if abs(share - target_share) > ONLINE_SHARE_TOLERANCE:
            warnings.append(
                (
                    "split",
                    {
                        "online": (share * 100).quantize(Decimal("0.1")),
                        "target_online": (target_share * 100).quantize(Decimal("1")),
                    },
                )
            )
    return PlanCheck(total, online_hours, offline_hours, target_hours, target_share, warnings)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    return last_of_month(add_months(quarter_start(day), 2))


def due_date(
    *, kind: str, month: date | None, quarter: date | None, due_days: int, assigned_on: date
) -> date | None:
    """When an assignment is due: `due_days` after the month/quarter starts (or after assignment for onboarding),
    else the last day of the month (monthly) or quarter (leadership); onboarding without `due_days` has none."""
    if kind == "monthly" and month:
        start = first_of_month(month)
        return start + timedelta(days=due_days - 1) if due_days else last_of_month(start)
    if kind == "leadership" and quarter:
        start = quarter_start(quarter)
        return start + timedelta(days=due_days - 1) if due_days else quarter_end(start)
    if due_days:
        return assigned_on + timedelta(days=due_days)
    return None


@dataclass(frozen=True)
class Progress:
    """One person's progress in one programme; hours are Decimal."""

    planned_online: Decimal = Decimal(0)
    planned_offline: Decimal = Decimal(0)
    done_online: Decimal = Decimal(0)
    done_offline: Decimal = Decimal(0)
    required_left: tuple[int, ...] = ()
    next_lesson_id: int | None = None
    lessons_total: int = 0
    lessons_done: int = 0

    @property
    def planned(self) -> Decimal:
        return self.planned_online + self.planned_offline

    @property
    def done(self) -> Decimal:
        return self.done_online + self.done_offline

    @property
    def remaining(self) -> Decimal:
        return max(self.planned - self.done, Decimal(0))

    @property
    def complete(self) -> bool:
        return self.lessons_total > 0 and not self.required_left and self.done >= self.planned

    def percent(self, part: Decimal | None = None) -> int:
        """Share of the planned total, as a whole percent for a progress bar (0–100)."""
        value = self.done if part is None else part
        if not self.planned:
            return 0
        return min(100, int(value * 100 / self.planned))

    @property
    def percent_done(self) -> int:
        return self.percent()

    @property
    def percent_online(self) -> int:
        return self.percent(self.done_online)

    @property
    def percent_offline(self) -> int:
        return self.percent(self.done_offline)


def progress_of(lessons: list[dict], done: dict[int, Decimal]) -> Progress:
    """Progress over `lessons` (dicts with pk, delivery_mode, planned_hours, required; in curriculum order)
    given the hours credited per completed lesson id."""
    planned = {"online": Decimal(0), "offline": Decimal(0)}
    credited = {"online": Decimal(0), "offline": Decimal(0)}
    required_left = []
    next_lesson = None
    lessons_done = 0
    for lesson in lessons:
        mode = lesson["delivery_mode"]
        planned[mode] += lesson["planned_hours"]
        if lesson["pk"] in done:
            credited[mode] += done[lesson["pk"]]
            lessons_done += 1
            continue
        if lesson["required"]:
            required_left.append(lesson["pk"])
        if next_lesson is None:
            next_lesson = lesson["pk"]
    return Progress(
        planned_online=planned["online"],
        planned_offline=planned["offline"],
        done_online=credited["online"],
        done_offline=credited["offline"],
        required_left=tuple(required_left),
        next_lesson_id=next_lesson,
        lessons_total=len(lessons),
        lessons_done=lessons_done,
    )


def text_diff(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    """A line diff for people: ("same" | "added" | "removed", line) in reading order."""
    out: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(("same", line) for line in old[a1:a2])
            continue
        out.extend(("removed", line) for line in old[a1:a2])
        out.extend(("added", line) for line in new[b1:b2])
    return out


def onboarding_expected_hours(*, planned: Decimal, elapsed_days: int, window_days: int) -> Decimal:
    """Hours someone keeping the planned pace has done after `elapsed_days` full calendar days of an onboarding
    that takes `window_days`: an even share per day, all of it once the window has passed."""
    if window_days <= 0:
        return planned
    return planned * min(max(elapsed_days, 0), window_days) / window_days


CHECK_IN_CODE_SECONDS = 30
CHECK_IN_GRACE_SECONDS = 5


def check_in_window(timestamp: float) -> int:
    """The number of the 30-second window a moment falls in: the trainer's code changes with it."""
    return int(timestamp // CHECK_IN_CODE_SECONDS)


def check_in_code_is_current(code_window: int, timestamp: float) -> bool:
    """A scanned code counts while it is on the trainer's screen, and for a few seconds after it changed.

    An older code (photographed and sent on, or a page reloaded later) is refused.
    """
    current = check_in_window(timestamp)
    if code_window == current:
        return True
    since_change = timestamp - current * CHECK_IN_CODE_SECONDS
    return code_window == current - 1 and since_change < CHECK_IN_GRACE_SECONDS


# --- Active study time of online lessons ------------------------------------------------------------------------

# Default policy: an onboarding programme's online lessons credit their hours only after the learner was active
# on them for half of the planned time; other programmes ask for no study time unless HR sets a share.
DEFAULT_ACTIVE_SHARE = {"onboarding": Decimal("50")}


def active_share_percent(kind: str, configured: Decimal | None) -> Decimal:
    """The share (0–100) of a lesson's planned hours a learner must be active on it: the programme's own value,
    else the default of its kind (0: no study time asked)."""
    if configured is not None:
        return Decimal(configured)
    return DEFAULT_ACTIVE_SHARE.get(kind, Decimal(0))


def required_active_seconds(planned_hours: Decimal, share_percent: Decimal) -> int:
    """Active seconds that credit a lesson of `planned_hours`, rounded up to the whole second."""
    exact = Decimal(planned_hours) * 3600 * Decimal(share_percent) / 100
    return max(int(exact.to_integral_value(rounding=ROUND_CEILING)), 0)


@dataclass(frozen=True)
class StudyClock:
    """A learner's active time on one lesson, as heartbeats build it.

    `last_beat_at` ends the current chain of beats (None when the learner paused: page hidden or idle);
    `chain_seconds` is what that chain credited, the most an idle report can take back.
    """

    active_seconds: int = 0
    last_beat_at: datetime | None = None
    chain_seconds: int = 0


def clock_beat(clock: StudyClock, now: datetime, interval: int) -> StudyClock:
    """A heartbeat (page visible, learner active) credits the time since the previous beat, at most one interval.

    The first beat, and one after a gap longer than two intervals (the page was closed, the network away),
    credit nothing: they start a new chain. Time the server did not see pass can never be credited.
    """
    if clock.last_beat_at is not None:
        elapsed = (now - clock.last_beat_at).total_seconds()
        if 0 < elapsed <= 2 * interval:
            credit = min(int(elapsed), interval)
            return StudyClock(clock.active_seconds + credit, now, clock.chain_seconds + credit)
        if elapsed <= 0:
            return clock
    return StudyClock(clock.active_seconds, now, 0)


def clock_pause(clock: StudyClock, now: datetime, interval: int, idle_seconds: int = 0) -> StudyClock:
    """The learner stopped: the page was hidden (`idle_seconds` 0) or the idle prompt appeared after
    `idle_seconds` without input. Active time up to the pause is credited; idle time already credited by the
    beats since it began is taken back (never more than the current chain credited)."""
    if clock.last_beat_at is None:
        return clock
    active_until = now - timedelta(seconds=max(idle_seconds, 0))
    elapsed = (now - clock.last_beat_at).total_seconds()
    if active_until >= clock.last_beat_at:
        tail = (active_until - clock.last_beat_at).total_seconds()
        credit = min(int(tail), interval) if elapsed <= 2 * interval else 0
        return StudyClock(clock.active_seconds + credit, None, 0)
    refund = min(clock.chain_seconds, int((clock.last_beat_at - active_until).total_seconds()))
    return StudyClock(clock.active_seconds - refund, None, 0)


def minutes_left(seconds: int) -> int:
    """Whole minutes still needed, rounded up (a learner with 10 s left reads "1 minute")."""
    return -(-max(seconds, 0) // 60)


@dataclass(frozen=True)
class StudyStatus:
    """What a learner has still to do on an online lesson before its hours are credited."""

    rule: str  # "study_time" | "quiz" | "video" (courses.models.CompletionRule)
    required_seconds: int = 0
    active_seconds: int = 0
    video_watched: bool = False

    @property
    def remaining_seconds(self) -> int:
        if self.rule != "study_time":
            return 0
        return max(self.required_seconds - self.active_seconds, 0)

    @property
    def minutes_left(self) -> int:
        return minutes_left(self.remaining_seconds)

    @property
    def met(self) -> bool:
        if self.rule == "video":
            return self.video_watched
        return self.remaining_seconds == 0


def study_status(
    *,
    rule: str,
    planned_hours: Decimal,
    kind: str,
    configured_share: Decimal | None,
    active_seconds: int,
    video_watched: bool,
) -> StudyStatus:
    """The study requirement of an online lesson in a programme of `kind` and where the learner stands.

    A "quiz" lesson asks no study time here: its quiz (a completion gate of the assessments app) decides.
    """
    required = 0
    if rule == "study_time":
        required = required_active_seconds(planned_hours, active_share_percent(kind, configured_share))
    return StudyStatus(
        rule=rule, required_seconds=required, active_seconds=active_seconds, video_watched=video_watched
    )


# --- Learning paths -----------------------------------------------------------------------------------------------

# Programmes assigned by the role policy (new hires, every in-service month, managers each quarter): they keep that
# rule and cannot wait behind prerequisites; they may themselves be prerequisites of a learning-path course.
POLICY_ASSIGNED_KINDS = frozenset({"onboarding", "monthly", "leadership"})


def prerequisite_errors(
    *, kind: str, programme_id: int | None, prerequisite_ids: set[int], requires: dict[int, set[int]]
) -> list[str]:
    """Why a programme cannot have these prerequisites: message codes "policy_kind", "itself", "circle".

    `requires` maps every other programme to its prerequisites as stored now; the new set would close a circle
    when a prerequisite already requires this programme, directly or through others.
    """
    if not prerequisite_ids:
        return []
    errors = []
    if kind in POLICY_ASSIGNED_KINDS:
        errors.append("policy_kind")
    if programme_id is not None and programme_id in prerequisite_ids:
        errors.append("itself")
    elif programme_id is not None:
        seen: set[int] = set()
        stack = list(prerequisite_ids)
        while stack:
            current = stack.pop()
            if current == programme_id:
                errors.append("circle")
                break
            if current not in seen:
                seen.add(current)
                stack.extend(requires.get(current, ()))
    return errors


def programmes_unlocked(requires: dict[int, set[int]], completed: set[int]) -> set[int]:
    """The programmes (of `requires`: programme → its prerequisites) whose prerequisites are all in `completed`."""
    return {pk for pk, needed in requires.items() if needed and needed <= completed}


def locked_ahead(
    requires: dict[int, set[int]], enrolled: set[int], completed: set[int]
) -> dict[int, set[int]]:
    """The programmes ahead of a learner on the paths they are on, with the prerequisites still to complete.

    A programme is ahead when one of its prerequisites is enrolled or itself ahead (so the whole path shows, not
    only the next step); it is locked while a prerequisite is not completed. Enrolled ones are not locked.
    """
    ahead: set[int] = set()
    changed = True
    while changed:
        changed = False
        for pk, needed in requires.items():
            if pk in ahead or pk in enrolled or not needed & (enrolled | ahead):
                continue
            ahead.add(pk)
            changed = True
    return {pk: requires[pk] - completed for pk in ahead if requires[pk] - completed}
