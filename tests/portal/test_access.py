import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import give_totp
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_a_staff_member_cannot_open_another_staff_members_profile(client, org):
    client.force_login(org.agent_a1)
    assert client.get(f"/portal/staff/{org.agent_a1b.employee_no}/").status_code == 404
    assert client.get(f"/portal/staff/{org.agent_a1.employee_no}/").status_code == 200


def test_a_team_lead_sees_only_their_team(client, org):
    client.force_login(org.lead_a1)
    page = client.get("/portal/staff/").content.decode()
    assert org.agent_a1.employee_no in page and org.agent_a1b.employee_no in page
    assert org.agent_a2.employee_no not in page and org.agent_b1.employee_no not in page
    assert client.get(f"/portal/staff/{org.agent_a1.employee_no}/").status_code == 200
    assert client.get(f"/portal/staff/{org.agent_a2.employee_no}/").status_code == 404


def test_a_manager_sees_their_department_only(client, org):
    client.force_login(org.manager_a)
    page = client.get("/portal/staff/").content.decode()
    assert org.agent_a1.employee_no in page and org.agent_a2.employee_no in page
    assert org.agent_b1.employee_no not in page
    assert client.get(f"/portal/staff/{org.agent_b1.employee_no}/").status_code == 404


def test_hr_sees_everyone(hr_client, org):
    page = hr_client.get("/portal/staff/").content.decode()
    for person in (org.agent_a1, org.agent_a2, org.agent_b1, org.manager_b):
        assert person.employee_no in page


def test_only_hr_reaches_the_roster_upload(client, org, hr_user):
    client.force_login(org.manager_a)
    assert client.get("/portal/staff/import/").status_code == 403
    client.force_login(hr_user)
    assert client.get("/portal/staff/import/").status_code == 200


def test_only_trainers_hr_and_admins_reach_the_wagtail_admin(client, org):
    client.force_login(org.agent_a1)
    assert client.get("/admin/").status_code in (302, 403)
    trainer = StaffFactory(role="trainer")
    client.force_login(trainer)
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_person_without_admin_access_gets_one_403_not_a_redirect_loop(client, org):
    client.force_login(org.agent_a1)
    for path in ("/admin/", "/admin/pages/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "403.html" in [template.name for template in response.templates]
    client.logout()
    assert client.get("/admin/")["Location"].startswith("/accounts/login/")


PUBLIC_PREFIXES = (
    "/accounts/",
    "/i18n/",
    "/static/",
    "/media/",
    "/verify/",
    "/learn/",
    "/documents/",
    "/admin/login/",
    # The integration API answers its own 401 to a call without a token; its schema and docs are public.
    "/api/v1/openapi.json",
    "/api/v1/docs/",
    "/admin/password_reset/",
    "/admin/jsi18n/",
    "/admin/sprite",
    "/favicon.ico",
)


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(route: str) -> str:
    import re

    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "x", route)
    path = re.sub(r"[\^\$\\]|\(\?P<\w+>[^)]*\)", "x", path)
    return "/" + path.lstrip("/")


def test_every_non_public_url_needs_login(client):
    checked = 0
    for route in _walk(get_resolver().url_patterns):
        if any(ch in route for ch in "^$*+[(\\?"):
            continue  # a regex route (Wagtail's serve view) has no single concrete path
        path = _concrete(route)
        if path == "/" or path.startswith(PUBLIC_PREFIXES):
            continue
        response = client.get(path)
        assert response.status_code in (302, 401, 403, 404, 405), path
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"], path
        checked += 1
    assert checked > 10


def test_hr_without_two_factor_is_sent_to_set_it_up(client, db):
    hr = StaffFactory(role="hr")
    client.force_login(hr)
    response = client.get("/portal/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    give_totp(hr)
    assert client.get("/portal/").status_code == 200


def test_hr_sends_an_invitation_e_mail_to_an_imported_person(client, org, hr_user, mailoutbox):
    client.force_login(hr_user)
    response = client.post(f"/portal/staff/{org.agent_a1.employee_no}/invite/")
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[org.agent_a1.email]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_only_hr_may_send_invitations(client, org):
    client.force_login(org.lead_a1)
    assert client.post(f"/portal/staff/{org.agent_a1.employee_no}/invite/").status_code == 403


def test_deactivating_a_leaver_ends_all_their_sessions(org, hr_user):
    from django.test import Client

    from portal.services import staff_update

    phone, desktop = Client(), Client()
    for device in (phone, desktop):
        device.force_login(org.agent_a1)
        assert device.get("/portal/").status_code == 200
    staff_update(user=org.agent_a1, acting_user=hr_user, is_active=False)
    for device in (phone, desktop):
        response = device.get("/portal/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_trainers_and_hr_may_author_curriculum_pages_in_the_admin(client, db):
    from courses.services import training_root_ensure

    # A fresh install already has the training root (it replaces Wagtail's welcome page): programmes go under it.
    root = training_root_ensure()
    add_url = f"/admin/pages/add/courses/programmepage/{root.pk}/"
    trainer = StaffFactory(role="trainer")
    client.force_login(trainer)
    assert client.get(add_url).status_code == 200
    client.force_login(give_totp(StaffFactory(role="hr")))
    assert client.get(add_url).status_code == 200
    client.force_login(StaffFactory(role="team_lead"))
    assert client.get(add_url).status_code in (302, 403)
