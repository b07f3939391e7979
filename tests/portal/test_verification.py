"""What certificates and letters share: verification tokens and addresses, masked names, QR codes."""

import pytest
from django.conf import settings

from portal.qr import qr_svg
from portal.verification import mask_name, verification_token, verification_url


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三明", "张*明"), ("张三", "张*"), ("欧阳明华", "欧**华"), ("张", "张"), ("𠀀二三", "𠀀*三")],
)
def test_mask_name_keeps_first_and_last_character(name, masked):
    assert mask_name(name) == masked


def test_tokens_are_long_random_and_url_safe():
    tokens = {verification_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) == 32 and token.replace("-", "").replace("_", "").isalnum() for token in tokens)


def test_the_verification_address_is_absolute_for_any_named_page():
    token = verification_token()
    url = verification_url("certificate-verify", token)
    assert url == f"{settings.PORTAL_BASE_URL.rstrip('/')}/verify/{token}/"


def test_the_qr_code_is_inline_svg_that_does_not_carry_the_address_as_markup():
    svg = str(qr_svg("https://portal.example.cn/verify/abc<script>/"))
    assert svg.startswith("<svg") and "<script>" not in svg and "portal.example.cn" not in svg
