"""Bearer tokens, scopes and each client's rate, as DRF authentication and permission classes."""

import time

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from api.services import api_client_for_token, api_client_touch

RATE_WINDOW = 60  # seconds: rates are per minute


class BearerAuthentication(BaseAuthentication):
    """`Authorization: Bearer pt_…`: the client's service account becomes `request.user`, the client
    `request.auth`. An unknown, revoked or expired token answers 401."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise exceptions.AuthenticationFailed(_("Send the token as Authorization: Bearer <token>."))
        client = api_client_for_token(token.strip())
        if client is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        if client.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This client has been revoked."))
        if client.expires_on < timezone.localdate():
            raise exceptions.AuthenticationFailed(
                _("This client expired on %(day)s.") % {"day": client.expires_on}
            )
        api_client_touch(client)
        return (client.account, client)

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class HasScope(BasePermission):
    """The view's `required_scope` must be one of the client's scopes (no token at all → 401)."""

    def has_permission(self, request, view):
        client = request.auth
        if client is None:
            raise exceptions.NotAuthenticated(_("Send the token as Authorization: Bearer <token>."))
        scope = view.required_scope
        if scope not in client.scopes:
            raise exceptions.PermissionDenied(_("This client lacks the scope %(scope)s.") % {"scope": scope})
        return True


def rate_check(client) -> None:
    """Count the request in the client's current minute (in the cache); over its rate → 429 with Retry-After."""
    now = time.time()
    window = int(now // RATE_WINDOW)
    key = f"api-rate:{client.pk}:{window}"
    cache.add(key, 0, RATE_WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW + 5)
        count = 1
    if count > client.rate_per_minute:
        wait = max(1, int((window + 1) * RATE_WINDOW - now + 0.999))
        raise exceptions.Throttled(
            wait=wait, detail=_("More than %(rate)s requests a minute.") % {"rate": client.rate_per_minute}
        )
