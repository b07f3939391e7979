"""Signing in through DingTalk, Feishu and WeCom, end to end against the fake platforms: only members of the
configured company who are active on the roster get in, matched by job number or roster mobile."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from portal.models import AuditEvent, PlatformIdentity
from tests.conftest import give_totp
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

HOME = "/portal/"
LOGIN = "/accounts/login/"


def sign_in(client, fake, member, platform=None, **headers):
    """Press the platform's button, confirm on the fake platform as `member`, come back to the callback."""
    platform = platform or fake.name
    headers.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    start = client.post(f"/accounts/{platform}/login/", **headers)
    assert start.status_code == 302, start.content
    return client.get(fake.authorize(start["Location"], member), **headers)


def signed_in_user(client):
    return client.get(HOME).wsgi_request.user


def messages_on_login_page(client, language="en"):
    return client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_without_settings_the_login_page_shows_no_platform_button(client):
    body = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for label in ("钉钉登录", "飞书登录", "企业微信登录"):
        assert label not in body


def test_with_the_platforms_configured_the_login_page_shows_their_buttons_in_chinese(client, platform_fakes):
    body = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for label in ("钉钉登录", "飞书登录", "企业微信登录"):
        assert label in body


def test_a_dingtalk_member_with_a_job_number_signs_in(client, dingtalk_fake):
    person = StaffFactory(employee_no="E1001", name="钉小二")
    member = dingtalk_fake.add_member("ding-e1001", name="钉小二", job_number="E1001")
    response = sign_in(client, dingtalk_fake, member)
    assert response.status_code == 302 and response["Location"] == HOME
    assert signed_in_user(client) == person
    identity = PlatformIdentity.objects.get(user=person, platform="dingtalk")
    assert (identity.platform_user_id, identity.source) == ("ding-e1001", "sign_in")
    assert SocialAccount.objects.get(provider="dingtalk").uid == "ding-e1001"
    # The corp's contacts were asked who the account is, with the company app's token.
    assert dingtalk_fake.requests_to("/topapi/user/getbyunionid")


def test_a_feishu_member_matched_by_mobile_signs_in(client, feishu_fake):
    person = StaffFactory(employee_no="E1002", mobile="13800138002")
    member = feishu_fake.add_member("ou_e1002", job_number="", mobile="13800138002")
    assert sign_in(client, feishu_fake, member)["Location"] == HOME
    assert signed_in_user(client) == person


def test_a_wecom_member_matched_by_mobile_signs_in(client, wecom_fake):
    person = StaffFactory(employee_no="E1003", mobile="13800138003")
    member = wecom_fake.add_member("zhangsan", mobile="13800138003")
    assert sign_in(client, wecom_fake, member)["Location"] == HOME
    assert signed_in_user(client) == person


def test_a_wecom_member_found_earlier_through_the_contacts_signs_in_without_a_mobile_from_wecom(
    client, wecom_fake
):
    person = StaffFactory(employee_no="E1004")
    PlatformIdentity.objects.create(user=person, platform="wecom", platform_user_id="lisi", source="contacts")
    wecom_fake.user_get_returns_mobile = False
    member = wecom_fake.add_member("lisi", mobile="13800138004")
    assert sign_in(client, wecom_fake, member)["Location"] == HOME
    assert signed_in_user(client) == person


@pytest.mark.parametrize("platform", ["dingtalk", "feishu", "wecom"])
def test_someone_of_another_company_is_refused(client, platform_fakes, platform):
    StaffFactory(employee_no="E2001", mobile="13800138000")
    fake = platform_fakes[platform]
    stranger = fake.add_member("stranger", job_number="E2001", mobile="13800138000", corp="another-company")
    response = sign_in(client, fake, stranger)
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not signed_in_user(client).is_authenticated
    assert "does not belong to this company" in messages_on_login_page(client)
    refusal = AuditEvent.objects.get(action="sso.refused")
    assert (refusal.reason, refusal.data["platform"]) == ("other_company", platform)
    assert not SocialAccount.objects.exists()


def test_a_leaver_is_refused(client, dingtalk_fake):
    leaver = StaffFactory(employee_no="E3001", is_active=False)
    member = dingtalk_fake.add_member("ding-e3001", job_number="E3001")
    assert sign_in(client, dingtalk_fake, member)["Location"] == LOGIN
    assert not signed_in_user(client).is_authenticated
    assert "no longer active" in messages_on_login_page(client)
    refusal = AuditEvent.objects.get(action="sso.refused")
    assert (refusal.reason, refusal.target_id) == ("leaver", str(leaver.pk))


def test_a_person_who_left_after_signing_in_is_refused_next_time(client, dingtalk_fake):
    person = StaffFactory(employee_no="E3002")
    member = dingtalk_fake.add_member("ding-e3002", job_number="E3002")
    assert sign_in(client, dingtalk_fake, member)["Location"] == HOME
    client.logout()
    person.is_active = False
    person.save()
    assert sign_in(client, dingtalk_fake, member)["Location"] == LOGIN
    assert AuditEvent.objects.get(action="sso.refused").reason == "leaver"


def test_a_member_nobody_on_the_roster_matches_is_refused_never_by_name(client, feishu_fake):
    StaffFactory(employee_no="E4001", name="王小明", email="wang@example.com")
    member = feishu_fake.add_member("ou_x", name="王小明", job_number="E9999", mobile="13900000000")
    assert sign_in(client, feishu_fake, member)["Location"] == LOGIN
    assert "matches nobody on the staff roster" in messages_on_login_page(client)
    assert AuditEvent.objects.get(action="sso.refused").reason == "not_on_roster"


def test_the_refusal_speaks_chinese_to_a_chinese_browser(client, dingtalk_fake):
    stranger = dingtalk_fake.add_member("x", corp="another-company")
    sign_in(client, dingtalk_fake, stranger, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "不属于本公司" in messages_on_login_page(client, language="zh-hans")


@pytest.mark.parametrize(
    "platform, path",
    [
        ("dingtalk", "/v1.0/oauth2/userAccessToken"),
        ("dingtalk", "/topapi/user/getbyunionid"),
        ("feishu", "/open-apis/authen/v1/user_info"),
        ("wecom", "/cgi-bin/auth/getuserinfo"),
    ],
)
def test_a_platform_error_is_shown_on_the_login_page_not_a_500(client, platform_fakes, platform, path):
    StaffFactory(employee_no="E5001")
    fake = platform_fakes[platform]
    member = fake.add_member("m5001", job_number="E5001")
    fake.fail_next(times=3, status=500, path=path)
    response = sign_in(client, fake, member)
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "did not answer the sign-in" in messages_on_login_page(client)
    assert not signed_in_user(client).is_authenticated


# --- Inside the workbench ------------------------------------------------------------------------------------


def test_inside_dingtalk_the_page_loads_the_portals_own_copy_of_the_client_script(client, dingtalk_fake):
    body = client.get("/accounts/dingtalk/inapp/").content.decode()
    assert "/static/vendor/dingtalk-jsapi/dingtalk.min.js" in body
    assert f'data-corp-id="{dingtalk_fake.corp}"' in body
    assert '<script src="http' not in body  # no CDN


def test_inside_dingtalk_the_auth_code_signs_the_member_in(client, dingtalk_fake):
    person = StaffFactory(employee_no="E6001")
    member = dingtalk_fake.add_member("ding-e6001", job_number="E6001")
    response = client.post("/accounts/dingtalk/inapp/", {"code": dingtalk_fake.auth_code(member)})
    assert response.status_code == 302 and response["Location"] == HOME
    assert signed_in_user(client) == person


def test_inside_dingtalk_a_code_of_another_company_is_refused(client, dingtalk_fake):
    StaffFactory(employee_no="E6002")
    stranger = dingtalk_fake.add_member("x", job_number="E6002", corp="another-company")
    response = client.post("/accounts/dingtalk/inapp/", {"code": dingtalk_fake.auth_code(stranger)})
    assert response["Location"] == LOGIN
    assert AuditEvent.objects.get(action="sso.refused").reason == "other_company"


def test_inside_dingtalk_a_platform_error_is_a_message(client, dingtalk_fake):
    dingtalk_fake.fail_next(times=3)
    response = client.post("/accounts/dingtalk/inapp/", {"code": "whatever"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"] == LOGIN
    assert "did not answer the sign-in" in messages_on_login_page(client)


def test_inside_feishu_the_page_goes_straight_to_feishus_authorize_url(client, feishu_fake):
    person = StaffFactory(employee_no="E6003")
    member = feishu_fake.add_member("ou_e6003", job_number="E6003")
    response = client.get("/accounts/feishu/inapp/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{feishu_fake.url}/open-apis/authen/v1/index?")
    assert client.get(feishu_fake.authorize(response["Location"], member))["Location"] == HOME
    assert signed_in_user(client) == person


def test_inside_wecom_the_page_uses_the_silent_snsapi_base_authorization(client, wecom_fake):
    person = StaffFactory(employee_no="E6004", mobile="13800138064")
    member = wecom_fake.add_member("wangwu", mobile="13800138064")
    ua = {"HTTP_USER_AGENT": "Mozilla/5.0 wxwork/4.1.0 MicroMessenger/7.0.1"}
    response = client.get("/accounts/wecom/inapp/", **ua)
    location = response["Location"]
    assert location.startswith(f"{wecom_fake.url}/connect/oauth2/authorize?")
    assert "scope=snsapi_base" in location and location.endswith("#wechat_redirect")
    assert client.get(wecom_fake.authorize(location.split("#")[0], member), **ua)["Location"] == HOME
    assert signed_in_user(client) == person


def test_the_inapp_page_of_a_platform_that_is_not_configured_is_not_found(client):
    assert client.get("/accounts/dingtalk/inapp/").status_code == 404
    assert client.get("/accounts/nothing/inapp/").status_code == 404


# --- Second factor --------------------------------------------------------------------------------------------


def test_hr_signing_in_through_a_platform_still_needs_their_second_factor(client, dingtalk_fake):
    give_totp(StaffFactory(employee_no="H0001", role="hr"))
    member = dingtalk_fake.add_member("ding-h0001", job_number="H0001")
    response = sign_in(client, dingtalk_fake, member)
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in_user(client).is_authenticated


def test_hr_signing_in_through_a_trusted_platform_needs_no_second_factor(client, dingtalk_fake, settings):
    settings.SSO_MFA_TRUSTED = {"dingtalk"}
    person = StaffFactory(employee_no="H0002", role="hr")  # no TOTP set up at all
    member = dingtalk_fake.add_member("ding-h0002", job_number="H0002")
    assert sign_in(client, dingtalk_fake, member)["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert signed_in_user(client) == person


def test_a_password_login_after_a_trusted_platform_needs_the_second_factor_again(
    client, dingtalk_fake, settings
):
    settings.SSO_MFA_TRUSTED = {"dingtalk"}
    StaffFactory(employee_no="H0003", role="hr", password="correct-horse-battery")
    member = dingtalk_fake.add_member("ding-h0003", job_number="H0003")
    sign_in(client, dingtalk_fake, member)
    client.logout()
    client.post(LOGIN, {"login": "H0003", "password": "correct-horse-battery"})
    response = client.get(HOME)
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]


def test_the_sign_in_forms_may_redirect_to_the_enabled_platforms_only(client, dingtalk_fake):
    # The browser enforces form-action on the redirect that follows the button's POST.
    assert f"form-action 'self' {dingtalk_fake.url};" in client.get(LOGIN).headers["Content-Security-Policy"]


def test_without_platforms_forms_post_to_the_portal_only(client):
    assert "form-action 'self';" in client.get(LOGIN).headers["Content-Security-Policy"]
