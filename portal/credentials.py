"""Open Badges 3.0 credentials, issued as VC-JWTs signed with the organisation's key (`portal.signing`).

What every credential the portal issues shares: the issuer profile and where its keys are published, the
JSON-LD contexts and the Open Badges 3.0 JSON schema (shipped in static/credentials/, never fetched: the
machines may have no internet), the status list that shows a suspension or a revocation to any verifier
(W3C Bitstring Status List, purpose "message": one 2-bit entry per credential), baking into a PNG badge, and
checking a presented credential. What a credential says is the issuing app's business
(`assessments.certificates.credentials`).

The shipped files: `credentials-v2.jsonld` is W3C's VC 2.0 context (github.com/w3c/vc-data-model,
contexts/credentials/v2), `ob-context-3.0.3.jsonld` 1EdTech's Open Badges 3.0 context
(github.com/1EdTech/openbadges-specification, ob_v3p0/context-3.0.3.json), both as published; the schema file
holds the validation keywords of 1EdTech's AchievementCredential schema (docs/schema/achievementcredential.json),
its descriptions left out. That schema still requires VC 1.1's `issuanceDate`, so credentials carry it beside
VC 2.0's `validFrom`.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path

import jsonschema
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import signing
from portal.verification import base_url

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
SCHEMA_ID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
# Each public document by its official address, as the files shipped with the portal.
SHIPPED = {
    VC_CONTEXT: "credentials-v2.jsonld",
    OB_CONTEXT: "ob-context-3.0.3.jsonld",
    SCHEMA_ID: "ob-achievementcredential-3.0.schema.json",
}

# The status list: 2 bits per credential, at least 131,072 entries (so that one entry's look-up says little
# about whom a verifier checks), each value one of these messages.
STATUS_SIZE = 2
STATUS_MIN_ENTRIES = 131_072
STATUS_CODES = {"valid": 0, "suspended": 1, "revoked": 2, "expired": 3}
STATUS_BY_CODE = {code: name for name, code in STATUS_CODES.items()}

# The PNG chunk that carries a baked credential (Open Badges 3.0, "Baking": an iTXt chunk with this keyword).
BAKE_KEYWORD = "openbadgecredential"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PRESENTED_BYTES = 2 * 1024 * 1024


def shipped_path(url: str) -> Path:
    return Path(settings.BASE_DIR) / "static" / "credentials" / SHIPPED[url]


@cache
def shipped_document(url: str) -> dict:
    """A context or schema by its official address, read from the portal's own copy."""
    return json.loads(shipped_path(url).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft201909Validator:
    schema = shipped_document(SCHEMA_ID)
    return jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )


def schema_errors(credential) -> list[str]:
    """What keeps `credential` from validating against the Open Badges 3.0 AchievementCredential schema."""
    errors = sorted(_validator().iter_errors(credential), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in errors]


# Public addresses -------------------------------------------------------------------------------------------


def absolute(url_name: str, *args, request=None) -> str:
    return base_url(request) + reverse(url_name, args=args)


def issuer_id(request=None) -> str:
    return absolute("credential-issuer", request=request)


def key_url(kid: str, request=None) -> str:
    return absolute("credential-key", kid, request=request)


def status_list_url(request=None) -> str:
    return absolute("credential-status-list", request=request)


def issuer_profile(request=None) -> dict:
    """The issuer as every credential names it, and as its stable address serves it."""
    return {
        "id": issuer_id(request),
        "type": ["Profile"],
        "name": settings.PORTAL_ISSUER_NAME,
        "url": base_url(request) + "/",
    }


def issuer_document(request=None) -> dict:
    """The issuer profile served on its own, with its contexts and the keys that sign for it."""
    return {"@context": [VC_CONTEXT, OB_CONTEXT], **issuer_profile(request), "publicKeys": key_set(request)}


def key_set(request=None) -> list[dict]:
    """Every public key that has signed credentials (the current one first). Each key's `kid` is its address,
    as the `kid` header of a credential names it (Open Badges 3.0: a URL that dereferences to the JWK), so a
    verifier holding this set picks the key by `kid` alone."""
    return [dict(key, kid=key_url(key["kid"], request)) for key in signing.published_keys()]


def thumbprint_of(kid: str) -> str:
    """The key's thumbprint at the end of its address."""
    return str(kid).rstrip("/").rsplit("/", 1)[-1]


# Issuing ----------------------------------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def status_entry(index: int, request=None) -> dict:
    """The credential's entry in the status list: position `index`, 2 bits, and what each value means."""
    url = status_list_url(request)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": str(index),
        "statusListCredential": url,
        "statusSize": STATUS_SIZE,
        "statusMessage": [{"status": hex(code), "message": name} for name, code in STATUS_CODES.items()],
    }


def jwt_claims(credential: dict, *, now: datetime) -> dict:
    """The VC-JWT claims of `credential` (Open Badges 3.0 §8.2: the credential in `vc`, its id, issuer and
    validity repeated as registered claims)."""
    claims = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"].get("id", credential["id"]),
        "iat": int(now.timestamp()),
        "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp()),
        "vc": credential,
    }
    if credential.get("validUntil"):
        claims["exp"] = int(datetime.fromisoformat(credential["validUntil"]).timestamp())
    return claims


def issue_jwt(credential: dict, *, now: datetime, request=None) -> str:
    """`credential` signed as a compact VC-JWT with the organisation's current key."""
    return signing.sign_jwt(jwt_claims(credential, now=now), kid_url=lambda kid: key_url(kid, request))


def enveloped(token: str) -> dict:
    """The VC 2.0 JSON form of a JWT-secured credential: what the holder downloads as JSON."""
    return {
        "@context": [VC_CONTEXT],
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def encode_status_list(codes: dict[int, int]) -> str:
    """The status list's `encodedList`: `codes` (index → 2-bit value) as a bitstring, first entry in the most
    significant bits of the first byte, gzip-compressed, in multibase base64url ("u", no padding)."""
    entries = max(STATUS_MIN_ENTRIES, max(codes, default=0) + 1)
    entries += -entries % 8
    bits = bytearray(entries * STATUS_SIZE // 8)
    for index, code in codes.items():
        for offset in range(STATUS_SIZE):
            if code >> (STATUS_SIZE - 1 - offset) & 1:
                position = index * STATUS_SIZE + offset
                bits[position // 8] |= 0x80 >> (position % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_status(encoded_list: str, index: int) -> int:
    """The 2-bit value at `index` of an `encodedList`: what a verifier reads."""
    if not encoded_list.startswith("u"):
        raise ValueError("not multibase base64url")
    data = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    value = 0
    for offset in range(STATUS_SIZE):
        position = index * STATUS_SIZE + offset
        value = value << 1 | (bits[position // 8] >> (7 - position % 8) & 1)
    return value


def status_list_credential(codes: dict[int, int], *, now: datetime, request=None) -> dict:
    url = status_list_url(request)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile(request),
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "message",
            "encodedList": encode_status_list(codes),
        },
    }


# The baked badge --------------------------------------------------------------------------------------------

CJK_FONT_FILE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
CJK_FONT_SC_INDEX = 2  # the collection's faces: JP, KR, SC, TC, HK


def badge_png(title: str, subtitle: str) -> bytes:
    """A round badge (512 px) with `title` and `subtitle` in the CJK face: the image a credential is baked into."""
    from PIL import Image, ImageDraw, ImageFont

    size = 512
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), fill=(176, 132, 36, 255))
    draw.ellipse((36, 36, size - 36, size - 36), fill=(25, 72, 140, 255))

    def font(points):
        try:
            return ImageFont.truetype(str(CJK_FONT_FILE), points, index=CJK_FONT_SC_INDEX)
        except OSError:
            return ImageFont.load_default(points)

    for text, points, y in ((title, 44, size / 2 - 30), (subtitle, 26, size / 2 + 40)):
        text = text if len(text) <= 14 else text[:13] + "…"
        face = font(points)
        draw.text((size / 2, y), text, font=face, fill=(255, 255, 255, 255), anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def bake_png(png: bytes, token: str) -> bytes:
    """`png` with the credential in an iTXt chunk (placed before the image data, so reading needs no decoding)."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt(BAKE_KEYWORD, token)
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def unbake_png(data: bytes) -> str | None:
    """The credential baked into a PNG, or None."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        text = image.info.get(BAKE_KEYWORD)
        if text is None and image.format == "PNG":
            text = image.text.get(
                BAKE_KEYWORD
            )  # a chunk after the image data: needs the (size-capped) decode
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return str(text).strip() if text else None


# Checking a presented credential ----------------------------------------------------------------------------


class PresentationError(ValueError):
    """What was pasted or uploaded holds no credential; the message says why, in the user's language."""


def presented_token(text: str = "", upload: bytes | None = None) -> str:
    """The compact JWT in what a verifier pasted or uploaded: the JWT itself, the JSON download (an
    EnvelopedVerifiableCredential), or a baked PNG badge."""
    if upload:
        if len(upload) > MAX_PRESENTED_BYTES:
            raise PresentationError(_("The file is too large (at most 2 MB)."))
        if upload.startswith(PNG_SIGNATURE):
            token = unbake_png(upload)
            if not token:
                raise PresentationError(_("This PNG image carries no credential."))
            return token
        try:
            text = upload.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PresentationError(
                _("The file is neither a credential (JSON or text) nor a PNG badge.")
            ) from exc
    text = (text or "").strip()
    if not text:
        raise PresentationError(_("Paste a credential or choose a file."))
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise PresentationError(_("The JSON cannot be read: %(error)s") % {"error": exc}) from exc
        envelope = data.get("id", "") if isinstance(data, dict) else ""
        if not (isinstance(envelope, str) and envelope.startswith("data:application/vc+jwt,")):
            raise PresentationError(
                _("This JSON holds no signed credential (an EnvelopedVerifiableCredential).")
            )
        text = envelope.split(",", 1)[1]
    return "".join(text.split())


@dataclass
class CredentialCheck:
    """The verdict on a presented credential: `authentic` when our key signed it and it is a well-formed Open
    Badges 3.0 credential; `status` (valid, suspended, revoked, expired) as the portal knows it now."""

    authentic: bool
    problems: list[str] = field(default_factory=list)
    credential: dict | None = None
    status: str | None = None
    key_id: str = ""

    @property
    def valid(self) -> bool:
        return self.authentic and self.status == "valid"


def check_credential(
    token: str, *, now: datetime, status_of: Callable[[dict], str | None], request=None
) -> CredentialCheck:
    """Check a compact VC-JWT: the signature against every key the organisation has published, the credential
    against the shipped schema, the registered claims against the credential, then its current status
    (`status_of(credential)`, None when the portal has no record of it) and its validity dates."""
    try:
        header, claims = signing.verify_jwt(token)
    except signing.SignatureInvalid:
        return CredentialCheck(
            authentic=False,
            problems=[
                _(
                    "The signature does not match any key of this organisation: the credential is forged or altered."
                )
            ],
        )
    credential = claims.get("vc")
    if not isinstance(credential, dict):
        return CredentialCheck(authentic=False, problems=[_("The signed data holds no credential.")])
    problems = [
        _("Not a valid Open Badges 3.0 credential: %(error)s") % {"error": e}
        for e in schema_errors(credential)
    ]
    issuer = credential.get("issuer", {})
    if not set(CREDENTIAL_TYPES) <= set(credential.get("type") or []):
        problems.append(_("The credential is not an OpenBadgeCredential."))
    if claims.get("iss") != (issuer.get("id") if isinstance(issuer, dict) else issuer) or claims.get(
        "jti"
    ) != credential.get("id"):
        problems.append(_("The signed claims do not match the credential."))
    kid = thumbprint_of(header.get("kid", ""))
    if problems:
        return CredentialCheck(authentic=False, problems=problems, credential=credential, key_id=kid)
    status = status_of(credential)
    if status is None:
        return CredentialCheck(
            authentic=False,
            problems=[_("This organisation has no record of the credential.")],
            credential=credential,
            key_id=kid,
        )
    valid_until = credential.get("validUntil")
    if status == "valid" and valid_until and datetime.fromisoformat(valid_until) <= now:
        status = "expired"
    valid_from = credential.get("validFrom")
    if status == "valid" and valid_from and datetime.fromisoformat(valid_from) > now:
        problems.append(_("The credential is not valid yet."))
    return CredentialCheck(
        authentic=True, problems=problems, credential=credential, status=status, key_id=kid
    )
