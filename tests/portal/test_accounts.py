import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def login(client, login_value, password):
    return client.post("/accounts/login/", {"login": login_value, "password": password})


def test_staff_log_in_with_employee_number_or_email(client):
    StaffFactory(employee_no="A123", email="a123@example.com", password="correct-horse-battery")
    assert login(client, "A123", "correct-horse-battery").status_code == 302
    client.logout()
    assert login(client, "a123@example.com", "correct-horse-battery").status_code == 302


def test_nobody_can_sign_themselves_up(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "x@example.com",
            "username": "X1",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    from portal.models import User

    assert not User.objects.filter(email="x@example.com").exists()
    assert response.status_code in (200, 403)


def test_the_login_page_offers_no_sign_up_link_while_sign_up_is_closed(client):
    body = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in body
    assert 'name="password"' in body


def test_login_failure_answers_the_same_for_known_and_unknown_people(client):
    StaffFactory(employee_no="A123", password="correct-horse-battery")
    known = login(client, "A123", "wrong-password-1")
    unknown = login(client, "NOBODY", "wrong-password-1")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


def test_five_wrong_passwords_lock_the_account_but_not_the_office(client):
    StaffFactory(employee_no="A123", password="correct-horse-battery")
    StaffFactory(employee_no="B456", password="another-horse-battery")
    for _ in range(5):
        login(client, "A123", "wrong-password-1")
    locked = login(client, "A123", "correct-horse-battery")
    assert locked.status_code != 302 and "_auth_user_id" not in client.session
    # Colleagues behind the same NAT address still log in.
    assert login(client, "B456", "another-horse-battery").status_code == 302


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.get("/admin/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_login_page_speaks_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Sign In" in client.get("/accounts/login/").content.decode()


def test_production_settings_pass_check_deploy(signing_key_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("PORTAL_TESTING", "DJANGO_DEBUG")}
    env.update(
        PORTAL_SIGNING_KEY_DIR=str(signing_key_dir),
        DJANGO_SECRET_KEY="k" * 20 + "production-secret-key-for-the-check-0123456789",
        DJANGO_ALLOWED_HOSTS="portal.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PORTAL_TESTING", "DJANGO_DEBUG", "DJANGO_SECRET_KEY")
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr
