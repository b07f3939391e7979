"""Cross-request caching with explicit invalidation: never a time-based guess.

Every entry belongs to a *scope*: a named token in the cache (`portal:scope:<name>`) that the write changing
what the entries were computed from replaces with a new one (`scope_invalidate`). An entry is stored with the
tokens its scopes had *before* its inputs were read, and read back only while they are unchanged: a write
that commits while a reader is still computing makes that reader's entry stale at once, and an evicted token
(Redis may evict anything) makes every entry of its scope stale rather than valid again.

Two kinds of entries:
- content (curriculum pages, the recognition wall): the same for every reader; cached in the default cache
  whatever it is, the local-memory cache of a single development process included.
- personal (who is signed in, their permissions and menu, their unread count): cached only when the cache is
  shared by every process (Redis, `REDIS_URL`). With a process-local cache one process could not tell the others
  that a person was deactivated or lost a permission, so then nothing personal outlives its request.

Invalidation runs at once and again when the writing transaction commits, so a reader that filled the cache
from the old rows in between is made stale too.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

_PROCESS_LOCAL = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
# Memory hygiene only: an entry that outlives this is computed again. Correctness never depends on it.
ENTRY_SECONDS = 24 * 3600


def shared() -> bool:
    """Whether the default cache is shared by every process, so that personal entries may be cached."""
    return settings.CACHES["default"]["BACKEND"] not in _PROCESS_LOCAL


def _scope_key(scope: str) -> str:
    return f"portal:scope:{scope}"


@lru_cache(maxsize=1)
def code_release() -> str:
    """A short fingerprint of the portal's code and templates as installed. Entries carry it in their key, so
    that after an upgrade no process reads an entry that older code shaped (rendered HTML, pickled objects);
    the old entries are never read again and Redis evicts them."""
    digest = hashlib.blake2b(digest_size=6)
    base = Path(settings.BASE_DIR)
    roots = [
        child
        for child in base.iterdir()
        if child.is_dir()
        and not child.name.startswith((".", "bench", "tests", "loadtest", "media", "static"))
    ]
    for path in sorted(p for root in roots for suffix in ("*.py", "*.html") for p in root.rglob(suffix)):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _entry_key(key: str) -> str:
    return f"portal:entry:{code_release()}:{key}"


def scope_tokens(scopes: Iterable[str]) -> dict[str, str]:
    """The current token of each scope, creating missing ones (first use, or evicted)."""
    keys = {_scope_key(s): s for s in scopes}
    found = cache.get_many(list(keys))
    missing = [k for k in keys if k not in found]
    for key in missing:
        cache.add(key, uuid.uuid4().hex, timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return {keys[k]: v for k, v in found.items()}


# Entries read ahead in an earlier round trip of this request (`cached(..., also=...)`), by cache key; each is
# used once. Emptied when a request starts and by any invalidation, so nothing read ahead outlives either.
_read_ahead: ContextVar[dict | None] = ContextVar("portal_cache_read_ahead", default=None)


def read_ahead_clear(**kwargs) -> None:
    _read_ahead.set(None)


def _taken(entry_key: str, scope_keys: list[str]) -> dict | None:
    ahead = _read_ahead.get()
    if not ahead or entry_key not in ahead or any(k not in ahead for k in scope_keys):
        return None
    return {entry_key: ahead.pop(entry_key), **{k: ahead[k] for k in scope_keys}}


def scope_invalidate(*scopes: str) -> None:
    """Make every entry of `scopes` stale, now and when the current transaction commits."""

    def replace():
        read_ahead_clear()
        cache.set_many({_scope_key(s): uuid.uuid4().hex for s in scopes}, timeout=None)

    replace()
    transaction.on_commit(replace)


def cached(
    key: str,
    scopes: list[str],
    compute: Callable[[], object],
    *,
    personal: bool = False,
    shared_only: bool = False,
    also: Iterable[tuple[str, list[str]]] = (),
):
    """`compute()`, or its value stored under `key` while none of `scopes` changed since it was stored.

    One round trip to the cache on a hit. A personal value is cached only in a shared cache (module doc); so is a
    `shared_only` one: a fact that a write in another process changes, which a per-process copy would miss.
    `also` names (key, scopes) of entries this request reads next: they come in the same round trip, and their
    own `cached` call later in the request takes them without another.
    """
    if (personal or shared_only) and not shared():
        return compute()
    entry_key = _entry_key(key)
    scope_keys = [_scope_key(s) for s in scopes]
    found = _taken(entry_key, scope_keys)
    if found is None:
        extra = [
            k for other, other_scopes in also for k in (_entry_key(other), *map(_scope_key, other_scopes))
        ]
        found = cache.get_many([entry_key, *scope_keys, *extra])
        if extra:
            _read_ahead.set({k: found.get(k) for k in extra})
    entry = found.get(entry_key)
    current = {k: found.get(k) for k in scope_keys}
    if entry is not None and all(current.values()) and entry[0] == current:
        return entry[1]
    if not all(current.values()):
        tokens = scope_tokens(scopes)
        current = {_scope_key(s): tokens.get(s) for s in scopes}
    value = compute()
    cache.set(entry_key, (current, value), timeout=ENTRY_SECONDS)
    return value


# Entries read on every signed-in page right after the person (`register_read_with_person`): functions of the
# person's id giving (key, scopes), registered by the apps that own them at start-up.
_read_with_person: list[Callable[[int], tuple[str, list[str]]]] = []


def register_read_with_person(fn: Callable[[int], tuple[str, list[str]]]) -> None:
    if fn not in _read_with_person:
        _read_with_person.append(fn)


def read_with_person(user_id: int) -> list[tuple[str, list[str]]]:
    return [fn(user_id) for fn in _read_with_person]


def person_scope(user_id: int) -> str:
    """The scope of everything cached about one person (their row, permissions, menu)."""
    return f"person:{user_id}"


# The months of the score pages: which is the latest with scores or KPI data, which are published (locked) and
# which have stored scores. Replaced by the services that store scores, import KPIs and lock or unlock a month.
MONTHS_SCOPE = "score-months"

# Everyone's permissions (a role group's permissions changed), and the names the pages show of teams.
PEOPLE_SCOPE = "people"

# What lists of staff show of each person: name, employee number, team, department, role and active state.
# Replaced by the writes of people's rows (`principal.people_invalidate`), never by sign-in bookkeeping.
STAFF_DIRECTORY_SCOPE = "staff-directory"


def score_month_scope(month) -> str:
    """Everything the HR and team pages show of one month's scores and KPIs: replaced by every write that marks
    the month's summaries stale and when the refreshed summaries are stored."""
    return f"score-month:{month:%Y-%m}"


# The scoring policy's versions: replaced by the services that create or change one.
SCORING_POLICY_SCOPE = "scoring-policy"


def cached_unless_replica(key: str, scopes: list[str], compute: Callable[[], object]):
    """A report's figures, the same for every reader allowed to see them: cached as a `shared_only` entry, except
    when reports read a replica, whose rows may lag the write that replaced a token (the entry would keep the
    rows from before it)."""
    from portal.db_routing import replica_configured

    if replica_configured():
        return compute()
    return cached(key, scopes, compute, shared_only=True)


# The coaching loop: remedial modules mapped, assigned, completed or studied again. Replaced by the coaching
# services and by every write of learning records (a remedial module is done when its lessons are).
COACHING_SCOPE = "coaching"

# What a month's close checklist and Service Star review judge beyond the month's scores: evaluations and their
# disputes, imports, rounds, exclusions, publications and revisions after publication. Replaced by model
# signals of those rows (`incentives.apps`) and by the services that write them past `save()`.
MONTH_CLOSE_SCOPE = "month-close"

# Rendered into a cached page section in place of the reader's CSRF token, which is put in when it is served.
CSRF_PLACEHOLDER = "portal-csrf-token-placeholder"


def learner_scope(user_id: int) -> str:
    """A person's own learning and recognition as their home page shows it: enrolments, lessons completed,
    training records, SOP changes read, awards and suggestions. Replaced by signals of those rows and by the
    services that write them in bulk (`learners_invalidate`)."""
    return f"learner:{user_id}"


def learners_invalidate(user_ids) -> None:
    ids = set(user_ids)
    if ids:
        scope_invalidate(*(learner_scope(pk) for pk in ids))
