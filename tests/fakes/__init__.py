"""Fake DingTalk, Feishu and WeCom servers for the tests: real HTTP on 127.0.0.1, no internet.

Each fake is a `ThreadingHTTPServer` in a thread that answers the OAuth, contacts and message endpoints the
portal calls, with the request and response shapes of the platform's public documentation. The fixtures
(registered in tests/conftest.py) start one per test and point the portal's settings at it — credentials and
every `SSO_<PLATFORM>_*_BASE` URL — so the platform is switched on for that test:

    def test_a_work_notice_arrives(dingtalk_fake):
        member = dingtalk_fake.add_member("u1", job_number="E1001", mobile="13800138000")
        platform_client("dingtalk").send_message(user_id="u1", title="T", text="…")
        assert dingtalk_fake.messages[0].user_id == "u1"

Fixtures: `dingtalk_fake`, `feishu_fake`, `wecom_fake` (`FakeDingTalk`, `FakeFeishu`, `FakeWeCom`) and
`platform_fakes` (all three, as {"dingtalk": …, "feishu": …, "wecom": …}).

What a test controls (tests/fakes/base.py, `FakePlatform`):
- `add_member(user_id, *, name, job_number, mobile, corp=None)` → `Member`: someone in the directory. `corp`
  defaults to the fake's own company (`fake.corp`: DingTalk corpId, Feishu tenant_key, WeCom corp id); pass
  another to play a person of another company (the contacts API does not know them; sign-in reports their
  company). On Feishu `user_id` is the person's open_id.
- `fail_next(times=1, *, status=500, errcode=None, path=None)`: the next `times` API calls (or only those to
  `path`, e.g. "/topapi/message/corpconversation/asyncsend_v2") answer HTTP `status`, or, given `errcode`, HTTP
  200 with the platform's error body carrying that code (DingTalk/WeCom `errcode`, Feishu `code`).
- `expire_tokens()`: every access token issued so far stops working (the platform's token error).
- `sign_in_as(member)`: who confirms on the authorize page (a browser following the redirect comes back with
  their code); `authorize(url, member=None)` does the same for a test client: the portal's redirect URL in,
  the platform's callback URL (with code and state) out.
- `auth_code(member)`: a one-time code, as the in-app client script (DingTalk requestAuthCode) hands out.
- `messages`: every message received, as `SentMessage(user_id, title, text, url, payload)`.
- `requests`, `requests_to(path)`: every request received (method, path, query, headers, body).
"""
