"""Cross-cutting request rules: security headers, two-factor authentication for HR and admin roles, and a plain
refusal of the Wagtail admin for signed-in people without access to it."""

import logging

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from portal.platforms import sign_in_origins
from portal.platforms.signin import platform_trusted_for_mfa
from portal.principal import signed_in_user
from portal.signing import SigningKeyMissing

logger = logging.getLogger(__name__)

# Paths a person without the required second factor may still reach: setting it up, logging out, switching
# language, and static files.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/verify/")


def mfa_required_for(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in settings.PORTAL_MFA_REQUIRED_ROLES)


def _signed_in_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = signed_in_user(request)
    return request._cached_user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with the signed-in person and their permissions from the shared cache
    (portal.principal) instead of two queries per request."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _signed_in_user(request))


class RequireMFAMiddleware:
    """allauth has no switch to require MFA for some roles, so HR and admin are sent to set up TOTP first —
    unless this session signed in through a platform that SSO_MFA_TRUSTED trusts as their second factor."""

    session_key = "portal_mfa_ok"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and mfa_required_for(user)
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and not platform_trusted_for_mfa(request)
        ):
            if request.session.get(self.session_key) != user.pk:
                if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                    return redirect(reverse("mfa_activate_totp"))
                request.session[self.session_key] = user.pk
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy for every response, and no caching of signed-in pages.

    Scores, exams and HR pages hold personal data: a shared computer's back button must not show them.
    """

    csp = (
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
        "font-src 'self' data:; frame-ancestors 'self'; form-action 'self'{sign_in}; base-uri 'self'; "
        "object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The platform sign-in buttons post to the portal, which redirects to the platform's authorize page:
        # form-action covers that redirect, so it names the enabled platforms' login origins.
        sign_in = "".join(f" {origin}" for origin in sign_in_origins())
        response.headers.setdefault("Content-Security-Policy", self.csp.format(sign_in=sign_in))
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class AdminAccessMiddleware:
    """A signed-in person without admin access gets one 403 for the Wagtail admin.

    Wagtail sends them to the login page, which sends a signed-in person back to where they came from: a
    redirect loop. People not signed in still go to the login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("wagtailadmin_home")
        user = getattr(request, "user", None)
        if (
            request.path.startswith(self.prefix)
            and user is not None
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            raise PermissionDenied
        return self.get_response(request)


class NotFoundPageMiddleware:
    """The portal's own "not found" page for an unknown page, a bad month or a bad verification token, also when
    DEBUG is on (the demo runs with it), where Django would show its debug page listing every URL pattern.

    The Wagtail admin and the integration API keep their own answers (the API's is problem+json)."""

    excluded_prefixes = ("/admin/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and not request.path.startswith(self.excluded_prefixes):
            return render(request, "404.html", status=404)
        return None


class SigningKeyMissingPageMiddleware:
    """A certificate, letter or credential download before the organisation's signing key exists answers with a
    page that says what is missing and who can fix it, instead of a server error. `manage.py check --deploy`
    warns about the missing key before anyone downloads (portal/checks.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SigningKeyMissing):
            logger.error("Signing key missing in %s: run `manage.py credentials_keygen`", exception)
            return render(request, "signing_key_missing.html", status=503)
        return None
