"""WeCom OAuth: the authorize URLs, and the code exchanged with the company app's token (WeCom has no user
access token: `cgi-bin/auth/getuserinfo` turns the code into the member's userid)."""

from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter, OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.utils.http import urlencode

from portal.platforms import PlatformError
from portal.platforms.providers.base import provider_error
from portal.platforms.signin import OTHER_COMPANY, PlatformAccount, signin_refuse
from portal.platforms.wecom import WeComClient


def inside_wecom(request) -> bool:
    """The WeCom client's browser says `wxwork/<version>` in its User-Agent."""
    return "wxwork/" in request.headers.get("User-Agent", "").lower()


class WeComOAuth2Client(OAuth2Client):
    inside_wecom = False

    def get_redirect_url(self, authorization_url, scope, extra_params):
        params = {"appid": settings.SSO_WECOM_CORP_ID, "agentid": settings.SSO_WECOM_AGENT_ID}
        params |= {"redirect_uri": self.callback_url, "state": self.state or ""}
        if self.inside_wecom:
            params |= {"response_type": "code", "scope": "snsapi_base"}
            return f"{authorization_url}?{urlencode(params)}#wechat_redirect"
        return f"{authorization_url}?{urlencode({'login_type': 'CorpApp', **params})}"

    def get_access_token(self, code, pkce_code_verifier=None):
        try:
            user_id = WeComClient().user_id_by_auth_code(code)
        except PlatformError as error:
            raise OAuth2Error(str(error)) from error
        # No user token exists; the code stands in for it, and `userid` is what the login needs.
        return {"access_token": code, "userid": user_id or ""}


class WeComAdapter(OAuth2Adapter):
    provider_id = "wecom"
    client_class = WeComOAuth2Client

    @property
    def authorize_url(self):
        if inside_wecom(self.request):
            return f"{settings.SSO_WECOM_OAUTH_BASE}/connect/oauth2/authorize"
        return f"{settings.SSO_WECOM_LOGIN_BASE}/wwlogin/sso/login"

    @property
    def access_token_url(self):
        return f"{settings.SSO_WECOM_API_BASE}/cgi-bin/auth/getuserinfo"

    def get_client(self, request, app):
        client = super().get_client(request, app)
        client.inside_wecom = inside_wecom(request)
        return client

    def complete_login(self, request, app, token, **kwargs):
        user_id = (kwargs.get("response") or {}).get("userid")
        if not user_id:  # WeCom answered with an openid: not a member of the company
            signin_refuse(request, platform="wecom", reason=OTHER_COMPANY)
        try:
            profile = WeComClient().profile(user_id)
        except PlatformError as error:
            raise provider_error(error) from error
        account = PlatformAccount.from_profile("wecom", profile)
        return self.get_provider().sociallogin_from_response(request, account.as_extra_data())


oauth2_login = OAuth2LoginView.adapter_view(WeComAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WeComAdapter)
