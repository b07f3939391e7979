from allauth.socialaccount.providers.dingtalk.provider import DingTalkProvider as AllauthDingTalkProvider
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.platforms.providers.base import PlatformProviderMixin
from portal.platforms.providers.dingtalk.views import DingTalkAdapter


class DingTalkProvider(PlatformProviderMixin, AllauthDingTalkProvider):
    """allauth's DingTalk provider, kept to the configured company: scope `openid corpid`, the org picker
    limited to SSO_DINGTALK_CORP_ID, and the account checked against that corp's contacts."""

    name = _("DingTalk")
    login_label = _("Sign in with DingTalk")
    oauth2_adapter_class = DingTalkAdapter

    def get_auth_params(self):
        return {"prompt": "consent", "corpId": settings.SSO_DINGTALK_CORP_ID, **super().get_auth_params()}


provider_classes = [DingTalkProvider]
