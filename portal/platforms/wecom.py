"""WeCom (企业微信) server API, called with the company's self-built app (corp id, agent id, secret).

WeCom keeps no job number: people are found by mobile (`cgi-bin/user/getuserid`).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from portal.platforms.base import PlatformClient, PlatformError, PlatformProfile, normalise_mobile

USER_NOT_FOUND = frozenset({46004, 60111})  # 不存在的成员 / userid not found
INVALID_USER = 81013  # user & party & tag all invalid


class WeComClient(PlatformClient):
    name = "wecom"
    token_errors = frozenset({40014, 42001})  # 不合法的access_token, access_token已过期

    @property
    def credentials_key(self) -> str:
        return f"{settings.SSO_WECOM_CORP_ID}:{settings.SSO_WECOM_AGENT_ID}"

    def _fetch_token(self) -> tuple[str, int]:
        body = self._http(
            "GET",
            f"{settings.SSO_WECOM_API_BASE}/cgi-bin/gettoken",
            params={"corpid": settings.SSO_WECOM_CORP_ID, "corpsecret": settings.SSO_WECOM_SECRET},
        )
        return body["access_token"], int(body.get("expires_in", 7200))

    def _check(self, body: dict) -> None:
        if body.get("errcode", 0) != 0:
            raise PlatformError(self.name, body["errcode"], str(body.get("errmsg", "")))

    def _api(
        self, method: str, path: str, *, params: dict | None = None, payload: dict | None = None
    ) -> dict:
        url = f"{settings.SSO_WECOM_API_BASE}/cgi-bin{path}"
        return self._with_token(
            lambda token: self._http(
                method, url, params={**(params or {}), "access_token": token}, json=payload
            )
        )

    # --- Contacts -----------------------------------------------------------------------------------------

    def user_id_by_mobile(self, mobile: str) -> str | None:
        try:
            return self._api("POST", "/user/getuserid", payload={"mobile": mobile}).get("userid") or None
        except PlatformError as error:
            if error.code in USER_NOT_FOUND:
                return None
            raise

    def user_id_by_auth_code(self, code: str) -> str | None:
        """The member behind an OAuth code (web login or in-app snsapi_base); None for a non-member.

        WeCom answers a member of the company with `userid`, anyone else with `openid` only.
        """
        return self._api("GET", "/auth/getuserinfo", params={"code": code}).get("userid") or None

    def profile(self, user_id: str) -> PlatformProfile:
        body = self._api("GET", "/user/get", params={"userid": user_id})
        # Apps created since mid-2022 no longer receive `mobile` here; a stored binding then finds the person.
        return PlatformProfile(
            user_id=body["userid"], name=body.get("name") or "", mobile=normalise_mobile(body.get("mobile"))
        )

    # --- Application messages (应用消息) ---------------------------------------------------------------------

    def send_message(self, *, user_id: str, title: str, text: str, url: str | None = None) -> None:
        message = {"touser": user_id, "agentid": int(settings.SSO_WECOM_AGENT_ID)}
        if url:
            message |= {
                "msgtype": "textcard",
                "textcard": {"title": title, "description": text, "url": url, "btntxt": _("Open")},
            }
        else:
            message |= {"msgtype": "text", "text": {"content": f"{title}\n{text}"}}
        body = self._api("POST", "/message/send", payload=message)
        if user_id in (body.get("invaliduser") or "").split("|"):
            raise PlatformError(self.name, INVALID_USER, f"invalid user: {user_id}")
