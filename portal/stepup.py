"""Step-up before money and policy decisions: the password again when this session's own authentication is older
than ``PORTAL_STEP_UP_SECONDS`` (15 minutes by default).

Judged from the session's authentication records, which allauth keeps per session (the sign-in and every
reauthentication), never from the user's ``last_login``: a sign-in on another device refreshes that, and must not
lift the step-up of an old session. A refused request is suspended by allauth's middleware, the password asked
for, and the same POST resumed.
"""

import time
from collections.abc import Callable
from functools import wraps

from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings


def session_authenticated_at(request) -> float | None:
    """When this session last authenticated (sign-in or reauthentication), as a Unix time; None if never."""
    records = get_authentication_records(request, request.user)
    return max((record["at"] for record in records if "at" in record), default=None)


def step_up_needed(request) -> bool:
    authenticated_at = session_authenticated_at(request)
    return authenticated_at is None or time.time() - authenticated_at > settings.PORTAL_STEP_UP_SECONDS


def require_step_up(request) -> None:
    """Call before a money or policy decision; raises allauth's ReauthenticationRequired when it is due."""
    if step_up_needed(request):
        raise ReauthenticationRequired()


def step_up_required(when: Callable | None = None):
    """Decorate a view whose POSTs (those for which ``when(request)`` is true) decide money or policy."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and (when is None or when(request)):
                require_step_up(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
