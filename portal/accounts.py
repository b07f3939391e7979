"""django-allauth adapters: no public sign-up, and single sign-on only for people already on the roster."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from portal.models import User

auth_log = logging.getLogger("portal.auth")


class NoSignupAccountAdapter(DefaultAccountAdapter):
    """HR creates or imports every account; nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False


class RosterOnlySocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on binds (provider, subject) to an existing roster record by employee number.

    Never by e-mail or nickname: an identity provider's e-mail can be changed by its user. The first login
    through SSO looks the person up by the employee-number claim; later logins find the stored binding.
    """

    def is_open_for_signup(self, request, sociallogin):
        return False

    def is_auto_signup_allowed(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            return
        claims = sociallogin.account.extra_data or {}
        claims = claims.get("userinfo", claims) if isinstance(claims, dict) else {}
        employee_no = str(claims.get(settings.SSO_OIDC_EMPLOYEE_CLAIM) or "").strip()
        user = User.objects.filter(employee_no=employee_no, is_active=True).first() if employee_no else None
        if user is None:
            auth_log.info("sso login refused: no active roster record for the identity provider's subject")
            messages.error(
                request, _("Your single sign-on account is not linked to anyone on the staff roster.")
            )
            raise ImmediateHttpResponse(redirect("account_login"))
        sociallogin.connect(request, user)
