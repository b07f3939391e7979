"""Where a webhook URL points: its host resolved to addresses, and whether production allows it (`rules`)."""

import socket
from urllib.parse import urlsplit

from django.conf import settings

from events import rules


def resolve(host: str) -> list[str]:
    """Every address `host` resolves to (empty when it does not resolve)."""
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})
    except (socket.gaierror, UnicodeError, OSError):
        return []


def production() -> bool:
    """Production refuses plain http and private or loopback addresses; development settings allow `http` to
    this machine (`WEBHOOKS_ALLOW_LOCAL_HTTP`, on with DJANGO_DEBUG)."""
    return not settings.WEBHOOKS_ALLOW_LOCAL_HTTP


def url_refusal(url: str) -> str | None:
    """`rules.url_refusal` with the host resolved now (checked at registration and again before each send, so a
    name later pointed at the portal's network is caught)."""
    is_production = production()
    host = urlsplit(url).hostname or ""
    addresses = resolve(host) if is_production and host else []
    return rules.url_refusal(url, production=is_production, addresses=addresses)
