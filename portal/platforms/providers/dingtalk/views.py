"""DingTalk web login (扫码/账号登录 on login.dingtalk.com) with the URLs taken from the settings."""

from allauth.socialaccount.providers.dingtalk.views import DingTalkOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings

from portal.platforms import PlatformError
from portal.platforms.dingtalk import DingTalkClient
from portal.platforms.providers.base import provider_error
from portal.platforms.signin import OTHER_COMPANY, PlatformAccount, signin_refuse


class DingTalkAdapter(DingTalkOAuth2Adapter):
    @property
    def authorize_url(self):
        return f"{settings.SSO_DINGTALK_LOGIN_BASE}/oauth2/auth"

    @property
    def access_token_url(self):
        return f"{settings.SSO_DINGTALK_API_BASE}/v1.0/oauth2/userAccessToken"

    @property
    def profile_url(self):
        return f"{settings.SSO_DINGTALK_API_BASE}/v1.0/contact/users/me"

    def complete_login(self, request, app, token, **kwargs):
        """The user token's corpId must be the configured corp, and the account must be in its contacts."""
        corp_id = (kwargs.get("response") or {}).get("corpId")
        if corp_id != settings.SSO_DINGTALK_CORP_ID:
            signin_refuse(request, platform="dingtalk", reason=OTHER_COMPANY)
        client = DingTalkClient()
        try:
            union_id = client.current_user(token.token).get("unionId")
            user_id = client.user_id_by_union_id(union_id) if union_id else None
            if user_id is None:
                signin_refuse(request, platform="dingtalk", reason=OTHER_COMPANY)
            account = PlatformAccount.from_profile("dingtalk", client.profile(user_id))
        except PlatformError as error:
            raise provider_error(error) from error
        return self.get_provider().sociallogin_from_response(request, account.as_extra_data())


oauth2_login = OAuth2LoginView.adapter_view(DingTalkAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(DingTalkAdapter)
