"""Fake WeCom: web login (login.work.weixin.qq.com), in-app OAuth (open.weixin.qq.com) and the server API
(qyapi.weixin.qq.com/cgi-bin), with the request and response shapes of WeCom's documentation."""

from tests.fakes.base import FakePlatform, Member, Request, Response, SentMessage


class FakeWeCom(FakePlatform):
    name = "wecom"
    browser_paths = frozenset({"/wwlogin/sso/login", "/connect/oauth2/authorize"})

    def __init__(self, corp: str = "wwcorp0001", agent_id: str = "1000002", secret: str = "s3cret"):
        super().__init__(corp)
        self.agent_id = agent_id
        self.secret = secret
        # Apps created since mid-2022 get no mobile from cgi-bin/user/get; set False to play one.
        self.user_get_returns_mobile = True
        self.routes = {
            ("GET", "/wwlogin/sso/login"): self.authorize_page,
            ("GET", "/connect/oauth2/authorize"): self.authorize_page,
            ("GET", "/cgi-bin/gettoken"): self.gettoken,
            ("GET", "/cgi-bin/auth/getuserinfo"): self.getuserinfo,
            ("GET", "/cgi-bin/user/get"): self.user_get,
            ("POST", "/cgi-bin/user/getuserid"): self.getuserid,
            ("POST", "/cgi-bin/message/send"): self.message_send,
        }

    def error_body(self, errcode: int, message: str) -> dict:
        return {"errcode": errcode, "errmsg": message}

    def ok(self, **fields) -> Response:
        return Response(200, {"errcode": 0, "errmsg": "ok", **fields})

    def callback_url(self, query: dict, member: Member | None) -> str:
        return self.authorize_query(query, member).location

    def authorize_page(self, request: Request) -> Response:
        return self.authorize_query(request.query, self.signing_in)

    def authorize_query(self, query: dict, member: Member | None) -> Response:
        if query.get("appid") != self.corp or query.get("agentid") != self.agent_id:
            return Response(400, "<h1>参数错误</h1>")
        if member is None:
            return Response(200, "<h1>企业微信登录（测试替身）：没有人在登录</h1>")
        return self.redirect_to(
            query["redirect_uri"],
            {"code": self.auth_code(member), "state": query.get("state", ""), "appid": self.corp},
        )

    def gettoken(self, request: Request) -> Response:
        if request.query.get("corpid") != self.corp or request.query.get("corpsecret") != self.secret:
            return Response(200, self.error_body(40001, "invalid credential"))
        return self.ok(access_token=self.issue_token(), expires_in=7200)

    def _authorised(self, request: Request) -> Response | None:
        if not self.token_valid(request.query.get("access_token")):
            return Response(200, self.error_body(40014, "invalid access_token"))
        return None

    def getuserinfo(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        member = self.take_code(request.query.get("code", ""))
        if member is None:
            return Response(200, self.error_body(40029, "invalid code"))
        if member.corp != self.corp:  # not a member of this company: an openid only
            return self.ok(openid=member.open_id)
        return self.ok(userid=member.user_id)

    def user_get(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        member = self.member_by(user_id=request.query.get("userid"))
        if member is None:
            return Response(200, self.error_body(60111, "userid not found"))
        fields = {"userid": member.user_id, "name": member.name, "department": [1], "status": 1}
        if self.user_get_returns_mobile:
            fields["mobile"] = member.mobile
        return self.ok(**fields)

    def getuserid(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        member = self.member_by(mobile=request.body.get("mobile"))
        if member is None:
            return Response(200, self.error_body(46004, "user no exist"))
        return self.ok(userid=member.user_id)

    def message_send(self, request: Request) -> Response:
        if refused := self._authorised(request):
            return refused
        body = request.body
        if str(body.get("agentid")) != self.agent_id:
            return Response(200, self.error_body(40056, "invalid agentid"))
        invalid, delivered = [], 0
        for user_id in str(body.get("touser", "")).split("|"):
            if self.member_by(user_id=user_id) is None:
                invalid.append(user_id)
                continue
            if body.get("msgtype") == "textcard":
                card = body.get("textcard") or {}
                title, text, url = card.get("title", ""), card.get("description", ""), card.get("url")
            else:  # a text message: the portal puts the title on its first line
                title, _, text = (body.get("text") or {}).get("content", "").partition("\n")
                url = None
            self.messages.append(SentMessage(user_id=user_id, title=title, text=text, url=url, payload=body))
            delivered += 1
        if not delivered:
            return Response(
                200,
                {
                    **self.error_body(81013, "user & party & tag all invalid"),
                    "invaliduser": "|".join(invalid),
                },
            )
        return self.ok(invaliduser="|".join(invalid), msgid=f"msg{self.next_id()}")
