"""The daily reminders: finders that each app registers at start-up, and the run that sends what they find once.

A finder is `finder(today) -> iterable of Reminder`: every trigger that holds on `today` (a module due in three
days, an SOP change unread, a dispute waiting), each with a `key` naming the trigger. The run sends each
(person, kind, key) once, whatever the number of runs: a ReminderSent row records it. A person gets one message
per kind and run, listing everything new of that kind. The team leads' digest is built here from what the other
finders found, so no app has to know about team leads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from notifications.kinds import REMINDER_KINDS, kind_label
from notifications.models import NotificationPolicy, ReminderSent
from notifications.rules import DECISION_WAIT_DAYS, work_queue_key
from notifications.selectors import policy_get
from notifications.services import OutgoingMessage, SendResult, messages_send
from portal.models import Role

# The kinds whose items are a person's overdue work: their team lead's daily digest lists them.
DIGEST_KINDS = ("module_overdue", "onboarding_behind", "sop_unread")
_KEY_CHUNK = 500


@dataclass
class Reminder:
    """One trigger for one recipient. `title` names what it is about as the message lists it; `subject_id` is
    the person whose work it is when that is not the recipient (a dispute's evaluated person)."""

    recipient_id: int
    kind: str
    key: str
    title: str
    url: str = ""
    due_on: date | None = None
    subject_id: int | None = None
    data: dict = field(default_factory=dict)

    @property
    def subject(self) -> int:
        return self.subject_id or self.recipient_id


_finders: list[Callable[[date], Iterable[Reminder]]] = []


def register_reminder_finder(finder: Callable[[date], Iterable[Reminder]]) -> None:
    """Called by each app in its AppConfig.ready, so this module imports nothing of the apps above it."""
    name = f"{finder.__module__}.{finder.__qualname__}"
    if all(f"{f.__module__}.{f.__qualname__}" != name for f in _finders):
        _finders.append(finder)


@dataclass(frozen=True)
class _DecisionFinder:
    find: Callable[..., Iterable[Reminder]]
    per_recipient: bool
    roles: frozenset[str]
    permissions: tuple[str, ...]

    def may_reach(self, user) -> bool:
        """Whether `user` can be one of this finder's deciders at all: by role, or by one of the permissions."""
        if not (self.roles or self.permissions):
            return True
        return (
            user.is_superuser
            or user.role in self.roles
            or any(user.has_perm(permission) for permission in self.permissions)
        )


_decision_finders: list[_DecisionFinder] = []


def register_decision_finder(
    finder: Callable[..., Iterable[Reminder]],
    *,
    per_recipient: bool = False,
    roles: Iterable[str] = (),
    permissions: Iterable[str] = (),
) -> None:
    """A decision finder is `finder(waiting_since_before) -> iterable of Reminder`: every decision (an approval, a
    dispute, an essay to grade) waiting since before that moment, one Reminder per person who may take it, with
    `data["what"]` naming the kind of work, `data["since"]` when it began waiting and `due_on` when it is due, if
    known. The daily run reminds of those waiting longer than DECISION_WAIT_DAYS; the home page and the work queue
    list all of a person's. A finder registered `per_recipient` also takes `recipient_id=` and then may return
    only that person's reminders (a queue of one person need not build everyone's).

    `roles` and `permissions` name who can be a decider of this finder at all (any one role or permission is
    enough); a person's own queue skips finders they cannot be a decider of, so that a learner's home page runs
    none. Both empty: anyone may be."""
    name = f"{finder.__module__}.{finder.__qualname__}"
    if all(f"{f.find.__module__}.{f.find.__qualname__}" != name for f in _decision_finders):
        _decision_finders.append(_DecisionFinder(finder, per_recipient, frozenset(roles), tuple(permissions)))


def decisions_waiting_for(user, now: datetime) -> list[Reminder]:
    """Everything waiting for `user`'s decision at `now`, the longest-waiting first."""
    found = [
        r
        for f in _decision_finders
        if f.may_reach(user)
        for r in (f.find(now, recipient_id=user.pk) if f.per_recipient else f.find(now))
        if r.recipient_id == user.pk
    ]
    return sorted(found, key=lambda r: (r.data.get("since") or now, r.key))


def work_queue_for(user, now: datetime) -> list[Reminder]:
    """Everything waiting for `user` at `now` in work-queue order: overdue first, then by due date, then the
    longest waiting. Each item's `data["overdue"]` says whether its due day has passed."""
    today = timezone.localdate(now)
    items = decisions_waiting_for(user, now)
    for item in items:
        item.data["overdue"] = item.due_on is not None and item.due_on < today
    return sorted(
        items,
        key=lambda r: work_queue_key(due_on=r.due_on, since=r.data.get("since"), today=today, key=r.key),
    )


def day_start(day: date) -> datetime:
    """Midnight starting `day` on the portal's clock (Asia/Shanghai), to compare stored times with dates."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def waiting_too_long_before(today: date) -> datetime:
    """Anything waiting for a decision since before this moment has waited more than DECISION_WAIT_DAYS
    calendar days on `today`."""
    return day_start(today - timedelta(days=DECISION_WAIT_DAYS))


@dataclass
class RunResult:
    date: date
    send: SendResult

    def as_json(self) -> dict:
        from notifications.rules import CHANNELS

        return {
            "date": self.date.isoformat(),
            "sent": self.send.sent,
            "held": self.send.held,
            "by_kind": {kind: self.send.by_kind.get(kind, 0) for kind in REMINDER_KINDS},
            "by_channel": {channel: self.send.by_channel.get(channel, 0) for channel in CHANNELS},
        }


def reminders_find(today: date) -> list[Reminder]:
    """Every trigger of `today` from every registered finder, the team leads' digests included."""
    found = [reminder for finder in _finders for reminder in finder(today)]
    cutoff = waiting_too_long_before(today)
    found += [reminder for finder in _decision_finders for reminder in finder.find(cutoff)]
    return found + lead_digests(found, today=today)


def lead_digests(found: list[Reminder], *, today: date) -> list[Reminder]:
    """One digest per team lead of the overdue items of their team's members found today."""
    overdue = [r for r in found if r.kind in DIGEST_KINDS]
    if not overdue:
        return []
    User = get_user_model()
    people = {
        p["pk"]: p
        for p in User.objects.filter(pk__in={r.subject for r in overdue}).values(
            "pk", "name", "employee_no", "team_id"
        )
    }
    leads_by_team = defaultdict(list)
    for pk, team_id in User.objects.filter(
        role=Role.TEAM_LEAD,
        is_active=True,
        team_id__in={p["team_id"] for p in people.values() if p["team_id"]},
    ).values_list("pk", "team_id"):
        leads_by_team[team_id].append(pk)
    entries = defaultdict(list)
    for reminder in overdue:
        person = people.get(reminder.subject)
        if person is None:
            continue
        for lead_id in leads_by_team.get(person["team_id"], ()):
            if lead_id == person["pk"]:
                continue
            entries[lead_id].append(
                {
                    "name": person["name"],
                    "employee_no": person["employee_no"],
                    "kind": reminder.kind,
                    "what": kind_label(reminder.kind),  # lazy: rendered in the lead's language
                    "title": reminder.title,
                    "due_on": reminder.due_on,
                }
            )
    try:
        url = reverse("courses:team-matrix")
    except NoReverseMatch:  # the URL of a higher app, looked up by name
        url = ""
    return [
        Reminder(
            recipient_id=lead_id,
            kind="lead_digest",
            key=today.isoformat(),
            title="",
            url=url,
            data={"entries": sorted(items, key=lambda e: (e["employee_no"], e["kind"], e["title"]))},
        )
        for lead_id, items in entries.items()
    ]


def reminders_run(*, today: date, dry_run: bool = False, now: datetime | None = None) -> RunResult:
    """The daily run: find today's triggers and send the ones not sent before. With `dry_run`, count what would
    be sent and record nothing."""
    return RunResult(today, reminders_deliver(reminders_find(today), today=today, dry_run=dry_run, now=now))


def reminders_deliver(
    reminders: list[Reminder], *, today: date, dry_run: bool = False, now: datetime | None = None
) -> SendResult:
    """Send each reminder not sent before (per recipient, kind and key), one message per recipient and kind,
    and record them. Runs serialise on the settings row, so two runs at once cannot both send a reminder."""
    with transaction.atomic():
        if not dry_run:
            NotificationPolicy.objects.select_for_update().order_by("pk").first()
        policy = policy_get()
        wanted = [r for r in reminders if r.kind not in policy.disabled_kinds]
        new = _not_sent_before(wanted)
        if not new:
            return SendResult()
        User = get_user_model()
        people = User.objects.filter(pk__in={r.recipient_id for r in new}, is_active=True).in_bulk()
        grouped: dict[tuple[int, str], list[Reminder]] = defaultdict(list)
        for reminder in new:
            if reminder.recipient_id in people:
                grouped[(reminder.recipient_id, reminder.kind)].append(reminder)
        messages = [
            OutgoingMessage(
                people[recipient_id],
                kind,
                {
                    "items": items,
                    "today": today,
                    "url": next((item.url for item in items if item.url), ""),
                },
            )
            for (recipient_id, kind), items in sorted(grouped.items())
        ]
        result = messages_send(messages, now=now, dry_run=dry_run)
        if not dry_run:
            notification_of = {(n.recipient_id, n.kind): n for n in result.notifications}
            ReminderSent.objects.bulk_create(
                [
                    ReminderSent(
                        recipient_id=r.recipient_id,
                        kind=r.kind,
                        key=r.key,
                        sent_on=today,
                        notification=notification_of.get((r.recipient_id, r.kind)),
                    )
                    for items in grouped.values()
                    for r in items
                ],
                batch_size=500,
            )
    return result


def reminders_not_sent_before(reminders: list[Reminder]) -> list[Reminder]:
    """The reminders a delivery would send now: those without a record of having been sent, each once."""
    return _not_sent_before(reminders)


def _not_sent_before(reminders: list[Reminder]) -> list[Reminder]:
    """The reminders without a ReminderSent row, each (recipient, kind, key) once."""
    unique: dict[tuple[int, str, str], Reminder] = {}
    for reminder in reminders:
        unique.setdefault((reminder.recipient_id, reminder.kind, reminder.key), reminder)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for _recipient, kind, key in unique:
        by_kind[kind].append(key)
    sent = set()
    for kind, keys in by_kind.items():
        keys = sorted(set(keys))
        for start in range(0, len(keys), _KEY_CHUNK):
            sent.update(
                ReminderSent.objects.filter(kind=kind, key__in=keys[start : start + _KEY_CHUNK]).values_list(
                    "recipient_id", "kind", "key"
                )
            )
    return [reminder for triple, reminder in unique.items() if triple not in sent]
