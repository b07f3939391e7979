"""django-allauth hooks: no public sign-up, single sign-on only for people already on the roster, and a
CAPTCHA on the login form for addresses with many failed logins."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from captcha.fields import CaptchaField
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.login_throttle import login_captcha_required, login_failure_record
from portal.models import User

auth_log = logging.getLogger("portal.auth")


class NoSignupAccountAdapter(DefaultAccountAdapter):
    """HR creates or imports every account; nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False

    def authentication_failed(self, request, **credentials):
        # allauth calls this once per failed password check, after its own per-account limit has let the
        # attempt through. A signed-in person failing reauthentication is not a login from the address.
        if request is not None and not request.user.is_authenticated:
            login_failure_record(request)


class LoginForm(AllauthLoginForm):
    """allauth's login form, plus a CAPTCHA while the client's address is flagged for failed logins.

    A wrong or missing CAPTCHA is a field error, so allauth's `clean()` never checks the password (and the
    attempt counts against neither the account nor the address). Each challenge can be answered once.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None and login_captcha_required(self.request):
            self.fields["captcha"] = CaptchaField(
                label=gettext_lazy("Verification code"),
                help_text=gettext_lazy(
                    "Several sign-ins from your network have failed recently: "
                    "type the characters shown in the picture."
                ),
                error_messages={
                    "required": gettext_lazy("Type the characters shown in the picture."),
                    "invalid": gettext_lazy(
                        "The characters did not match the picture. Try again with the new picture."
                    ),
                },
            )


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
