"""DingTalk (钉钉) server API, called with the company's internal app (AppKey = SSO_DINGTALK_CLIENT_ID).

Contacts and work notices use the classic API on oapi.dingtalk.com (`errcode` bodies); the signed-in user's
own profile uses the new API on api.dingtalk.com (`x-acs-dingtalk-access-token`).
"""

from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from portal.platforms.base import PlatformClient, PlatformError, PlatformProfile, normalise_mobile

USER_NOT_FOUND = 60121  # 找不到该用户: not a member of this company
CODE_NOT_FOUND = 40078  # 不存在的临时授权码: a code this corp did not issue (another company's, or stale)
CONTACT_TYPE_EXTERNAL = 1  # getbyunionid: an external contact, not staff


class DingTalkClient(PlatformClient):
    name = "dingtalk"
    token_errors = frozenset({40014, 42001})  # 不合法的access_token, access_token超时

    @property
    def credentials_key(self) -> str:
        return settings.SSO_DINGTALK_CLIENT_ID

    def _fetch_token(self) -> tuple[str, int]:
        body = self._http(
            "GET",
            f"{settings.SSO_DINGTALK_OAPI_BASE}/gettoken",
            params={
                "appkey": settings.SSO_DINGTALK_CLIENT_ID,
                "appsecret": settings.SSO_DINGTALK_CLIENT_SECRET,
            },
        )
        return body["access_token"], int(body.get("expires_in", 7200))

    def _check(self, body: dict) -> None:
        if body.get("errcode", 0) != 0:
            raise PlatformError(self.name, body["errcode"], str(body.get("errmsg", "")))
        # The new API answers errors with HTTP 4xx and {"code": "...", "message": "..."}.
        if isinstance(body.get("code"), str) and "message" in body:
            raise PlatformError(self.name, body["code"], str(body["message"]))

    def _oapi(self, path: str, payload: dict) -> dict:
        url = f"{settings.SSO_DINGTALK_OAPI_BASE}{path}"
        return self._with_token(
            lambda token: self._http("POST", url, params={"access_token": token}, json=payload)
        )

    def _user_id_or_none(self, path: str, payload: dict) -> str | None:
        try:
            result = self._oapi(path, payload).get("result") or {}
        except PlatformError as error:
            if error.code in (USER_NOT_FOUND, CODE_NOT_FOUND):
                return None
            raise
        if result.get("contact_type") == CONTACT_TYPE_EXTERNAL:
            return None
        return result.get("userid") or None

    # --- Contacts -----------------------------------------------------------------------------------------

    def user_id_by_mobile(self, mobile: str) -> str | None:
        return self._user_id_or_none("/topapi/v2/user/getbymobile", {"mobile": mobile})

    def user_id_by_union_id(self, union_id: str) -> str | None:
        """The company's userid of the DingTalk account `union_id`; None if it is not a member of the company."""
        return self._user_id_or_none("/topapi/user/getbyunionid", {"unionid": union_id})

    def user_id_by_auth_code(self, code: str) -> str | None:
        """The userid behind an in-app auth code (免登码 from dd.runtime.permission.requestAuthCode); None when
        this corp did not issue the code."""
        return self._user_id_or_none("/topapi/v2/user/getuserinfo", {"code": code})

    def profile(self, user_id: str) -> PlatformProfile:
        result = self._oapi("/topapi/v2/user/get", {"userid": user_id, "language": "zh_CN"})["result"]
        return _profile(result)

    def _directory(self) -> Iterator[PlatformProfile]:
        seen: set[str] = set()
        departments = [1]  # the root department
        while departments:
            dept_id = departments.pop()
            sub = self._oapi("/topapi/v2/department/listsubid", {"dept_id": dept_id})["result"]
            departments.extend(sub.get("dept_id_list") or [])
            cursor = 0
            while True:
                page = self._oapi("/topapi/v2/user/list", {"dept_id": dept_id, "cursor": cursor, "size": 100})
                result = page["result"]
                for member in result.get("list") or []:
                    if member["userid"] not in seen:
                        seen.add(member["userid"])
                        yield _profile(member)
                if not result.get("has_more"):
                    break
                cursor = result["next_cursor"]

    def current_user(self, user_access_token: str) -> dict:
        """The signed-in user's own profile (nick, unionId, openId…) from their OAuth access token."""
        return self._http(
            "GET",
            f"{settings.SSO_DINGTALK_API_BASE}/v1.0/contact/users/me",
            headers={"x-acs-dingtalk-access-token": user_access_token},
        )

    # --- Work notices (工作通知) ------------------------------------------------------------------------------

    def send_message(self, *, user_id: str, title: str, text: str, url: str | None = None) -> None:
        if not settings.SSO_DINGTALK_AGENT_ID:
            raise PlatformError(self.name, "not_configured", "SSO_DINGTALK_AGENT_ID is not set")
        markdown = f"### {title}\n\n{text}"
        if url:
            msg = {
                "msgtype": "action_card",
                "action_card": {
                    "title": title,
                    "markdown": markdown,
                    "single_title": _("Open in the portal"),
                    "single_url": url,
                },
            }
        else:
            msg = {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
        self._oapi(
            "/topapi/message/corpconversation/asyncsend_v2",
            {"agent_id": int(settings.SSO_DINGTALK_AGENT_ID), "userid_list": user_id, "msg": msg},
        )


def _profile(member: dict) -> PlatformProfile:
    return PlatformProfile(
        user_id=member["userid"],
        name=member.get("name") or "",
        job_number=(member.get("job_number") or "").strip(),
        mobile=normalise_mobile(member.get("mobile")),
    )
