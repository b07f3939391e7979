"""The company platforms the staff already use — DingTalk (钉钉), Feishu (飞书) and WeCom (企业微信).

Which are switched on (their settings are set), and one API client per platform for what the portal asks of
them: a person's platform user id from the contacts API, and a message to that person. Sign-in through the
platforms lives beside this, in `portal.platforms.providers` (allauth providers) and `portal.platforms.signin`.

    client = platform_client("dingtalk")
    user_id = client.find_user_id(job_number="E1001", mobile="13800138000")
    client.send_message(user_id=user_id, title="…", text="…", url="https://portal…")

Every failure of a platform (its error code, an HTTP 5xx, a timeout) raises `PlatformError`.
"""

from urllib.parse import urlsplit

from django.conf import settings

from portal.platforms.base import PlatformClient, PlatformError, PlatformProfile, normalise_mobile

PLATFORMS = ("dingtalk", "feishu", "wecom")

# The settings that switch a platform on: without all of them it is off (no login button, no client).
REQUIRED_SETTINGS = {
    "dingtalk": ("SSO_DINGTALK_CLIENT_ID", "SSO_DINGTALK_CLIENT_SECRET", "SSO_DINGTALK_CORP_ID"),
    "feishu": ("SSO_FEISHU_APP_ID", "SSO_FEISHU_APP_SECRET", "SSO_FEISHU_TENANT_KEY"),
    "wecom": ("SSO_WECOM_CORP_ID", "SSO_WECOM_AGENT_ID", "SSO_WECOM_SECRET"),
}

__all__ = [
    "PLATFORMS",
    "PlatformClient",
    "PlatformError",
    "PlatformProfile",
    "enabled_platforms",
    "normalise_mobile",
    "platform_client",
    "platform_configured",
    "sign_in_origins",
]


def platform_configured(name: str) -> bool:
    return name in REQUIRED_SETTINGS and all(getattr(settings, key, "") for key in REQUIRED_SETTINGS[name])


def enabled_platforms() -> list[str]:
    """The platforms whose settings are set, in the order of `PLATFORMS`."""
    return [name for name in PLATFORMS if platform_configured(name)]


def platform_client(name: str) -> PlatformClient:
    """The API client of platform `name`. Raises PlatformError (code "not_configured") when it is switched off."""
    if name not in PLATFORMS:
        raise ValueError(f"unknown platform: {name}")
    if not platform_configured(name):
        raise PlatformError(name, "not_configured", f"the SSO_{name.upper()}_* settings are not set")
    if name == "dingtalk":
        from portal.platforms.dingtalk import DingTalkClient

        return DingTalkClient()
    if name == "feishu":
        from portal.platforms.feishu import FeishuClient

        return FeishuClient()
    from portal.platforms.wecom import WeComClient

    return WeComClient()


def sign_in_origins() -> list[str]:
    """The origins of the enabled platforms' authorize pages, which the sign-in buttons' forms redirect to (the
    Content-Security-Policy's form-action must allow them, or the browser stops the redirect)."""
    bases = {
        "dingtalk": ("SSO_DINGTALK_LOGIN_BASE",),
        "feishu": ("SSO_FEISHU_API_BASE",),
        "wecom": ("SSO_WECOM_LOGIN_BASE", "SSO_WECOM_OAUTH_BASE"),
    }
    origins = []
    for name in enabled_platforms():
        for key in bases[name]:
            parts = urlsplit(getattr(settings, key))
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins
