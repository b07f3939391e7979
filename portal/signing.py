"""The organisation's signing key: VC-JWT credentials (jwcrypto) and PAdES-signed PDFs (pyHanko).

The key lives in files under `PORTAL_SIGNING_KEY_DIR`, never in the database (so no dump carries it):

    signing-key.pem      the private key (RSA 2048, PKCS#8, readable by the portal's user only)
    signing-cert.pem     its X.509 certificate: self-signed by `credentials_keygen`, or one from the
                         organisation's CA (docs/deployment.md)
    signing-chain.pem    optional: the CA's intermediate certificates, embedded in each PDF signature
    public/<kid>.json    every public key ever used (JWK), so credentials signed before a rotation still verify
    retired/             certificates of rotated keys

A key's id (`kid`) is its RFC 7638 thumbprint. RS256 is the algorithm every Open Badges 3.0 verifier must accept.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.conf import settings
from jwcrypto import jwk, jws
from jwcrypto.common import JWException, json_decode

KEY_FILE = "signing-key.pem"
CERT_FILE = "signing-cert.pem"
CHAIN_FILE = "signing-chain.pem"
PUBLIC_DIR = "public"
RETIRED_DIR = "retired"
ALGORITHM = "RS256"
CERT_YEARS = 10
# id-kp-documentSigning (RFC 9336): what the certificate is for, as PDF readers show it.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


class SigningKeyMissing(RuntimeError):
    """No signing key in `PORTAL_SIGNING_KEY_DIR`: run `python manage.py credentials_keygen`."""


class SigningKeyExists(RuntimeError):
    """A key exists already; replacing it needs `--rotate`."""


class SignatureInvalid(ValueError):
    """A token that is not a compact JWS signed by one of the organisation's published keys."""


def key_dir() -> Path:
    return Path(settings.PORTAL_SIGNING_KEY_DIR)


def key_exists(directory: Path | None = None) -> bool:
    directory = directory or key_dir()
    return (directory / KEY_FILE).exists() and (directory / CERT_FILE).exists()


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _self_signed_certificate(private_key, common_name: str, now: datetime.datetime) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(private_key.public_key()), critical=False)
        .sign(private_key, hashes.SHA256())
    )


def public_jwk(private_pem: bytes) -> jwk.JWK:
    return jwk.JWK.from_pem(private_pem)


def key_id(key: jwk.JWK) -> str:
    return key.thumbprint()


def _publish(directory: Path, key: jwk.JWK) -> str:
    kid = key_id(key)
    public = key.export_public(as_dict=True) | {"kid": kid, "alg": ALGORITHM, "use": "sig"}
    (directory / PUBLIC_DIR).mkdir(exist_ok=True)
    (directory / PUBLIC_DIR / f"{kid}.json").write_text(json.dumps(public, indent=2) + "\n")
    return kid


def publish_current_key(directory: Path | None = None) -> str:
    """Publish the current key's public half (after its certificate or key file was replaced by hand)."""
    directory = directory or key_dir()
    return _publish(directory, public_jwk((directory / KEY_FILE).read_bytes()))


@dataclass(frozen=True)
class KeygenResult:
    directory: Path
    kid: str
    retired_kid: str | None


def keygen(*, directory: Path | None = None, common_name: str, rotate: bool = False) -> KeygenResult:
    """Create the signing key and its self-signed certificate. Refused when a key exists, unless `rotate`: the old
    private key is then destroyed, its certificate kept under retired/, and its public key stays published."""
    directory = directory or key_dir()
    retired_kid = None
    if key_exists(directory):
        if not rotate:
            raise SigningKeyExists(str(directory))
        old_pem = (directory / KEY_FILE).read_bytes()
        retired_kid = _publish(directory, public_jwk(old_pem))
        (directory / RETIRED_DIR).mkdir(exist_ok=True)
        (directory / CERT_FILE).replace(directory / RETIRED_DIR / f"{retired_kid}-cert.pem")
        (directory / CHAIN_FILE).unlink(missing_ok=True)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    certificate = _self_signed_certificate(
        private_key, common_name, datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    )
    _write_private(directory / KEY_FILE, pem)
    (directory / CERT_FILE).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    kid = _publish(directory, public_jwk(pem))
    _forget_loaded_keys()
    return KeygenResult(directory=directory, kid=kid, retired_kid=retired_kid)


def ensure_key(*, common_name: str) -> KeygenResult | None:
    """Create a key when there is none (a fresh development machine); None when one exists."""
    if key_exists():
        return None
    return keygen(common_name=common_name)


# Loaded keys, per process, reloaded when the key file changes (a rotation while the portal runs).
_loaded: dict[tuple, object] = {}
_lock = threading.Lock()


def _forget_loaded_keys() -> None:
    with _lock:
        _loaded.clear()


def _stamp(directory: Path) -> tuple:
    try:
        stats = [(directory / name).stat() for name in (KEY_FILE, CERT_FILE)]
    except FileNotFoundError as exc:
        raise SigningKeyMissing(str(directory)) from exc
    chain = directory / CHAIN_FILE
    if chain.exists():
        stats.append(chain.stat())
    return (str(directory), *[(s.st_mtime_ns, s.st_size) for s in stats])


def _cached(kind: str, build):
    stamp = (kind, *_stamp(key_dir()))
    with _lock:
        if stamp not in _loaded:
            for old in [k for k in _loaded if k[0] == kind]:
                del _loaded[old]
            _loaded[stamp] = build(key_dir())
        return _loaded[stamp]


def current_jwk() -> jwk.JWK:
    """The private JWK that signs credentials now."""
    return _cached("jwk", lambda d: jwk.JWK.from_pem((d / KEY_FILE).read_bytes()))


def published_keys() -> list[dict]:
    """Every public key ever used (current first), as JWKs: what verifiers check signatures against."""
    directory = key_dir()
    current = key_id(current_jwk()) if key_exists(directory) else None
    found = {}
    for path in sorted((directory / PUBLIC_DIR).glob("*.json")):
        data = json.loads(path.read_text())
        found[data["kid"]] = data
    if current and current not in found:
        found[current] = current_jwk().export_public(as_dict=True) | {"kid": current, "alg": ALGORITHM}
    return sorted(found.values(), key=lambda k: k["kid"] != current)


def sign_jwt(claims: dict, *, kid_url) -> str:
    """A compact JWS (RS256) of `claims`; `kid_url(kid)` gives the `kid` header: where the key is published."""
    key = current_jwk()
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": kid_url(key_id(key))}
    token = jws.JWS(json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode())
    token.add_signature(key, alg=ALGORITHM, protected=json.dumps(header))
    return token.serialize(compact=True)


def verify_jwt(token: str) -> tuple[dict, dict]:
    """Check `token`'s signature against the published keys (old ones too); (header, claims), or SignatureInvalid.

    Only RS256 is accepted (never `none` or an HMAC with a public key as its secret); the key is chosen by the
    thumbprint at the end of the `kid` header, never taken from the token itself."""
    token = "".join(token.split())
    parsed = jws.JWS()
    parsed.allowed_algs = [ALGORITHM]
    try:
        parsed.deserialize(token)
        header = parsed.jose_header
    except (JWException, ValueError, TypeError) as exc:
        raise SignatureInvalid("not a compact JWS") from exc
    if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
        raise SignatureInvalid("unexpected algorithm")
    kid = str(header.get("kid", "")).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    candidates = [k for k in published_keys() if k["kid"] == kid] or published_keys()
    for data in candidates:
        try:
            parsed.verify(
                jwk.JWK(**{k: v for k, v in data.items() if k not in ("alg", "use")}), alg=ALGORITHM
            )
        except (JWException, ValueError):
            continue
        try:
            claims = json_decode(parsed.payload)
        except ValueError as exc:
            raise SignatureInvalid("payload is not JSON") from exc
        if not isinstance(claims, dict):
            raise SignatureInvalid("payload is not an object")
        return header, claims
    raise SignatureInvalid("signature does not match any published key")


def _pdf_signer():
    """pyHanko's SimpleSigner, holding the loaded RSA key: its own `sign_raw` parses the key file's DER on every
    signature, which costs more than the signature itself."""
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    def build(directory: Path):
        chain = [str(directory / CHAIN_FILE)] if (directory / CHAIN_FILE).exists() else []
        loaded = signers.SimpleSigner.load(
            str(directory / KEY_FILE), str(directory / CERT_FILE), ca_chain_files=chain
        )
        private_key = serialization.load_pem_private_key((directory / KEY_FILE).read_bytes(), password=None)

        class LoadedKeySigner(signers.SimpleSigner):
            def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
                mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
                if isinstance(private_key, RSAPrivateKey) and mechanism.signature_algo == "rsassa_pkcs1v15":
                    return private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
                return super().sign_raw(data, digest_algorithm)

        signer = LoadedKeySigner(
            signing_cert=loaded.signing_cert,
            signing_key=loaded.signing_key,
            cert_registry=loaded.cert_registry,
        )
        # Room for the CMS signature (hex-encoded in the file): the certificates it embeds plus the signature
        # and its attributes. Reserving it spares pyHanko a trial signature to measure it.
        certificates = [loaded.signing_cert, *loaded.cert_registry]
        return signer, 4096 + sum(len(c.dump()) for c in certificates)

    return _cached("pdf", build)


def sign_pdf(pdf: bytes, *, reason: str) -> bytes:
    """`pdf` with one PAdES baseline B signature (no timestamp) over the whole document: any later edit shows."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer, reserved = _pdf_signer()
    metadata = signers.PdfSignatureMetadata(
        field_name="OrganisationSignature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
    )

    def sign() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        return signers.sign_pdf(writer, metadata, signer=signer, bytes_reserved=reserved).getvalue()

    # pyHanko's synchronous API runs its own event loop, which cannot start inside a running one (an async
    # view, or a caller driving asyncio): sign in a thread of its own then.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return sign()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result()
