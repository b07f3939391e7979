"""Signing in through DingTalk, Feishu or WeCom: who on the roster a platform account is, and the refusals.

The providers (portal.platforms.providers.*) first make sure the account belongs to the configured company
(DingTalk corpId and the corp's contacts, Feishu tenant_key, WeCom corp); then `platform_pre_social_login`
binds it to an active roster person: by a binding stored earlier, else by the platform's job number (the
roster's employee number), else by the mobile number on the roster. Never by nickname or e-mail, never
creating an account. Every refusal tells the person why, in their language, and is audited.
"""

import logging
from dataclasses import asdict, dataclass

from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from portal.models import Platform, PlatformIdentity, User
from portal.platforms import PlatformProfile, normalise_mobile
from portal.platforms.identities import platform_identity_record, user_for_platform_identity
from portal.services import audit_record

auth_log = logging.getLogger("portal.auth")

# Session key: the platform this session signed in through (None after a password login).
SIGNED_IN_WITH_SESSION_KEY = "portal_signed_in_with"

OTHER_COMPANY = "other_company"
NOT_ON_ROSTER = "not_on_roster"
LEAVER = "leaver"
PLATFORM_ERROR = "platform_error"

REFUSALS = {
    OTHER_COMPANY: gettext_lazy(
        "Your %(platform)s account does not belong to this company, so it cannot sign in here."
    ),
    NOT_ON_ROSTER: gettext_lazy(
        "Your %(platform)s account matches nobody on the staff roster (by employee number or mobile number). "
        "Ask HR to check your employee number and mobile number."
    ),
    LEAVER: gettext_lazy("Your portal account is no longer active. Ask HR if you think this is a mistake."),
    PLATFORM_ERROR: gettext_lazy(
        "%(platform)s did not answer the sign-in. Try again in a moment, or sign in with your password."
    ),
}


@dataclass(frozen=True)
class PlatformAccount:
    """What sign-in learned about the person from the platform (the provider's `extra_data`)."""

    platform: str
    platform_user_id: str
    name: str = ""
    job_number: str = ""
    mobile: str | None = None

    @classmethod
    def from_profile(cls, platform: str, profile: PlatformProfile) -> "PlatformAccount":
        return cls(platform, profile.user_id, profile.name, profile.job_number, profile.mobile)

    def as_extra_data(self) -> dict:
        return asdict(self)


def platform_label(platform: str) -> str:
    return str(Platform(platform).label)


def signin_refuse(
    request, *, platform: str, reason: str, platform_user_id: str = "", user: User | None = None
):
    """Tell the person why they cannot sign in, record it, and send them back to the login page."""
    audit_record(
        action="sso.refused",
        target=user,
        reason=reason,
        platform=platform,
        platform_user_id=platform_user_id,
    )
    auth_log.info("sign-in through %s refused: %s", platform, reason)
    messages.error(request, REFUSALS[reason] % {"platform": platform_label(platform)})
    raise ImmediateHttpResponse(redirect("account_login"))


def roster_person_for(account: PlatformAccount) -> User | None:
    """The roster record of a platform account, active or not; None when nothing matches."""
    user = user_for_platform_identity(account.platform, account.platform_user_id)
    if user is None and account.job_number:
        user = User.objects.filter(employee_no=account.job_number).first()
    mobile = normalise_mobile(account.mobile)
    if user is None and mobile:
        user = User.objects.filter(mobile=mobile).first()
    return user


def platform_pre_social_login(request, sociallogin) -> None:
    """allauth's pre_social_login for the platforms: bind the account to an active roster person or refuse."""
    data = sociallogin.account.extra_data or {}
    account = PlatformAccount(
        platform=sociallogin.account.provider,
        platform_user_id=sociallogin.account.uid,
        name=data.get("name", ""),
        job_number=data.get("job_number", ""),
        mobile=data.get("mobile"),
    )
    user = sociallogin.user if sociallogin.is_existing else roster_person_for(account)
    if user is None:
        signin_refuse(
            request,
            platform=account.platform,
            reason=NOT_ON_ROSTER,
            platform_user_id=account.platform_user_id,
        )
    if not user.is_active:
        signin_refuse(
            request,
            platform=account.platform,
            reason=LEAVER,
            platform_user_id=account.platform_user_id,
            user=user,
        )
    platform_identity_record(
        user=user,
        platform=account.platform,
        platform_user_id=account.platform_user_id,
        source=PlatformIdentity.Source.SIGN_IN,
    )
    if not sociallogin.is_existing:
        sociallogin.connect(request, user)


def platform_trusted_for_mfa(request) -> bool:
    """Whether this session signed in through a platform that SSO_MFA_TRUSTED lets stand in for TOTP."""
    return request.session.get(SIGNED_IN_WITH_SESSION_KEY) in settings.SSO_MFA_TRUSTED
