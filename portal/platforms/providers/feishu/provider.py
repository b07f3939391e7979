from allauth.socialaccount.providers.feishu.provider import FeishuProvider as AllauthFeishuProvider
from django.utils.translation import gettext_lazy as _

from portal.platforms.providers.base import PlatformProviderMixin
from portal.platforms.providers.feishu.views import FeishuAdapter


class FeishuProvider(PlatformProviderMixin, AllauthFeishuProvider):
    """allauth's Feishu provider, kept to the configured tenant (SSO_FEISHU_TENANT_KEY)."""

    name = _("Feishu")
    login_label = _("Sign in with Feishu")
    oauth2_adapter_class = FeishuAdapter


provider_classes = [FeishuProvider]
