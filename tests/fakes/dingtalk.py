"""Fake DingTalk: the login page (login.dingtalk.com), the new API (api.dingtalk.com) and the classic API
(oapi.dingtalk.com) on one server, with the request and response shapes of DingTalk's documentation."""

from tests.fakes.base import FakePlatform, Member, Request, Response, SentMessage

USER_NOT_FOUND = {"errcode": 60121, "errmsg": "找不到该用户"}


class FakeDingTalk(FakePlatform):
    name = "dingtalk"
    browser_paths = frozenset({"/oauth2/auth"})

    def __init__(
        self, corp: str = "dingcorp0001", client_id: str = "dingappkey", client_secret: str = "s3cret"
    ):
        super().__init__(corp)
        self.client_id = client_id
        self.client_secret = client_secret
        self.agent_id = "900001"
        self.routes = {
            ("GET", "/oauth2/auth"): self.oauth_authorize,
            ("POST", "/v1.0/oauth2/userAccessToken"): self.user_access_token,
            ("GET", "/v1.0/contact/users/me"): self.users_me,
            ("GET", "/gettoken"): self.gettoken,
            ("POST", "/topapi/user/getbyunionid"): self.getbyunionid,
            ("POST", "/topapi/v2/user/getbymobile"): self.getbymobile,
            ("POST", "/topapi/v2/user/getuserinfo"): self.getuserinfo,
            ("POST", "/topapi/v2/user/get"): self.user_get,
            ("POST", "/topapi/v2/department/listsubid"): self.listsubid,
            ("POST", "/topapi/v2/user/list"): self.user_list,
            ("POST", "/topapi/message/corpconversation/asyncsend_v2"): self.asyncsend_v2,
        }

    def error_body(self, errcode: int, message: str) -> dict:
        return {"errcode": errcode, "errmsg": message, "request_id": f"req{self.next_id()}"}

    def ok(self, **fields) -> Response:
        return Response(200, {"errcode": 0, "errmsg": "ok", **fields, "request_id": f"req{self.next_id()}"})

    def callback_url(self, query: dict, member: Member | None) -> str:
        return self.oauth_authorize_query(query, member).location

    # --- Login page and the new API (user identity) -------------------------------------------------------

    def oauth_authorize(self, request: Request) -> Response:
        return self.oauth_authorize_query(request.query, self.signing_in)

    def oauth_authorize_query(self, query: dict, member: Member | None) -> Response:
        if query.get("client_id") != self.client_id:
            return Response(400, "<h1>应用不存在</h1>")
        if member is None:
            return Response(200, "<h1>钉钉登录（测试替身）：没有人在登录</h1>")
        # DingTalk sends `authCode` (and `code`) back to the redirect URI, with the state untouched.
        code = self.auth_code(member)
        return self.redirect_to(
            query["redirect_uri"], {"authCode": code, "code": code, "state": query["state"]}
        )

    def user_access_token(self, request: Request) -> Response:
        body = request.body
        if body.get("clientId") != self.client_id or body.get("clientSecret") != self.client_secret:
            return Response(400, {"code": "invalidClientId", "message": "无效的clientId", "requestid": "r1"})
        member = self.take_code(body.get("code", ""))
        if member is None or body.get("grantType") != "authorization_code":
            return Response(
                400, {"code": "invalidAuthCode", "message": "不合法的临时授权码", "requestid": "r2"}
            )
        return Response(
            200,
            {
                "accessToken": self.issue_token(member),
                "refreshToken": f"refresh-{member.user_id}",
                "expireIn": 7200,
                "corpId": member.corp,
            },
        )

    def users_me(self, request: Request) -> Response:
        member = self.token_member(request.headers.get("x-acs-dingtalk-access-token"))
        if member is None:
            return Response(401, {"code": "InvalidAuthentication", "message": "不合法的access_token"})
        return Response(
            200,
            {
                "nick": member.name,
                "avatarUrl": "",
                "mobile": member.mobile,
                "openId": member.open_id,
                "unionId": member.union_id,
                "email": "",
                "stateCode": "86",
            },
        )

    # --- The classic API (the company app) ----------------------------------------------------------------

    def gettoken(self, request: Request) -> Response:
        if (
            request.query.get("appkey") != self.client_id
            or request.query.get("appsecret") != self.client_secret
        ):
            return Response(200, self.error_body(40089, "不合法的corpid或corpsecret"))
        return self.ok(access_token=self.issue_token(), expires_in=7200)

    def _authorised(self, request: Request) -> Response | None:
        if not self.token_valid(request.query.get("access_token")):
            return Response(200, self.error_body(40014, "不合法的access_token"))
        return None

    def getbyunionid(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        member = self.member_by(union_id=request.body.get("unionid"))
        if member is None:
            return Response(200, USER_NOT_FOUND)
        return self.ok(result={"contact_type": 0, "userid": member.user_id})

    def getbymobile(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        member = self.member_by(mobile=request.body.get("mobile"))
        if member is None:
            return Response(200, USER_NOT_FOUND)
        return self.ok(result={"userid": member.user_id})

    def getuserinfo(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        member = self.take_code(request.body.get("code", ""))
        if member is None or member.corp != self.corp:
            return Response(200, self.error_body(40078, "不存在的临时授权码"))
        return self.ok(
            result={
                "userid": member.user_id,
                "unionid": member.union_id,
                "name": member.name,
                "device_id": "device",
                "sys": False,
                "sys_level": 0,
                "associated_unionid": "",
            }
        )

    def _user(self, member: Member) -> dict:
        return {
            "userid": member.user_id,
            "unionid": member.union_id,
            "name": member.name,
            "mobile": member.mobile,
            "state_code": "86",
            "job_number": member.job_number,
            "active": True,
            "dept_id_list": [1],
        }

    def user_get(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        member = self.member_by(user_id=request.body.get("userid"))
        if member is None:
            return Response(200, USER_NOT_FOUND)
        return self.ok(result=self._user(member))

    def listsubid(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        return self.ok(result={"dept_id_list": []})

    def user_list(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        cursor, size = int(request.body.get("cursor", 0)), int(request.body.get("size", 100))
        members = self.own_members() if int(request.body.get("dept_id", 1)) == 1 else []
        page = members[cursor : cursor + size]
        has_more = cursor + size < len(members)
        return self.ok(
            result={
                "has_more": has_more,
                "next_cursor": cursor + size if has_more else None,
                "list": [self._user(m) for m in page],
            }
        )

    def asyncsend_v2(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        body = request.body
        if str(body.get("agent_id")) != self.agent_id:
            return Response(200, self.error_body(40056, "不合法的agentid"))
        msg = body.get("msg") or {}
        content = msg.get(msg.get("msgtype"), {})
        for user_id in str(body.get("userid_list", "")).split(","):
            self.messages.append(
                SentMessage(
                    user_id=user_id,
                    title=content.get("title", ""),
                    text=content.get("markdown") or content.get("text") or "",
                    url=content.get("single_url"),
                    payload=body,
                )
            )
        return self.ok(task_id=self.next_id())
