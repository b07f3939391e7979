"""Receivers on 127.0.0.1 that the tests start: a webhook receiver that checks each delivery's signature the way
a payroll system would, and a learning record store that checks each statement against the xAPI 1.0.3 rules.

Both are written here from the specifications, not from the portal's code: a wrong signature or a malformed
statement fails the tests."""

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Server:
    handler = None

    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _handler_class(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _answer(self, status: int, payload=None, *, content_type="application/json"):
                body = (
                    b""
                    if payload is None
                    else (payload if isinstance(payload, bytes) else json.dumps(payload).encode())
                )
                self.send_response(status)
                if body:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                owner.post(self)

            def do_PUT(self):
                owner.put(self)

            def do_GET(self):
                owner.get(self)

        return Handler

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def post(self, request):
        request._answer(405)

    put = get = post


class WebhookReceiver(_Server):
    """Records every delivery in arrival order with whether its signature held; answers 500 to the next
    `fail_next(n)` deliveries, 200 otherwise."""

    TOLERANCE_SECONDS = 300

    def __init__(self):
        super().__init__()
        self.secret = ""
        self.received: list[dict] = []
        self._failures = 0
        self._lock = threading.Lock()

    def fail_next(self, times: int) -> None:
        self._failures = times

    def signature_ok(self, header: str, body: bytes) -> bool:
        """`t=<unix>,v1=<hex>`: HMAC-SHA256 of `t.body` with the shared secret, `t` within five minutes."""
        fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        if not fields.get("t", "").isdigit() or abs(time.time() - int(fields["t"])) > self.TOLERANCE_SECONDS:
            return False
        expected = hmac.new(
            self.secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected, fields.get("v1", ""))

    def post(self, request):
        body = request._body()
        payload = json.loads(body)
        with self._lock:
            failing = self._failures > 0
            self._failures -= failing
            self.received.append(
                {
                    "event": payload["event"],
                    "id": payload["id"],
                    "created": payload["created"],
                    "data": payload["data"],
                    "keys": sorted(payload),
                    "signature_ok": self.signature_ok(request.headers.get("X-Portal-Signature", ""), body),
                    "answered": 500 if failing else 200,
                }
            )
        if failing:
            request._answer(500, b"temporarily down", content_type="text/plain")
        else:
            request._answer(200, {"ok": True})

    @property
    def events(self) -> list[str]:
        return [r["event"] for r in self.received]


# --- A learning record store ---------------------------------------------------------------------------------

STATEMENT_PROPERTIES = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


class StatementError(ValueError):
    pass


def _iri(value, where: str) -> None:
    """An absolute IRI: a scheme and something after it (xAPI requires IRIs for ids of verbs and activities)."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or not parts.scheme or not (parts.netloc or parts.path) or " " in value:
        raise StatementError(f"{where} must be an IRI, got {value!r}")


def _language_map(value, where: str) -> None:
    if not isinstance(value, dict) or not value:
        raise StatementError(f"{where} must be a language map")
    for tag, text in value.items():
        if not isinstance(tag, str) or not all(part.isalnum() and len(part) <= 8 for part in tag.split("-")):
            raise StatementError(f"{where} has an invalid language tag {tag!r}")
        if not isinstance(text, str):
            raise StatementError(f"{where}[{tag}] must be a string")


def _agent(agent, where: str) -> None:
    if not isinstance(agent, dict) or agent.get("objectType", "Agent") != "Agent":
        raise StatementError(f"{where} must be an Agent")
    found = [key for key in IFIS if key in agent]
    if len(found) != 1:
        raise StatementError(f"{where} needs exactly one inverse functional identifier, has {found}")
    if "account" in agent:
        account = agent["account"]
        if set(account) != {"homePage", "name"}:
            raise StatementError(f"{where}.account must have homePage and name only")
        home = urlsplit(account["homePage"])
        if home.scheme not in ("http", "https") or not home.netloc:
            raise StatementError(f"{where}.account.homePage must be an IRL")
        if not isinstance(account["name"], str) or not account["name"]:
            raise StatementError(f"{where}.account.name must be a non-empty string")


def validate_statement(statement) -> None:
    """The xAPI 1.0.3 rules this LRS enforces (Data section 2.4 and Communication section 2.1)."""
    if not isinstance(statement, dict):
        raise StatementError("a statement is a JSON object")
    unknown = set(statement) - STATEMENT_PROPERTIES
    if unknown:
        raise StatementError(f"unknown properties {sorted(unknown)}")
    for required in ("actor", "verb", "object"):
        if required not in statement:
            raise StatementError(f"{required} is required")
    if "id" in statement:
        try:
            if str(uuid.UUID(statement["id"])) != statement["id"].lower():
                raise ValueError
        except (ValueError, AttributeError, TypeError):
            raise StatementError("id must be a UUID in its canonical form") from None
    _agent(statement["actor"], "actor")
    verb = statement["verb"]
    _iri(verb.get("id"), "verb.id")
    if "display" in verb:
        _language_map(verb["display"], "verb.display")
    target = statement["object"]
    if target.get("objectType", "Activity") != "Activity":
        raise StatementError("object must be an Activity here")
    _iri(target.get("id"), "object.id")
    definition = target.get("definition", {})
    if "type" in definition:
        _iri(definition["type"], "object.definition.type")
    if "name" in definition:
        _language_map(definition["name"], "object.definition.name")
    if "timestamp" in statement:
        try:
            moment = datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
        except (ValueError, AttributeError):
            raise StatementError("timestamp must be ISO 8601") from None
        if moment.tzinfo is None:
            raise StatementError("timestamp needs a time zone")
    result = statement.get("result")
    if result is not None:
        score = result.get("score", {})
        scaled = score.get("scaled")
        if scaled is not None and (
            isinstance(scaled, bool) or not isinstance(scaled, int | float) or not -1 <= scaled <= 1
        ):
            raise StatementError("result.score.scaled must be a number from -1 to 1")
        if "raw" in score and not score.get("min", score["raw"]) <= score["raw"] <= score.get(
            "max", score["raw"]
        ):
            raise StatementError("result.score.raw must lie between min and max")
        for flag in ("success", "completion"):
            if flag in result and not isinstance(result[flag], bool):
                raise StatementError(f"result.{flag} must be a boolean")


class LearningRecordStore(_Server):
    """The statements resource at /xAPI/statements: PUT (with statementId) and POST store validated statements
    for the client with the right Basic credentials; GET filters by `agent` (JSON) or returns one by
    `statementId`. Stored statements get `stored` and `authority` as an LRS sets them."""

    def __init__(self, key="portal-key", secret="portal-secret"):
        super().__init__()
        self.credentials = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.statements: dict[str, dict] = {}
        self.rejected: list[str] = []
        self._lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"{self.url}/xAPI/"

    def _refuse_request(self, request) -> bool:
        if request.headers.get("Authorization") != self.credentials:
            request._answer(401, {"error": "bad credentials"})
            return True
        if not request.headers.get("X-Experience-API-Version", "").startswith("1.0"):
            request._answer(400, {"error": "X-Experience-API-Version 1.0.x is required"})
            return True
        if urlsplit(request.path).path != "/xAPI/statements":
            request._answer(404, {"error": "no such resource"})
            return True
        return False

    def _store(self, statement: dict) -> int:
        """204 stored (or the same statement again), 409 another statement under this id, 400 invalid."""
        try:
            validate_statement(statement)
        except StatementError as error:
            self.rejected.append(str(error))
            return 400
        with self._lock:
            existing = self.statements.get(statement["id"])
            if existing is not None:
                same = {k: v for k, v in existing.items() if k not in ("stored", "authority")} == statement
                return 204 if same else 409
            self.statements[statement["id"]] = {
                **statement,
                "stored": datetime.now().astimezone().isoformat(),
                "authority": {"objectType": "Agent", "account": {"homePage": self.url, "name": "portal-key"}},
            }
        return 204

    def put(self, request):
        if self._refuse_request(request):
            return
        statement_id = parse_qs(urlsplit(request.path).query).get("statementId", [""])[0]
        statement = json.loads(request._body())
        if statement.get("id", statement_id) != statement_id or not statement_id:
            request._answer(400, {"error": "statementId must match the statement's id"})
            return
        status = self._store({"id": statement_id, **statement})
        request._answer(status, None if status == 204 else {"error": self.rejected[-1:] or "conflict"})

    def post(self, request):
        if self._refuse_request(request):
            return
        payload = json.loads(request._body())
        statements = payload if isinstance(payload, list) else [payload]
        ids = []
        for statement in statements:
            statement = {"id": str(uuid.uuid4()), **statement}
            status = self._store(statement)
            if status != 204:
                request._answer(status, {"error": self.rejected[-1:] or "conflict"})
                return
            ids.append(statement["id"])
        request._answer(200, ids)

    def get(self, request):
        if self._refuse_request(request):
            return
        query = parse_qs(urlsplit(request.path).query)
        with self._lock:
            found = list(self.statements.values())
        if "statementId" in query:
            match = self.statements.get(query["statementId"][0])
            request._answer(200 if match else 404, match or {"error": "not found"})
            return
        if "agent" in query:
            agent = json.loads(query["agent"][0])
            try:
                _agent(agent, "agent")
            except StatementError as error:
                request._answer(400, {"error": str(error)})
                return
            key = next(k for k in IFIS if k in agent)
            found = [s for s in found if s["actor"].get(key) == agent[key]]
        request._answer(200, {"statements": found, "more": ""})
