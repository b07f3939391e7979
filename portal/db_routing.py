"""Report reads on a read replica, when one is configured (`DATABASE_REPLICA_URL`).

Only reads marked as report reads (the HR overview, exports, the API's reads) go to the replica, and only when
none of these holds: the read is inside a transaction on the primary (a write reading what it is about to
change), or the reader wrote something moments ago (their next pages must show it, and the replica lags). Who is
signed in, their session and permissions are always read from the primary: they run before the view.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "portal_primary"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_report_read: ContextVar[bool] = ContextVar("report_read", default=False)
_pinned_to_primary: ContextVar[bool] = ContextVar("pinned_to_primary", default=False)


def read_database(*, report_read: bool, pinned: bool, in_transaction: bool, replica_configured: bool) -> str:
    """Which database a read goes to."""
    if replica_configured and report_read and not pinned and not in_transaction:
        return REPLICA
    return DEFAULT_DB_ALIAS


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def report_reads():
    """Reads inside may come from the replica."""
    token = _report_read.set(True)
    try:
        yield
    finally:
        _report_read.reset(token)


def replica_reads(view):
    """A view whose reads are reports: they may come from the replica."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with report_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_database(
            report_read=_report_read.get(),
            pinned=_pinned_to_primary.get(),
            in_transaction=connections[DEFAULT_DB_ALIAS].in_atomic_block,
            replica_configured=replica_configured(),
        )

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: rows read from either belong together.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def pinned_until(cookie: str | None, now: float) -> bool:
    """Whether a reader's pin cookie (the time of their last write, signed) still holds at `now`."""
    if not cookie:
        return False
    try:
        wrote_at = float(signing.loads(cookie, salt=PIN_COOKIE))
    except (signing.BadSignature, TypeError, ValueError):
        return False
    return now - wrote_at < settings.PORTAL_REPLICA_PIN_SECONDS


class PrimaryAfterWriteMiddleware:
    """A reader who has just written (any POST, PUT, PATCH or DELETE) reads the primary for the next
    PORTAL_REPLICA_PIN_SECONDS, so the page after their own change shows it. The time travels in a signed cookie:
    nothing is written to the database to remember it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        now = time.time()
        token = _pinned_to_primary.set(pinned_until(request.COOKIES.get(PIN_COOKIE), now))
        try:
            response = self.get_response(request)
        finally:
            _pinned_to_primary.reset(token)
        if request.method not in _SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                signing.dumps(str(now), salt=PIN_COOKIE),
                max_age=settings.PORTAL_REPLICA_PIN_SECONDS,
                httponly=True,
                secure=request.is_secure(),
                samesite="Lax",
            )
        return response
