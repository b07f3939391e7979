"""The platform clients against the fake DingTalk, Feishu and WeCom: lookups, messages, tokens and failures."""

import pytest

from portal.models import PlatformIdentity
from portal.platforms import PlatformError, enabled_platforms, normalise_mobile, platform_client
from portal.platforms.identities import platform_user_id_for
from tests.factories import StaffFactory


def test_no_platform_is_enabled_without_settings():
    assert enabled_platforms() == []
    with pytest.raises(PlatformError) as raised:
        platform_client("dingtalk")
    assert raised.value.code == "not_configured"


def test_each_platform_is_enabled_by_its_settings(platform_fakes):
    assert enabled_platforms() == ["dingtalk", "feishu", "wecom"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("12800138000", None),
        ("1380013800", None),
        ("", None),
    ],
)
def test_mobile_numbers_are_normalised_to_eleven_digits(text, expected):
    assert normalise_mobile(text) == expected


@pytest.mark.parametrize("platform", ["dingtalk", "feishu", "wecom"])
def test_a_member_is_found_by_mobile(platform_fakes, platform):
    platform_fakes[platform].add_member("u-anna", mobile="13800138000")
    client = platform_client(platform)
    assert client.find_user_id(job_number=None, mobile="+86 13800138000") == "u-anna"
    assert client.find_user_id(job_number=None, mobile="13900000000") is None


@pytest.mark.parametrize("platform", ["dingtalk", "feishu"])
def test_a_member_is_found_by_job_number_through_the_directory(platform_fakes, platform):
    fake = platform_fakes[platform]
    for n in range(120):  # more than one page of the directory
        fake.add_member(f"u{n}", job_number=f"E{n:04d}")
    fake.add_member("stranger", job_number="E9999", corp="another-company")
    client = platform_client(platform)
    assert client.find_user_id(job_number="E0117", mobile=None) == "u117"
    assert client.find_user_id(job_number="E9999", mobile=None) is None
    requests_before = len(fake.requests)
    assert client.find_user_id(job_number="E0005", mobile=None) == "u5"
    assert len(fake.requests) == requests_before  # the directory index is cached


def test_wecom_keeps_no_job_numbers(wecom_fake):
    wecom_fake.add_member("u1", mobile="13800138000")
    assert platform_client("wecom").find_user_id(job_number="E0001", mobile=None) is None


@pytest.mark.parametrize("platform", ["dingtalk", "feishu", "wecom"])
def test_a_message_reaches_the_member(platform_fakes, platform):
    fake = platform_fakes[platform]
    fake.add_member("u-anna", mobile="13800138000")
    platform_client(platform).send_message(
        user_id="u-anna",
        title="本月专题培训",
        text="还有 3 天截止",
        url="https://portal.example.com/courses/",
    )
    [message] = fake.messages
    assert message.user_id == "u-anna"
    assert message.title == "本月专题培训"
    assert "还有 3 天截止" in message.text
    assert message.url == "https://portal.example.com/courses/"


@pytest.mark.parametrize("platform", ["dingtalk", "feishu", "wecom"])
def test_a_server_error_raises_platform_error(platform_fakes, platform):
    fake = platform_fakes[platform]
    fake.add_member("u-anna", mobile="13800138000")
    fake.fail_next(times=5, status=500)
    with pytest.raises(PlatformError) as raised:
        platform_client(platform).send_message(user_id="u-anna", title="T", text="x")
    assert raised.value.platform == platform
    assert raised.value.code == 500
    assert raised.value.retryable
    assert fake.messages == []


@pytest.mark.parametrize("platform, errcode", [("dingtalk", 40035), ("feishu", 230001), ("wecom", 60020)])
def test_a_platform_error_code_raises_platform_error_with_that_code(platform_fakes, platform, errcode):
    fake = platform_fakes[platform]
    fake.add_member("u-anna")
    platform_client(platform).access_token()  # the token call itself succeeds
    fake.fail_next(errcode=errcode)
    with pytest.raises(PlatformError) as raised:
        platform_client(platform).send_message(user_id="u-anna", title="T", text="x")
    assert raised.value.code == errcode
    assert raised.value.message == "scripted failure"
    assert not raised.value.retryable


@pytest.mark.parametrize("platform", ["dingtalk", "feishu", "wecom"])
def test_a_stale_token_is_fetched_again_once(platform_fakes, platform):
    fake = platform_fakes[platform]
    fake.add_member("u-anna")
    client = platform_client(platform)
    client.send_message(user_id="u-anna", title="1", text="x")
    fake.expire_tokens()
    client.send_message(user_id="u-anna", title="2", text="x")
    assert [m.title for m in fake.messages] == ["1", "2"]


def test_the_access_token_is_cached(dingtalk_fake):
    dingtalk_fake.add_member("u-anna")
    client = platform_client("dingtalk")
    for _ in range(3):
        client.send_message(user_id="u-anna", title="T", text="x")
    assert len(dingtalk_fake.requests_to("/gettoken")) == 1


def test_a_timeout_raises_platform_error(dingtalk_fake, settings):
    settings.SSO_DINGTALK_OAPI_BASE = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(PlatformError) as raised:
        platform_client("dingtalk").find_user_id(job_number=None, mobile="13800138000")
    assert raised.value.code in ("timeout", "network")
    assert raised.value.retryable


def test_a_message_to_someone_not_in_the_company_is_refused(wecom_fake):
    with pytest.raises(PlatformError) as raised:
        platform_client("wecom").send_message(user_id="nobody", title="T", text="x")
    assert raised.value.code == 81013


@pytest.mark.django_db
def test_the_user_id_found_through_the_contacts_is_stored(dingtalk_fake):
    person = StaffFactory(employee_no="E1001", mobile="13800138000")
    dingtalk_fake.add_member("ding-anna", mobile="13800138000")
    assert platform_user_id_for(person, "dingtalk") == "ding-anna"
    identity = PlatformIdentity.objects.get(user=person, platform="dingtalk")
    assert (identity.platform_user_id, identity.source) == ("ding-anna", "contacts")
    dingtalk_fake.fail_next(times=10)  # the stored id needs no platform call
    assert platform_user_id_for(person, "dingtalk") == "ding-anna"


@pytest.mark.django_db
def test_nobody_found_stores_nothing(feishu_fake):
    person = StaffFactory(employee_no="E1001", mobile="13800138000")
    assert platform_user_id_for(person, "feishu") is None
    assert not PlatformIdentity.objects.exists()


@pytest.mark.django_db
def test_an_account_bound_to_someone_else_is_not_taken_by_a_lookup(wecom_fake):
    first = StaffFactory(employee_no="E1001", mobile="13800138000")
    second = StaffFactory(employee_no="E1002", mobile="13900139000")
    wecom_fake.add_member("shared", mobile="13800138000")
    assert platform_user_id_for(first, "wecom") == "shared"
    wecom_fake.members["shared"].mobile = "13900139000"  # the platform's record changed hands
    assert platform_user_id_for(second, "wecom") is None
    assert PlatformIdentity.objects.get(platform_user_id="shared").user == first
