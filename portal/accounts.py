"""django-allauth hooks: no public sign-up, single sign-on only for people already on the roster (OIDC, and
DingTalk, Feishu and WeCom), two-factor authentication except where a trusted platform stands in for it, and a
CAPTCHA on the login form for addresses with many failed logins."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from captcha.fields import CaptchaField
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.login_throttle import login_captcha_required, login_failure_record
from portal.models import User
from portal.platforms import PLATFORMS, platform_configured
from portal.platforms.signin import (
    PLATFORM_ERROR,
    REFUSALS,
    SIGNED_IN_WITH_SESSION_KEY,
    platform_label,
    platform_pre_social_login,
)

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

    def get_login_stages(self):
        return [
            "portal.accounts.PlatformAwareMFAStage"
            if path == "allauth.mfa.stages.AuthenticateStage"
            else path
            for path in super().get_login_stages()
        ]

    def post_login(self, request, user, *, signal_kwargs, **kwargs):
        # Remember which platform (if any) this session signed in through: RequireMFAMiddleware reads it.
        sociallogin = (signal_kwargs or {}).get("sociallogin")
        provider = sociallogin.account.provider if sociallogin is not None else None
        request.session[SIGNED_IN_WITH_SESSION_KEY] = provider if provider in PLATFORMS else None
        return super().post_login(request, user, signal_kwargs=signal_kwargs, **kwargs)


class PlatformAwareMFAStage(AuthenticateStage):
    """allauth's second-factor step, skipped for a sign-in through a platform named in SSO_MFA_TRUSTED."""

    def _should_handle(self, request) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and sociallogin.account.provider in settings.SSO_MFA_TRUSTED:
            return False
        return super()._should_handle(request)


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

    def list_apps(self, request, provider=None, client_id=None):
        """The apps configured in the database or SOCIALACCOUNT_PROVIDERS, plus each platform whose
        SSO_<PLATFORM>_* settings are set (read at every request, so settings alone switch one on)."""
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        for app in _platform_apps():
            if provider in (None, app.provider) and client_id in (None, app.client_id):
                apps.append(app)
        return apps

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        """A platform that fails during sign-in is reported on the login page, not as an error page."""
        if provider.id in PLATFORMS:
            auth_log.warning("sign-in through %s failed: %s %s", provider.id, error, exception)
            messages.error(request, REFUSALS[PLATFORM_ERROR] % {"platform": platform_label(provider.id)})
            raise ImmediateHttpResponse(redirect("account_login"))
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )

    def pre_social_login(self, request, sociallogin):
        if getattr(sociallogin.account, "provider", None) in PLATFORMS:
            platform_pre_social_login(request, sociallogin)
            return
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


def _platform_apps() -> list[SocialApp]:
    credentials = {
        "dingtalk": (settings.SSO_DINGTALK_CLIENT_ID, settings.SSO_DINGTALK_CLIENT_SECRET),
        "feishu": (settings.SSO_FEISHU_APP_ID, settings.SSO_FEISHU_APP_SECRET),
        "wecom": (settings.SSO_WECOM_CORP_ID, settings.SSO_WECOM_SECRET),
    }
    return [
        SocialApp(provider=name, name=platform_label(name), client_id=client_id, secret=secret)
        for name, (client_id, secret) in credentials.items()
        if platform_configured(name)
    ]
