"""Award letters carry a verification address and QR code that anyone can check; an undone publication shows."""

import re
import subprocess

import pytest
from django.urls import reverse

from incentives.models import Award
from incentives.pdf import award_letters_pdf
from incentives.services import (
    service_star_publication_undo,
    service_star_round_approve,
    service_star_round_publish,
)
from tests.factories import StaffFactory
from tests.incentives.factories import OCTOBER, hr, month_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(db):
    winner = StaffFactory(employee_no="S0001", name="王晓明")
    month_data(winner)
    user = hr("HR1")
    service_star_round_approve(month=OCTOBER, acting_user=user, reason="核对无误", acknowledgement="已知悉")
    service_star_round_publish(month=OCTOBER, acting_user=user, reason="按规则公示")
    return Award.objects.get(staff=winner)


def test_the_letters_qr_code_opens_its_verification_page(award, client, tmp_path, settings):
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(award_letters_pdf([award]))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    url = decoded.stdout.strip()
    assert url == settings.PORTAL_BASE_URL.rstrip("/") + f"/verify/letter/{award.verification_token}/"
    assert url in re.sub(r"\s+", "", text)  # the address is printed too
    page = client.get(url.removeprefix(settings.PORTAL_BASE_URL.rstrip("/")))
    html = page.content.decode()
    assert page.status_code == 200 and "王*明" in html and "王晓明" not in html
    assert "服务之星" in html and "有效" in html and "2026年10月" in html


def test_an_undone_publication_shows_the_letter_as_revoked(award, client):
    service_star_publication_undo(month=OCTOBER, reason="数据更正", acting_user=hr("HR2"))
    html = client.get(reverse("letter-verify", args=[award.verification_token])).content.decode()
    assert "已吊销" in html and "有效" not in html


def test_a_wrong_token_is_404_and_tokens_are_unguessable(award, client):
    token = award.verification_token
    wrong = token[:-1] + ("y" if token.endswith("x") else "x")  # one character changed
    assert client.get(reverse("letter-verify", args=[wrong])).status_code == 404
    assert len(award.verification_token) >= 32 and str(award.pk) != award.verification_token


def test_in_development_the_address_follows_the_port_the_portal_is_served_on(award, rf, settings):
    settings.PORTAL_BASE_URL_FROM_REQUEST = True
    from portal.verification import verification_url

    request = rf.get("/", HTTP_HOST="127.0.0.1:8123")
    assert verification_url("letter-verify", award.verification_token, request).startswith(
        "http://127.0.0.1:8123/verify/letter/"
    )
    settings.PORTAL_BASE_URL_FROM_REQUEST = False
    assert verification_url("letter-verify", award.verification_token, request).startswith(
        settings.PORTAL_BASE_URL
    )


def test_the_letter_is_set_in_the_simplified_chinese_face_of_the_cjk_font(award, tmp_path):
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(award_letters_pdf([award]))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK-SC" in fonts and "CJK-JP" not in fonts
