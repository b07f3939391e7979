from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.utils.translation import gettext_lazy as _

from portal.platforms.providers.base import PlatformProviderMixin
from portal.platforms.providers.wecom.views import WeComAdapter


class WeComProvider(PlatformProviderMixin, OAuth2Provider):
    """WeCom (企业微信) sign-in of the company's self-built app: web login (QR code or account) in a browser,
    OAuth2 `snsapi_base` without a click inside the WeCom client. Only members of SSO_WECOM_CORP_ID get a
    user id from the code, so the corp is checked by the exchange itself."""

    id = "wecom"
    name = _("WeCom")
    login_label = _("Sign in with WeCom")
    oauth2_adapter_class = WeComAdapter


provider_classes = [WeComProvider]
