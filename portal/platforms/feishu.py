"""Feishu (飞书) server API, called with the company's custom app (SSO_FEISHU_APP_ID) and its
tenant_access_token. People are identified by their open_id within this app, as sign-in identifies them."""

import json
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from portal.platforms.base import PlatformClient, PlatformError, PlatformProfile, normalise_mobile

PAGE_SIZE = 50


class FeishuClient(PlatformClient):
    name = "feishu"
    # Invalid or expired tenant_access_token.
    token_errors = frozenset({99991661, 99991663, 99991668, 99991677})

    @property
    def credentials_key(self) -> str:
        return settings.SSO_FEISHU_APP_ID

    def _fetch_token(self) -> tuple[str, int]:
        body = self._http(
            "POST",
            f"{settings.SSO_FEISHU_API_BASE}/open-apis/auth/v3/tenant_access_token/internal",
            json={"app_id": settings.SSO_FEISHU_APP_ID, "app_secret": settings.SSO_FEISHU_APP_SECRET},
        )
        return body["tenant_access_token"], int(body.get("expire", 7200))

    def _check(self, body: dict) -> None:
        if body.get("code", 0) != 0:
            raise PlatformError(self.name, body["code"], str(body.get("msg", "")))

    def _api(
        self, method: str, path: str, *, params: dict | None = None, payload: dict | None = None
    ) -> dict:
        url = f"{settings.SSO_FEISHU_API_BASE}/open-apis{path}"
        return self._with_token(
            lambda token: self._http(
                method, url, params=params, json=payload, headers={"Authorization": f"Bearer {token}"}
            )
        )

    def _pages(self, path: str, params: dict) -> Iterator[dict]:
        page_token = ""
        while True:
            query = {**params, "page_size": PAGE_SIZE} | ({"page_token": page_token} if page_token else {})
            data = self._api("GET", path, params=query).get("data") or {}
            yield from data.get("items") or []
            if not data.get("has_more"):
                return
            page_token = data["page_token"]

    # --- Contacts -----------------------------------------------------------------------------------------

    def user_id_by_mobile(self, mobile: str) -> str | None:
        body = self._api(
            "POST",
            "/contact/v3/users/batch_get_id",
            params={"user_id_type": "open_id"},
            payload={"mobiles": [mobile]},
        )
        for found in (body.get("data") or {}).get("user_list") or []:
            if found.get("user_id"):
                return found["user_id"]
        return None

    def _directory(self) -> Iterator[PlatformProfile]:
        departments = ["0"] + [
            item["open_department_id"]
            for item in self._pages(
                "/contact/v3/departments/0/children",
                {"fetch_child": "true", "department_id_type": "open_department_id"},
            )
        ]
        seen: set[str] = set()
        for department in departments:
            for member in self._pages(
                "/contact/v3/users/find_by_department",
                {
                    "department_id": department,
                    "department_id_type": "open_department_id",
                    "user_id_type": "open_id",
                },
            ):
                if member["open_id"] not in seen:
                    seen.add(member["open_id"])
                    yield PlatformProfile(
                        user_id=member["open_id"],
                        name=member.get("name") or "",
                        job_number=(member.get("employee_no") or "").strip(),
                        mobile=normalise_mobile(member.get("mobile")),
                    )

    def current_user(self, user_access_token: str) -> dict:
        """The signed-in user's profile (open_id, tenant_key, employee_no, mobile…) from their user token."""
        body = self._http(
            "GET",
            f"{settings.SSO_FEISHU_API_BASE}/open-apis/authen/v1/user_info",
            headers={"Authorization": f"Bearer {user_access_token}"},
        )
        return body.get("data") or {}

    # --- Messages -----------------------------------------------------------------------------------------

    def send_message(self, *, user_id: str, title: str, text: str, url: str | None = None) -> None:
        paragraphs = [[{"tag": "text", "text": line}] for line in text.splitlines() or [""]]
        if url:
            paragraphs.append([{"tag": "a", "text": _("Open in the portal"), "href": url}])
        content = {"zh_cn": {"title": title, "content": paragraphs}}
        self._api(
            "POST",
            "/im/v1/messages",
            params={"receive_id_type": "open_id"},
            payload={
                "receive_id": user_id,
                "msg_type": "post",
                "content": json.dumps(content, ensure_ascii=False),
            },
        )
