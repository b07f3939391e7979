"""Public verification of what the portal issues: certificates and award letters.

A verifiable document carries a random token; its public page (no login: the MFA middleware exempts /verify/)
looks the token up, shows whether the document is valid and masks the holder's name. The document itself prints
the page's absolute address, and a QR code of it (`portal.qr`).
"""

import secrets

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

TOKEN_BYTES = 24


def verification_token() -> str:
    """A new token: 24 random bytes (192 bits) in URL-safe text, never a sequential id (security checklist item 19)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def base_url(request=None) -> str:
    """The portal's public address: `PORTAL_BASE_URL`, or in development without it the address of `request`."""
    if request is not None and settings.PORTAL_BASE_URL_FROM_REQUEST:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.PORTAL_BASE_URL.rstrip("/")


def verification_url(url_name: str, token: str, request=None) -> str:
    """The absolute public address of the verification page named `url_name` (a URL taking the token) for `token`."""
    return base_url(request) + reverse(url_name, args=[token])


def mask_name(name: str) -> str:
    """A holder's name as a public page shows it: 张三明 → 张*明, 欧阳明华 → 欧**华, 张三 → 张*; one character stays."""
    chars = list(name.strip())
    if len(chars) <= 1:
        return "".join(chars)
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


def verification_page(request, template_name: str, context: dict) -> HttpResponse:
    """The public verification page: rendered for anyone, and kept out of search engines."""
    response = render(request, template_name, context)
    response["X-Robots-Tag"] = "noindex"
    return response
