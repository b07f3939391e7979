"""A fake platform: an HTTP server on 127.0.0.1 in a thread, with members, scripted failures and a message log."""

import itertools
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit


@dataclass
class Member:
    """A person in a platform's directory. `corp` is the company (corpId / tenant_key / corp id) they belong to."""

    user_id: str
    name: str = ""
    job_number: str = ""
    mobile: str = ""
    corp: str = ""
    union_id: str = ""
    open_id: str = ""


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: dict
    raw_body: bytes = b""


@dataclass
class Response:
    status: int = 200
    body: dict | str | None = None
    location: str | None = None


@dataclass
class _Failure:
    remaining: int
    status: int
    errcode: int | None
    path: str | None


@dataclass
class SentMessage:
    """One message the portal sent: the recipient's platform user id, the text it carried, the raw payload."""

    user_id: str
    title: str
    text: str
    url: str | None
    payload: dict = field(default_factory=dict)


class FakePlatform:
    """Base of the three fakes. Subclasses fill `routes` ({(method, path): handler}) and `error_body`."""

    name = ""
    # Paths that serve a browser (the OAuth authorize pages): never failed by `fail_next`.
    browser_paths: frozenset = frozenset()

    def __init__(self, corp: str):
        self.corp = corp
        self.members: dict[str, Member] = {}
        self.messages: list[SentMessage] = []
        self.requests: list[Request] = []
        self.signing_in: Member | None = None
        self._failures: list[_Failure] = []
        self._codes: dict[str, Member] = {}
        self._tokens: dict[str, Member | None] = {}  # app tokens map to None, user tokens to their member
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self.routes: dict = {}

    # --- Control, for tests -----------------------------------------------------------------------------------

    def add_member(
        self, user_id: str, *, name: str = "", job_number: str = "", mobile: str = "", corp: str | None = None
    ) -> Member:
        member = Member(
            user_id=user_id,
            name=name or user_id,
            job_number=job_number,
            mobile=mobile,
            corp=self.corp if corp is None else corp,
            union_id=f"union-{user_id}",
            open_id=f"open-{user_id}",
        )
        self.members[user_id] = member
        return member

    def fail_next(
        self, times: int = 1, *, status: int = 500, errcode: int | None = None, path: str | None = None
    ) -> None:
        """The next `times` API calls (to `path` only, if given) fail: with HTTP `status`, or, given `errcode`,
        with HTTP 200 and the platform's error body carrying that code."""
        with self._lock:
            self._failures.append(_Failure(times, status, errcode, path))

    def sign_in_as(self, member: Member | None) -> None:
        """The person who "confirms" on the platform's authorize page: it redirects back with their code."""
        self.signing_in = member

    def auth_code(self, member: Member) -> str:
        """A one-time code for `member`, as the platform's client script or OAuth redirect hands out."""
        code = f"code-{secrets.token_hex(8)}"
        with self._lock:
            self._codes[code] = member
        return code

    def authorize(self, url: str, member: Member | None = None) -> str:
        """Follow the portal's redirect to the authorize page as `member` (default: `signing_in`): the callback
        URL the platform would send the browser to."""
        parts = urlsplit(url)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        return self.callback_url(query, member or self.signing_in)

    def expire_tokens(self) -> None:
        """Every access token issued so far stops working (the platform answers with its token error)."""
        with self._lock:
            self._tokens.clear()

    def requests_to(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]

    # --- What subclasses use ----------------------------------------------------------------------------------

    def callback_url(self, query: dict, member: Member | None) -> str:
        raise NotImplementedError

    def error_body(self, errcode: int, message: str) -> dict:
        raise NotImplementedError

    def take_code(self, code: str) -> Member | None:
        with self._lock:
            return self._codes.pop(code, None)

    def issue_token(self, member: Member | None = None) -> str:
        token = f"token-{secrets.token_hex(8)}"
        with self._lock:
            self._tokens[token] = member
        return token

    def token_valid(self, token: str | None) -> bool:
        return bool(token) and token in self._tokens

    def token_member(self, token: str | None) -> Member | None:
        return self._tokens.get(token or "")

    def own_members(self) -> list[Member]:
        return [member for member in self.members.values() if member.corp == self.corp]

    def member_by(self, **fields) -> Member | None:
        for member in self.own_members():
            if all(getattr(member, key) == value for key, value in fields.items()):
                return member
        return None

    def next_id(self) -> int:
        return next(self._ids)

    @staticmethod
    def redirect_to(redirect_uri: str, params: dict) -> Response:
        parts = urlsplit(redirect_uri)
        query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
        return Response(302, location=urlunsplit(parts._replace(query=query)))

    # --- The server -------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakePlatform":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake._handle(self)

            def do_POST(self):
                fake._handle(self)

            def log_message(self, format, *args):  # quiet test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True, name=f"fake-{self.name}"
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body: dict = {}
        if raw:
            content_type = handler.headers.get("Content-Type", "")
            try:
                body = (
                    {key: values[0] for key, values in parse_qs(raw.decode()).items()}
                    if "x-www-form-urlencoded" in content_type
                    else json.loads(raw)
                )
            except ValueError:
                body = {}
        request = Request(
            method=handler.command,
            path=parts.path,
            query={key: values[0] for key, values in parse_qs(parts.query).items()},
            headers={key.lower(): value for key, value in handler.headers.items()},
            body=body if isinstance(body, dict) else {},
            raw_body=raw,
        )
        with self._lock:
            self.requests.append(request)
        response = self._scripted_failure(request) or self._route(request)
        self._write(handler, response)

    def _scripted_failure(self, request: Request) -> Response | None:
        if request.path in self.browser_paths:
            return None
        with self._lock:
            for failure in self._failures:
                if failure.remaining > 0 and failure.path in (None, request.path):
                    failure.remaining -= 1
                    if failure.errcode is not None:
                        return Response(200, self.error_body(failure.errcode, "scripted failure"))
                    return Response(failure.status, "Internal Server Error")
        return None

    def _route(self, request: Request) -> Response:
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return Response(404, {"error": f"the fake {self.name} has no {request.method} {request.path}"})
        return handler(request)

    @staticmethod
    def _write(handler: BaseHTTPRequestHandler, response: Response) -> None:
        if response.location:
            handler.send_response(response.status)
            handler.send_header("Location", response.location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if isinstance(response.body, str):
            data, content_type = response.body.encode(), "text/html; charset=utf-8"
        else:
            data, content_type = (
                json.dumps(response.body or {}, ensure_ascii=False).encode(),
                "application/json",
            )
        handler.send_response(response.status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
