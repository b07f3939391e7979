"""The organisation's signing key: `credentials_keygen` makes it outside the database, refuses to overwrite it,
rotates it keeping the old public key published; a signed PDF is valid for pdfsig and an altered one is not."""

import io
import json
import stat
import subprocess

import pytest
from django.core.management import CommandError, call_command

from portal import signing


@pytest.fixture
def key_dir(settings, tmp_path):
    settings.PORTAL_SIGNING_KEY_DIR = tmp_path / "signing"
    return settings.PORTAL_SIGNING_KEY_DIR


def keygen(*args) -> dict:
    out = io.StringIO()
    call_command("credentials_keygen", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def pdfsig(path) -> str:
    # pdfsig exits non-zero for an invalid signature; its report is what the tests read.
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_keygen_writes_a_private_key_only_its_owner_reads_and_a_certificate(key_dir):
    result = keygen("--name", "示例客服中心")
    assert result["directory"] == str(key_dir) and result["retired_kid"] is None
    key_file = key_dir / signing.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in key_file.read_bytes()
    assert b"BEGIN CERTIFICATE" in (key_dir / signing.CERT_FILE).read_bytes()
    assert [k["kid"] for k in signing.published_keys()] == [result["kid"]]


def test_keygen_refuses_to_replace_a_key_without_rotate(key_dir):
    first = keygen()
    before = (key_dir / signing.KEY_FILE).read_bytes()
    with pytest.raises(CommandError, match="--rotate"):
        call_command("credentials_keygen")
    assert (key_dir / signing.KEY_FILE).read_bytes() == before
    assert [k["kid"] for k in signing.published_keys()] == [first["kid"]]


def test_rotation_keeps_credentials_signed_with_the_old_key_verifiable(key_dir):
    old = keygen()
    token = signing.sign_jwt({"vc": {"id": "urn:x"}}, kid_url=lambda kid: kid)
    new = keygen("--rotate")
    assert new["retired_kid"] == old["kid"] and new["kid"] != old["kid"]
    assert [k["kid"] for k in signing.published_keys()] == [new["kid"], old["kid"]]
    assert (key_dir / signing.RETIRED_DIR / f"{old['kid']}-cert.pem").exists()
    header, claims = signing.verify_jwt(token)
    assert header["kid"] == old["kid"] and claims == {"vc": {"id": "urn:x"}}
    fresh = signing.sign_jwt({"a": 1}, kid_url=lambda kid: kid)
    assert signing.verify_jwt(fresh)[0]["kid"] == new["kid"]


def test_a_token_signed_with_another_key_or_unsigned_is_refused(key_dir, tmp_path):
    keygen()
    stranger = tmp_path / "stranger"
    signing.keygen(directory=stranger, common_name="Stranger")
    key_dir_pem = (stranger / signing.KEY_FILE).read_bytes()
    from jwcrypto import jwk, jws

    forged = jws.JWS(b'{"vc": {}}')
    forged.add_signature(jwk.JWK.from_pem(key_dir_pem), alg="RS256", protected='{"alg": "RS256"}')
    with pytest.raises(signing.SignatureInvalid):
        signing.verify_jwt(forged.serialize(compact=True))
    unsigned = "eyJhbGciOiJub25lIn0.eyJ2YyI6e319."
    with pytest.raises(signing.SignatureInvalid):
        signing.verify_jwt(unsigned)


def test_a_signed_pdf_is_valid_for_pdfsig_and_one_altered_byte_breaks_it(key_dir, tmp_path):
    from weasyprint import HTML

    keygen("--name", "示例客服中心")
    signed = signing.sign_pdf(HTML(string="<p>证书 Certificate</p>").write_pdf(), reason="测试")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    report = pdfsig(path)
    assert "Signature is Valid" in report and "Total document signed" in report
    assert "示例客服中心" in report
    # One byte of the page content, inside the signed range.
    altered = bytearray(signed)
    position = signed.index(b"stream") + 20
    altered[position] ^= 0x01
    path.write_bytes(bytes(altered))
    report = pdfsig(path)
    assert "Signature is Valid" not in report and "Digest Mismatch" in report


def test_signing_without_a_key_says_how_to_make_one(key_dir):
    with pytest.raises(signing.SigningKeyMissing):
        signing.sign_pdf(b"%PDF-1.7", reason="x")


def test_signing_works_inside_a_running_event_loop(key_dir, tmp_path):
    import asyncio

    from weasyprint import HTML

    keygen()
    unsigned = HTML(string="<p>x</p>").write_pdf()

    async def inside_a_loop():
        return signing.sign_pdf(unsigned, reason="测试")

    # A thread of its own: the test process may already run a loop in this one (the browser tests' driver).
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        signed = pool.submit(asyncio.run, inside_a_loop()).result()
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    assert "Signature is Valid" in pdfsig(path)
