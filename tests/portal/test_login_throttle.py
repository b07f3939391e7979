"""Login throttling: an office behind one NAT address is never refused; failures from it bring a CAPTCHA."""

import re
import time

import pytest
from captcha.models import CaptchaStore

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.10"
ELSEWHERE = "198.51.100.7"


def login(client, login_value, password, address=OFFICE, **fields):
    data = {"login": login_value, "password": password, **fields}
    return client.post("/accounts/login/", data, REMOTE_ADDR=address)


def captcha_key(html: str) -> str | None:
    """The challenge's hashkey in a rendered login form, or None when the form asks for no CAPTCHA."""
    field = re.search(r'<input[^>]*name="captcha_0"[^>]*>', html)
    return re.search(r'value="(\w+)"', field.group(0)).group(1) if field else None


def login_page(client, address=OFFICE, **headers) -> str:
    return client.get("/accounts/login/", REMOTE_ADDR=address, **headers).content.decode()


def logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def fail_logins_from(client, address, people, **headers):
    """Each person's wrong password is checked: a CAPTCHA, once the form asks for one, is answered right."""
    for person in people:
        fields = {"login": person.employee_no, "password": "wrong-password-1"}
        key = captcha_key(login_page(client, address, **headers))
        if key:
            fields.update(captcha_0=key, captcha_1=CaptchaStore.objects.get(hashkey=key).response)
        response = client.post("/accounts/login/", fields, REMOTE_ADDR=address, **headers)
        assert response.status_code == 200 and "_auth_user_id" not in client.session
        assert "captcha" not in response.context["form"].errors


def test_two_hundred_people_sign_in_from_one_address_within_a_minute(client):
    people = [StaffFactory(password=f"horse-{n}-battery") for n in range(200)]
    started = time.monotonic()
    for n, person in enumerate(people):
        response = login(client, person.employee_no, f"horse-{n}-battery")
        assert response.status_code == 302 and logged_in_as(client, person), n
        client.logout()
    assert time.monotonic() - started < 60


def test_after_many_failures_the_next_person_answers_a_captcha_and_gets_in(client):
    victims = [StaffFactory(password="right-horse-battery") for _ in range(25)]
    colleague = StaffFactory(password="colleague-horse-battery")
    fail_logins_from(client, OFFICE, victims)

    # The right password alone is not enough now: the form asks for the characters in the picture.
    response = login(client, colleague.employee_no, "colleague-horse-battery")
    assert response.status_code == 200 and not logged_in_as(client, colleague)
    assert "请输入图片中的字符。" in response.content.decode()

    html = login_page(client)
    key = captcha_key(html)
    assert key and f'<img src="/accounts/captcha/image/{key}/"' in html and "验证码" in html
    image = client.get(f"/accounts/captcha/image/{key}/", REMOTE_ADDR=OFFICE)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"

    answer = CaptchaStore.objects.get(hashkey=key).response
    response = login(
        client, colleague.employee_no, "colleague-horse-battery", captcha_0=key, captcha_1=answer.upper()
    )
    assert response.status_code == 302 and logged_in_as(client, colleague)


def test_a_wrong_captcha_keeps_the_right_password_out_in_the_users_language(client, settings):
    victims = [StaffFactory(password="right-horse-battery") for _ in range(10)]
    colleague = StaffFactory(password="colleague-horse-battery")
    fail_logins_from(client, OFFICE, victims)

    def attempt(key, answer):
        fields = {"captcha_0": key, "captcha_1": answer}
        return login(client, colleague.employee_no, "colleague-horse-battery", **fields)

    key = captcha_key(login_page(client))
    answer = CaptchaStore.objects.get(hashkey=key).response
    response = attempt(key, "zzzzz")
    assert response.status_code == 200 and not logged_in_as(client, colleague)
    assert "输入的字符与图片不符，请按新图片重新输入。" in response.content.decode()

    # A challenge is answered once: its right answer after a wrong one does not count either.
    response = attempt(key, answer)
    assert response.status_code == 200 and not logged_in_as(client, colleague)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = attempt(captcha_key(login_page(client)), "zzzzz")
    assert not logged_in_as(client, colleague)
    assert "The characters did not match the picture." in response.content.decode()


def test_another_address_is_not_asked_for_a_captcha(client):
    victims = [StaffFactory(password="right-horse-battery") for _ in range(25)]
    elsewhere = StaffFactory(password="elsewhere-horse-battery")
    fail_logins_from(client, OFFICE, victims)
    assert captcha_key(login_page(client, OFFICE))

    assert captcha_key(login_page(client, ELSEWHERE)) is None
    response = login(client, elsewhere.employee_no, "elsewhere-horse-battery", address=ELSEWHERE)
    assert response.status_code == 302 and logged_in_as(client, elsewhere)


def test_the_captcha_appears_at_the_tenth_failure_and_lifts_after_a_quiet_window(client, settings):
    # Long enough that ten failed logins fit in one window on a busy machine.
    settings.PORTAL_LOGIN_CAPTCHA_WINDOW = 4
    people = [StaffFactory(password="right-horse-battery") for _ in range(10)]
    fail_logins_from(client, OFFICE, people[:9])
    assert captcha_key(login_page(client)) is None
    fail_logins_from(client, OFFICE, people[9:])
    assert captcha_key(login_page(client))
    time.sleep(4.2)
    assert captcha_key(login_page(client)) is None


def test_the_trusted_proxy_setting_decides_whose_failures_they_are(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    people = [StaffFactory(password="right-horse-battery") for _ in range(10)]
    fail_logins_from(client, proxy, people, HTTP_X_FORWARDED_FOR=OFFICE)

    assert captcha_key(login_page(client, proxy, HTTP_X_FORWARDED_FOR=OFFICE))
    assert captcha_key(login_page(client, proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)) is None


def test_five_wrong_passwords_lock_that_account_from_any_address(client):
    person = StaffFactory(password="right-horse-battery")
    colleague = StaffFactory(password="colleague-horse-battery")
    for n in range(5):
        login(client, person.employee_no, "wrong-password-1", address=f"192.0.2.{n + 1}")

    response = login(client, person.employee_no, "right-horse-battery", address=ELSEWHERE)
    assert response.status_code == 200 and not logged_in_as(client, person)
    assert "登录失败次数过多，请稍后重试。" in response.content.decode()
    # The lock is the account's, not the address's: a colleague there signs in, with no CAPTCHA.
    assert captcha_key(login_page(client, ELSEWHERE)) is None
    response = login(client, colleague.employee_no, "colleague-horse-battery", address=ELSEWHERE)
    assert response.status_code == 302 and logged_in_as(client, colleague)
