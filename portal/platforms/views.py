"""Sign-in without a click when the portal is opened inside the DingTalk, Feishu or WeCom workbench.

The workbench app's home page is /accounts/<platform>/inapp/. DingTalk: the page asks the DingTalk client for
an auth code (dingtalk-jsapi, served by the portal) and posts it back; the server exchanges it for the member's
userid and signs them in through allauth, with the same company and roster checks as the web login. Feishu
and WeCom need no script: the page sends the browser through the platform's OAuth authorize URL, which the
platform's own client confirms by itself (WeCom: snsapi_base).
"""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from portal.platforms import PLATFORMS, PlatformError, platform_configured
from portal.platforms.dingtalk import DingTalkClient
from portal.platforms.signin import OTHER_COMPANY, PLATFORM_ERROR, REFUSALS, PlatformAccount, signin_refuse


def _next_url(request) -> str | None:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return None


@require_http_methods(["GET", "POST"])
def inapp_sign_in(request, platform: str):
    if platform not in PLATFORMS or not platform_configured(platform):
        raise Http404
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    provider = get_adapter(request).get_provider(request, platform)
    if platform != "dingtalk":
        return provider.redirect(request, AuthProcess.LOGIN, next_url=next_url)
    if request.method == "GET":
        return render(
            request,
            "portal/platforms/dingtalk_inapp.html",
            {
                "corp_id": settings.SSO_DINGTALK_CORP_ID,
                "client_id": settings.SSO_DINGTALK_CLIENT_ID,
                "next": next_url,
            },
        )
    try:
        return _dingtalk_sign_in(request, provider, request.POST.get("code", ""), next_url)
    except ImmediateHttpResponse as refusal:
        return refusal.response


def _dingtalk_sign_in(request, provider, code: str, next_url: str | None):
    client = DingTalkClient()
    try:
        user_id = client.user_id_by_auth_code(code) if code else None
        if user_id is None:  # the code was not issued to a member of the configured corp
            signin_refuse(request, platform="dingtalk", reason=OTHER_COMPANY)
        account = PlatformAccount.from_profile("dingtalk", client.profile(user_id))
    except PlatformError:
        messages.error(request, REFUSALS[PLATFORM_ERROR] % {"platform": provider.name})
        return redirect("account_login")
    sociallogin = provider.sociallogin_from_response(request, account.as_extra_data())
    sociallogin.state = {"process": AuthProcess.LOGIN, "next": next_url}
    return complete_social_login(request, sociallogin)
