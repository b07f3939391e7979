"""Pure rules of notifications: which channels a message takes, quiet hours, the retry schedule.

No ORM, no clock: times and policy values come in as arguments.
"""

from datetime import date, datetime, time, timedelta

from portal import retries

PORTAL = "portal"
EMAIL = "email"
PLATFORM_CHANNELS = ("dingtalk", "feishu", "wecom")
CHANNELS = (PORTAL, EMAIL, *PLATFORM_CHANNELS)
# Channels a person or HR may choose; the portal's own notification centre always receives the message.
CHOOSABLE_CHANNELS = (EMAIL, *PLATFORM_CHANNELS)

# The retry schedule every outgoing channel shares (1 min, 5 min, 30 min, 2 h, 12 h, then failed).
RETRY_DELAYS, MAX_ATTEMPTS = retries.RETRY_DELAYS, retries.MAX_ATTEMPTS

# A dispute, essay, evaluation or approval is reminded to its deciders once it has waited more than this many
# calendar days.
DECISION_WAIT_DAYS = 2


def work_queue_key(*, due_on: date | None, since: datetime | None, today: date, key: str) -> tuple:
    """The order of a work queue: overdue items first (the longest overdue first), then items with a due date
    (the soonest first), then items without one (the longest waiting first)."""
    if due_on is not None and due_on < today:
        group = 0
    elif due_on is not None:
        group = 1
    else:
        group = 2
    return (group, due_on or date.max, since.timestamp() if since else float("inf"), key)


def queue_counts(entries: list[tuple[str, bool]]) -> list[tuple[str, int, int]]:
    """(kind of work, how many, how many overdue) per kind, for `entries` of (kind of work, overdue), each kind
    where it first appears."""
    totals: dict[str, list[int]] = {}
    for what, overdue in entries:
        counts = totals.setdefault(what, [0, 0])
        counts[0] += 1
        counts[1] += 1 if overdue else 0
    return [(what, total, overdue) for what, (total, overdue) in totals.items()]


def delivery_channels(
    *, chosen: list[str] | None, default: list[str], enabled_platforms, has_email: bool
) -> list[str]:
    """The channels of one message: the portal, then the person's choice (HR's default when they made none),
    keeping only e-mail for someone with an address and platforms switched on in this installation."""
    wanted = default if chosen is None else chosen
    usable = {EMAIL} if has_email else set()
    usable |= set(enabled_platforms) & set(PLATFORM_CHANNELS)
    return [PORTAL, *(channel for channel in CHOOSABLE_CHANNELS if channel in wanted and channel in usable)]


def quiet_hours_end(moment: datetime, start: time, end: time) -> datetime | None:
    """When the quiet hours around `moment` (a local, aware datetime) end, or None outside quiet hours.

    Quiet hours run from `start` to `end` on the local clock and may span midnight (21:00–08:00); equal times mean
    no quiet hours.
    """
    if start == end:
        return None
    clock = moment.timetz().replace(tzinfo=None)
    today = moment.date()

    def at(day: date) -> datetime:
        return datetime.combine(day, end, tzinfo=moment.tzinfo)

    if start < end:
        return at(today) if start <= clock < end else None
    if clock >= start:
        return at(today + timedelta(days=1))
    if clock < end:
        return at(today)
    return None


def first_attempt_at(moment: datetime, *, urgent: bool, start: time, end: time) -> tuple[datetime, bool]:
    """When a new message's first attempt may run, and whether it is held for the end of quiet hours."""
    if urgent:
        return moment, False
    held_until = quiet_hours_end(moment, start, end)
    return (held_until, True) if held_until is not None else (moment, False)


def next_attempt_at(
    moment: datetime, *, attempts_made: int, urgent: bool, start: time, end: time
) -> datetime | None:
    """When to try again after attempt number `attempts_made` failed at `moment`; None after the last one.

    The wait grows with each failure (`RETRY_DELAYS`); a retry of a non-urgent message that would fall in quiet
    hours waits for their end."""
    retry_at = retries.retry_at(moment, attempts_made=attempts_made)
    if retry_at is None or urgent:
        return retry_at
    return quiet_hours_end(retry_at, start, end) or retry_at


def due_reminder_step(days_left: int, steps=(7, 3, 1)) -> int | None:
    """The reminder step a due date `days_left` calendar days away has reached: the smallest of `steps` that is
    at least `days_left` (so a run missed on the day still sends the next one), None if not yet due soon, and 0
    once overdue."""
    if days_left < 0:
        return 0
    reached = [step for step in steps if days_left <= step]
    return min(reached) if reached else None


def split_message(text: str) -> tuple[str, str]:
    """A rendered message template: its first non-blank line is the title, the rest the body."""
    lines = text.strip().splitlines()
    if not lines:
        return "", ""
    return lines[0].strip(), "\n".join(lines[1:]).strip()
