"""Failed logins counted per client address, so that the login form there asks for a CAPTCHA.

An address is never refused: a whole office signs in through one NAT address. Instead, once
`PORTAL_LOGIN_CAPTCHA_AFTER_FAILURES` logins from one address have failed within
`PORTAL_LOGIN_CAPTCHA_WINDOW` seconds (counted from the first of them), the address is flagged, and it stays
flagged until a whole window passes without another failure from it. The counts live in the default cache
(Redis in production, so every worker process sees them).
"""

import ipaddress

from allauth import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address allauth's own rate limits use: REMOTE_ADDR, or the trusted proxies' X-Forwarded-For entry.

    IPv6 addresses are cut to their network prefix, as allauth does, so that one host cannot rotate through
    the addresses of its own subnet.
    """
    address = get_adapter(request).get_client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        return str(ipaddress.IPv6Network(f"{parsed}/{prefix}", strict=False).network_address)
    return str(parsed)


def _keys(request: HttpRequest) -> tuple[str, str]:
    address = client_address(request)
    return f"portal:login-failures:{address}", f"portal:login-captcha:{address}"


def login_failure_record(request: HttpRequest) -> None:
    """Count one failed login from the request's address; flag the address once the threshold is reached."""
    count_key, flag_key = _keys(request)
    window = settings.PORTAL_LOGIN_CAPTCHA_WINDOW
    cache.add(count_key, 0, timeout=window)
    try:
        count = cache.incr(count_key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(count_key, 1, timeout=window)
        count = 1
    if count >= settings.PORTAL_LOGIN_CAPTCHA_AFTER_FAILURES:
        cache.set(flag_key, True, timeout=window)


def login_captcha_required(request: HttpRequest) -> bool:
    """Whether a login from the request's address must answer a CAPTCHA."""
    return cache.get(_keys(request)[1]) is not None
