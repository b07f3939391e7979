"""Pure rules of the events sent out: event names, the webhook body and its signature, which URLs may receive
webhooks, and the shape of xAPI 1.0.3 statements. No ORM, no clock: times and settings come in as arguments."""

import hashlib
import hmac
import ipaddress
import json
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

MONTH_PUBLISHED = "month.published"
MONTH_UNPUBLISHED = "month.unpublished"
SCORES_UPDATED = "scores.updated"
CERTIFICATE_ISSUED = "certificate.issued"
CERTIFICATE_REVOKED = "certificate.revoked"
CERTIFICATE_SUSPENDED = "certificate.suspended"
CERTIFICATE_RESTORED = "certificate.restored"
CERTIFICATE_EXPIRED = "certificate.expired"
EVENTS = (
    MONTH_PUBLISHED,
    MONTH_UNPUBLISHED,
    SCORES_UPDATED,
    CERTIFICATE_ISSUED,
    CERTIFICATE_REVOKED,
    CERTIFICATE_SUSPENDED,
    CERTIFICATE_RESTORED,
    CERTIFICATE_EXPIRED,
)
# A certificate's changes that other systems hear of (a renewal only moves the expiry date: not announced).
CERTIFICATE_EVENTS = {
    "issued": CERTIFICATE_ISSUED,
    "revoked": CERTIFICATE_REVOKED,
    "suspended": CERTIFICATE_SUSPENDED,
    "restored": CERTIFICATE_RESTORED,
    "expired": CERTIFICATE_EXPIRED,
}

SIGNATURE_HEADER = "X-Portal-Signature"
# Kept of a receiver's answer in the delivery log.
RESPONSE_KEPT = 1024


def webhook_body(*, event_id: str, event: str, created: datetime, data: dict) -> bytes:
    """The JSON body of a delivery: `{"id", "event", "created", "data"}`, UTF-8, keys in a fixed order."""
    return json.dumps(
        {"id": event_id, "event": event, "created": created.isoformat(), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 (hex) of `timestamp.body` with the endpoint's secret."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The value of `X-Portal-Signature`: `t=<unix seconds>,v1=<hex>`."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def signature_valid(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver checks: the header's `v1` is the HMAC of `t.body`, and `t` is within `tolerance`
    seconds of `now` (a replayed old delivery fails)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))


# Hosts that may receive plain-http webhooks outside production (a developer's own receiver).
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def url_refusal(url: str, *, production: bool, addresses=()) -> str | None:
    """Why `url` may not receive webhooks, or None. In production only `https` to public addresses (`addresses`:
    what the host resolves to; none found is a refusal), so a webhook cannot reach the portal's own network;
    elsewhere `http` too, but only to this machine. Returns a code: "scheme", "host", "http_remote",
    "unresolved", "private"."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http"):
        return "scheme"
    if not host:
        return "host"
    if production:
        if parts.scheme != "https":
            return "scheme"
        if not addresses:
            return "unresolved"
        if any(not ipaddress.ip_address(address).is_global for address in addresses):
            return "private"
        return None
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        return "http_remote"
    return None


# --- xAPI 1.0.3 ----------------------------------------------------------------------------------------------

XAPI_VERSION = "1.0.3"
# Verbs of the ADL vocabulary, and the Open Badges recipe's "earned" for a certificate.
VERBS = {
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "completed", "完成"),
    "attended": ("http://adlnet.gov/expapi/verbs/attended", "attended", "参加"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "passed", "通过"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "failed", "未通过"),
    "earned": ("http://specification.openbadges.org/xapi/verbs/earned.json", "earned", "获得"),
}
ACTIVITY_TYPES = {
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "certificate": "http://activitystrea.ms/schema/1.0/badge",
}


def scaled_score(percent: Decimal) -> Decimal:
    """A 0–100 percentage as xAPI's `score.scaled` (0–1, four places)."""
    scaled = (Decimal(percent) / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return min(max(scaled, Decimal(0)), Decimal(1))


def xapi_statement(
    *,
    statement_id: str,
    home_page: str,
    employee_no: str,
    verb: str,
    object_id: str,
    object_name: str,
    activity_type: str,
    timestamp: datetime,
    language: str = "zh-CN",
    result: dict | None = None,
) -> dict:
    """One statement: the actor is the person's account on the portal (`homePage`, employee number), never an
    e-mail address; the object is one of the portal's own URLs."""
    verb_id, english, chinese = VERBS[verb]
    statement = {
        "id": statement_id,
        "actor": {"objectType": "Agent", "account": {"homePage": home_page, "name": employee_no}},
        "verb": {"id": verb_id, "display": {"en-US": english, "zh-CN": chinese}},
        "object": {
            "objectType": "Activity",
            "id": object_id,
            "definition": {"type": ACTIVITY_TYPES[activity_type], "name": {language: object_name}},
        },
        "timestamp": timestamp.isoformat(),
    }
    if result:
        statement["result"] = result
    return statement


def quiz_result(*, percent: Decimal, passed: bool) -> dict:
    return {
        "score": {"scaled": float(scaled_score(percent)), "raw": float(percent), "min": 0, "max": 100},
        "success": passed,
        "completion": True,
    }
