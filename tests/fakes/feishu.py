"""Fake Feishu (open.feishu.cn/open-apis): web login, tokens, contacts and messages, with the request and
response shapes of Feishu's documentation. Members are identified by their open_id (`user_id` here)."""

import json

from tests.fakes.base import FakePlatform, Member, Request, Response, SentMessage


class FakeFeishu(FakePlatform):
    name = "feishu"
    browser_paths = frozenset({"/open-apis/authen/v1/index", "/open-apis/authen/v1/authorize"})

    def __init__(self, corp: str = "tenant0001", app_id: str = "cli_fake0001", app_secret: str = "s3cret"):
        super().__init__(corp)
        self.app_id = app_id
        self.app_secret = app_secret
        self.routes = {
            ("GET", "/open-apis/authen/v1/index"): self.authorize_page,
            ("GET", "/open-apis/authen/v1/authorize"): self.authorize_page,
            ("POST", "/open-apis/auth/v3/app_access_token/internal"): self.app_access_token,
            ("POST", "/open-apis/auth/v3/app_access_token/internal/"): self.app_access_token,
            ("POST", "/open-apis/auth/v3/tenant_access_token/internal"): self.tenant_access_token,
            ("POST", "/open-apis/authen/v1/access_token"): self.user_access_token,
            ("GET", "/open-apis/authen/v1/user_info"): self.user_info,
            ("POST", "/open-apis/contact/v3/users/batch_get_id"): self.batch_get_id,
            ("GET", "/open-apis/contact/v3/departments/0/children"): self.department_children,
            ("GET", "/open-apis/contact/v3/users/find_by_department"): self.find_by_department,
            ("POST", "/open-apis/im/v1/messages"): self.send_message,
        }

    def error_body(self, errcode: int, message: str) -> dict:
        return {"code": errcode, "msg": message}

    def ok(self, **fields) -> Response:
        return Response(200, {"code": 0, "msg": "success", **fields})

    def callback_url(self, query: dict, member: Member | None) -> str:
        return self.authorize_query(query, member).location

    def authorize_page(self, request: Request) -> Response:
        return self.authorize_query(request.query, self.signing_in)

    def authorize_query(self, query: dict, member: Member | None) -> Response:
        if query.get("app_id") != self.app_id:
            return Response(400, "<h1>app_id 无效</h1>")
        if member is None:
            return Response(200, "<h1>飞书登录（测试替身）：没有人在登录</h1>")
        return self.redirect_to(
            query["redirect_uri"], {"code": self.auth_code(member), "state": query["state"]}
        )

    def _credentials_ok(self, body: dict) -> bool:
        return body.get("app_id") == self.app_id and body.get("app_secret") == self.app_secret

    def app_access_token(self, request: Request) -> Response:
        if not self._credentials_ok(request.body):
            return Response(400, self.error_body(10014, "app secret invalid"))
        return Response(
            200,
            {
                "code": 0,
                "msg": "ok",
                "app_access_token": self.issue_token(),
                "tenant_access_token": self.issue_token(),
                "expire": 7200,
            },
        )

    def tenant_access_token(self, request: Request) -> Response:
        if not self._credentials_ok(request.body):
            return Response(400, self.error_body(10014, "app secret invalid"))
        return Response(
            200, {"code": 0, "msg": "ok", "tenant_access_token": self.issue_token(), "expire": 7200}
        )

    def _bearer(self, request: Request) -> str:
        return request.headers.get("authorization", "").removeprefix("Bearer ").strip()

    def _authorised(self, request: Request) -> Response | None:
        if (
            not self.token_valid(self._bearer(request))
            or self.token_member(self._bearer(request)) is not None
        ):
            return Response(400, self.error_body(99991663, "Invalid access token for authorization"))
        return None

    def _user_fields(self, member: Member) -> dict:
        return {
            "name": member.name,
            "en_name": member.name,
            "avatar_url": "",
            "open_id": member.user_id,
            "union_id": member.union_id,
            "user_id": f"uid-{member.user_id}",
            "mobile": f"+86{member.mobile}" if member.mobile else "",
            "tenant_key": member.corp,
            "employee_no": member.job_number,
        }

    def user_access_token(self, request: Request) -> Response:
        app_token = request.body.get("app_access_token") or self._bearer(request)
        if not self.token_valid(app_token):
            return Response(400, self.error_body(99991663, "Invalid access token for authorization"))
        member = self.take_code(request.body.get("code", ""))
        if member is None or request.body.get("grant_type") != "authorization_code":
            return Response(400, self.error_body(20003, "invalid code"))
        fields = self._user_fields(member)
        fields.pop("employee_no")
        return self.ok(
            data={
                "access_token": self.issue_token(member),
                "token_type": "Bearer",
                "expires_in": 6900,
                "refresh_token": f"refresh-{member.user_id}",
                "refresh_expires_in": 2592000,
                **fields,
            }
        )

    def user_info(self, request: Request) -> Response:
        member = self.token_member(self._bearer(request))
        if member is None:
            return Response(400, self.error_body(99991668, "Invalid access token for authorization"))
        return self.ok(data=self._user_fields(member))

    def batch_get_id(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        found = []
        for mobile in request.body.get("mobiles") or []:
            member = self.member_by(mobile=mobile.removeprefix("+86"))
            found.append({"mobile": mobile, **({"user_id": member.user_id} if member else {})})
        return self.ok(data={"user_list": found})

    def department_children(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        return self.ok(data={"has_more": False, "items": []})

    def find_by_department(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        members = self.own_members() if request.query.get("department_id") == "0" else []
        start = int(request.query.get("page_token") or 0)
        size = int(request.query.get("page_size") or 50)
        page = members[start : start + size]
        has_more = start + size < len(members)
        items = [
            {"open_id": m.user_id, "name": m.name, "employee_no": m.job_number, "mobile": f"+86{m.mobile}"}
            for m in page
        ]
        return self.ok(
            data={"has_more": has_more, "page_token": str(start + size) if has_more else "", "items": items}
        )

    def send_message(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        body = request.body
        member = self.member_by(user_id=body.get("receive_id"))
        if request.query.get("receive_id_type") != "open_id" or member is None:
            return Response(400, self.error_body(230013, "Bot has NO availability to this user."))
        content = json.loads(body.get("content") or "{}")
        post = content.get("zh_cn") or {}
        texts, url = [], None
        for paragraph in post.get("content") or []:
            for element in paragraph:
                if element.get("tag") == "a":
                    url = element.get("href")
                else:
                    texts.append(element.get("text", ""))
        self.messages.append(
            SentMessage(
                user_id=member.user_id,
                title=post.get("title", ""),
                text="\n".join(texts),
                url=url,
                payload=body,
            )
        )
        return self.ok(data={"message_id": f"om_{self.next_id()}", "msg_type": body.get("msg_type")})
