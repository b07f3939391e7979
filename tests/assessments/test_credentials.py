"""Certificates people can carry: each is an Open Badges 3.0 credential (VC-JWT) that validates against the
shipped schema, verifies with the portal's verifier and with jwcrypto alone, fails after one character changes,
and shows a suspension or a revocation to any verifier; certificates and award letters are signed PDFs."""

import base64
import gzip
import io
import json
import subprocess
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException

from assessments.certificates import batches as certificate_batches
from assessments.certificates import credentials as certificate_credentials
from assessments.certificates import selectors as certificate_selectors
from assessments.certificates import services as certificate_services
from assessments.models import CertificateBatch
from portal import credentials
from portal.models import MonthLock
from portal.months import add_months, first_of_month
from tests.assessments import factories as f
from tests.conftest import give_totp, sign_in
from tests.factories import StaffFactory
from tests.incentives.factories import month_data

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static" / "credentials"
TODAY = timezone.localdate()
ISSUE_MONTH = add_months(first_of_month(TODAY), -2)


@pytest.fixture
def holder():
    return StaffFactory(employee_no="A0101", name="欧阳明华", password="correct-horse-battery")


@pytest.fixture
def certificate(holder):
    lesson = f.make_lesson(kind="onboarding", hours="72", title="SOP流程")
    programme = lesson.get_parent().get_parent().specific
    return certificate_services.certificate_issue(
        holder=holder, programme=programme, kind="onboarding", issued_on=ISSUE_MONTH.replace(day=9)
    )


def payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def one_character_changed(token: str) -> str:
    """The token with one character of its payload (the credential) replaced by another base64url character:
    a character in the middle always changes the decoded bytes."""
    header, body, signature = token.split(".")
    i = len(body) // 2
    body = body[:i] + ("A" if body[i] != "A" else "B") + body[i + 1 :]
    return ".".join([header, body, signature])


def verify_with_jwcrypto(token: str, keys: dict) -> dict:
    """What any verifier does with jwcrypto alone: the published key set, RS256, the claims."""
    keyset = jwk.JWKSet()
    keyset.import_keyset(json.dumps(keys))
    verified = jwt.JWT(jwt=token, key=keyset, algs=["RS256"])
    return json.loads(verified.claims)


def check(token: str):
    """The portal's own verifier, as the public page calls it."""
    now = timezone.now()
    today = timezone.localdate(now)
    return credentials.check_credential(
        token, now=now, status_of=lambda c: certificate_selectors.credential_status(c, today=today)
    )


def test_an_issued_credential_validates_against_the_shipped_open_badges_schema(certificate):
    token = certificate_credentials.certificate_credential_jwt(certificate)
    vc = payload(token)["vc"]
    schema = json.loads((STATIC / "ob-achievementcredential-3.0.schema.json").read_text())
    jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker()).validate(vc)
    assert vc["@context"] == [credentials.VC_CONTEXT, credentials.OB_CONTEXT]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    # Validity dates are the certificate's, at midnight in Shanghai; the status entry is its place in the list.
    assert vc["validFrom"] == f"{certificate.issued_on.isoformat()}T00:00:00+08:00"
    assert vc["validUntil"] == f"{certificate.expires_on.isoformat()}T00:00:00+08:00"
    assert vc["credentialStatus"]["statusListIndex"] == str(certificate.pk)
    assert vc["credentialSubject"]["identifier"][0]["identityHash"] == "欧阳明华"
    assert vc["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert vc["issuer"]["id"].endswith("/verify/issuer/") and vc["id"].endswith(
        f"/verify/{certificate.token}/"
    )
    # The contexts it names are shipped with the portal, so that nothing is fetched at run time.
    for url in vc["@context"]:
        assert "@context" in credentials.shipped_document(url)


def test_the_portal_verifier_and_jwcrypto_accept_it_and_refuse_it_with_one_character_changed(
    certificate, client
):
    token = certificate_credentials.certificate_credential_jwt(certificate)
    result = check(token)
    assert result.authentic and result.status == "valid" and result.problems == []
    keys = client.get(reverse("credential-keys")).json()
    claims = verify_with_jwcrypto(token, keys)
    assert claims["vc"]["id"] == payload(token)["vc"]["id"] and claims["iss"].endswith("/verify/issuer/")

    forged = one_character_changed(token)
    assert forged != token
    refused = check(forged)
    assert not refused.authentic and refused.status is None
    with pytest.raises((JWException, ValueError)):
        verify_with_jwcrypto(forged, keys)


def test_a_suspended_or_revoked_certificate_shows_its_status_to_any_verifier(certificate, holder, client):
    token = certificate_credentials.certificate_credential_jwt(certificate)
    index = int(payload(token)["vc"]["credentialStatus"]["statusListIndex"])
    # An upheld major complaint in a published month suspends the certificate at the daily review.
    month_data(holder, month=ISSUE_MONTH, major=1, hours="", quiz="")
    MonthLock.objects.create(month=ISSUE_MONTH)
    certificate_services.certificates_review(today=TODAY)
    certificate.refresh_from_db()
    assert certificate.status == "suspended"

    assert check(token).status == "suspended"
    response = client.post(
        reverse("credential-verify"), {"credential": json.dumps(credentials.enveloped(token))}
    )
    html = response.content.decode()
    assert 'data-authentic="true"' in html and 'data-status="suspended"' in html

    def listed_status() -> str:
        status_list = client.get(reverse("credential-status-list"))
        assert status_list["Content-Type"] == "application/vc+jwt"
        keys = client.get(reverse("credential-keys")).json()
        subject = verify_with_jwcrypto(status_list.content.decode(), keys)["vc"]["credentialSubject"]
        code = credentials.decode_status(subject["encodedList"], index)
        messages = payload(token)["vc"]["credentialStatus"]["statusMessage"]
        return next(m["message"] for m in messages if int(m["status"], 16) == code)

    assert listed_status() == "suspended"
    hr = give_totp(StaffFactory(role="hr"))
    certificate_services.certificate_revoke(certificate=certificate, acting_user=hr, reason="冒名顶替")
    assert listed_status() == "revoked" and check(token).status == "revoked"


def test_the_status_list_is_at_least_131072_entries_and_marks_only_whom_it_must():
    encoded = credentials.encode_status_list({3: 1, 8: 2, 200_000: 3})
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 200_001 * credentials.STATUS_SIZE
    assert len(credentials.encode_status_list({})) < 200  # 32 KiB of zeros compress to almost nothing
    assert [credentials.decode_status(encoded, i) for i in (0, 3, 4, 8, 200_000)] == [0, 1, 0, 2, 3]


def test_the_holder_downloads_json_and_a_baked_png_that_the_public_page_verifies(certificate, holder, client):
    sign_in(client, holder)
    download = client.get(reverse("assessments:certificate-credential", args=[certificate.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    envelope = download.json()
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    badge = client.get(reverse("assessments:certificate-badge", args=[certificate.pk]))
    assert badge["Content-Type"] == "image/png" and badge.content.startswith(credentials.PNG_SIGNATURE)
    # Each download is signed when it is asked for: the same credential, its own signature.
    baked = credentials.unbake_png(badge.content)
    assert payload(baked)["vc"] == payload(envelope["id"].split(",", 1)[1])["vc"]

    client.logout()
    upload = io.BytesIO(badge.content)
    upload.name = "badge.png"
    html = client.post(reverse("credential-verify"), {"file": upload}).content.decode()
    assert 'data-authentic="true"' in html and 'data-status="valid"' in html
    assert "欧阳明华" in html and certificate.number in html


def test_someone_else_s_credential_is_404_and_a_stranger_is_sent_to_log_in(certificate, client):
    sign_in(client, StaffFactory(employee_no="A0102"))
    for name in ("assessments:certificate-credential", "assessments:certificate-badge"):
        assert client.get(reverse(name, args=[certificate.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("assessments:certificate-credential", args=[certificate.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_public_verifier_names_what_is_wrong_with_what_it_was_given(client):
    def problems(**data):
        return client.post(reverse("credential-verify"), data).content.decode()

    assert "粘贴" in problems(credential="")
    assert "无法读取" in problems(credential="{not json")
    html = problems(credential="eyJhbGciOiJSUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJl")
    assert 'data-authentic="false"' in html and "伪造" in html
    png = io.BytesIO(credentials.badge_png("徽章", "无凭证"))
    png.name = "plain.png"
    assert "没有凭证" in problems(file=png)


def test_issuer_profile_keys_and_achievement_are_public_json(client):
    issuer = client.get(reverse("credential-issuer")).json()
    assert issuer["type"] == ["Profile"] and issuer["id"].endswith("/verify/issuer/")
    assert issuer["publicKeys"][0]["kty"] == "RSA" and "d" not in issuer["publicKeys"][0]
    kid = issuer["publicKeys"][0]["kid"]
    assert kid.endswith(reverse("credential-key", args=[credentials.thumbprint_of(kid)]))
    assert client.get(kid.removeprefix(settings.PORTAL_BASE_URL.rstrip("/"))).json()["kid"] == kid
    assert client.get(reverse("credential-key", args=["unknown"])).status_code == 404
    achievement = client.get(reverse("credential-achievement", args=["onboarding"])).json()
    assert achievement["type"] == ["Achievement"] and achievement["criteria"]["narrative"]
    assert client.get(reverse("credential-achievement", args=["nothing"])).status_code == 404


def pdfsig(path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_certificate_pdf_writes_a_pdf_whose_signature_pdfsig_finds_valid_and_altered_invalid(
    certificate, tmp_path
):
    out = tmp_path / "certificate.pdf"
    stdout = io.StringIO()
    call_command("certificate_pdf", certificate.number, "--out", str(out), "--json", stdout=stdout)
    assert json.loads(stdout.getvalue())["file"] == str(out)
    report = pdfsig(out)
    assert "Signature is Valid" in report and "Total document signed" in report
    data = bytearray(out.read_bytes())
    data[data.index(b"stream") + 30] ^= 0x01
    out.write_bytes(bytes(data))
    report = pdfsig(out)
    assert "Signature is Valid" not in report and "Digest Mismatch" in report
    with pytest.raises(CommandError, match="NO-SUCH"):
        call_command("certificate_pdf", "NO-SUCH", "--out", str(tmp_path / "x.pdf"))


def test_an_award_letter_is_a_signed_pdf(tmp_path):
    from incentives.models import Award
    from incentives.pdf import award_letters_pdf
    from incentives.services import service_star_round_approve, service_star_round_publish
    from tests.incentives.factories import OCTOBER, hr

    winner = StaffFactory(employee_no="S0001", name="王晓明")
    month_data(winner)
    user = hr("HR1")
    service_star_round_approve(month=OCTOBER, acting_user=user, reason="核对无误", acknowledgement="已知悉")
    service_star_round_publish(month=OCTOBER, acting_user=user, reason="按规则公示")
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(award_letters_pdf([Award.objects.get(staff=winner)]))
    report = pdfsig(letter)
    assert "Signature is Valid" in report and "Total document signed" in report


def test_a_batch_pdf_is_signed_once_as_a_whole(certificate, hr_user, tmp_path):
    other = certificate_services.certificate_issue(
        holder=StaffFactory(employee_no="A0103"),
        programme=certificate.programme,
        kind="onboarding",
        issued_on=date(2026, 10, 9),
    )
    batch = CertificateBatch.objects.create(
        requested_by=hr_user, certificate_ids=[certificate.pk, other.pk], total=2
    )
    batch = certificate_batches.certificate_batch_render(batch_id=batch.pk, chunk=1)
    assert batch.status == CertificateBatch.Status.DONE, batch.error
    path = tmp_path / "batch.pdf"
    path.write_bytes(batch.pdf.read())
    report = pdfsig(path)
    assert report.count("Signature #") == 1 and "Signature is Valid" in report
    assert "Total document signed" in report
