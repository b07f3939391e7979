from datetime import date

import pytest

from assessments.certificates import services as certificate_services
from tests.browser.conftest import log_in
from tests.courses import factories as cf
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_holder_downloads_the_badge_and_an_employer_verifies_it_on_a_phone(
    page, browser, live_server, tmp_path
):
    programme, _ = cf.onboarding(online=("4",), offline=())
    holder = StaffFactory(employee_no="A0201", name="李小梅", password="correct-horse-battery")
    certificate = certificate_services.certificate_issue(
        holder=holder, programme=programme, kind="onboarding", issued_on=date(2026, 10, 9)
    )

    log_in(page, "A0201", "correct-horse-battery")
    page.wait_for_url("**/portal/")
    page.goto("/assessments/certificates/")
    with page.expect_download() as download:
        page.get_by_role("link", name="PNG 徽章").click()
    badge = tmp_path / "badge.png"
    download.value.save_as(badge)

    # Someone else, signed out, on a phone, from the certificate's public verification page.
    phone = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    other = phone.new_page()
    other.goto(f"/verify/{certificate.token}/")
    other.get_by_role("link", name="核验 Open Badges 电子凭证（JSON 或 PNG 徽章）").click()
    other.set_input_files("input[type=file]", str(badge))
    other.get_by_role("button", name="核验").click()
    result = other.locator("#credential-check")
    assert result.get_attribute("data-authentic") == "true" and result.get_attribute("data-status") == "valid"
    text = result.inner_text()
    assert "李小梅" in text and certificate.number in text and "签名真实" in text
    assert other.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()
