"""Feishu web login (and, inside the Feishu client, login without a click) with URLs from the settings."""

from allauth.socialaccount.providers.feishu.views import FeishuOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings

from portal.platforms import PlatformError
from portal.platforms.feishu import FeishuClient
from portal.platforms.providers.base import provider_error
from portal.platforms.signin import OTHER_COMPANY, PlatformAccount, signin_refuse


class FeishuAdapter(FeishuOAuth2Adapter):
    @property
    def authorize_url(self):
        # Opened inside the Feishu client this page confirms by itself: the in-app sign-in needs no script.
        return f"{settings.SSO_FEISHU_API_BASE}/open-apis/authen/v1/index"

    @property
    def access_token_url(self):
        return f"{settings.SSO_FEISHU_API_BASE}/open-apis/authen/v1/access_token"

    def get_client(self, request, app):
        client = super().get_client(request, app)
        client.app_access_token_url = (
            f"{settings.SSO_FEISHU_API_BASE}/open-apis/auth/v3/app_access_token/internal/"
        )
        return client

    def complete_login(self, request, app, token, **kwargs):
        """The account's tenant_key must be the configured tenant."""
        try:
            info = FeishuClient().current_user(token.token)
        except PlatformError as error:
            raise provider_error(error) from error
        if info.get("tenant_key") != settings.SSO_FEISHU_TENANT_KEY:
            signin_refuse(
                request, platform="feishu", reason=OTHER_COMPANY, platform_user_id=info.get("open_id", "")
            )
        account = PlatformAccount(
            platform="feishu",
            platform_user_id=info["open_id"],
            name=info.get("name") or "",
            job_number=(info.get("employee_no") or "").strip(),
            mobile=info.get("mobile"),
        )
        return self.get_provider().sociallogin_from_response(request, account.as_extra_data())


oauth2_login = OAuth2LoginView.adapter_view(FeishuAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(FeishuAdapter)
