"""The pytest fixtures of the fake platforms (documented in tests/fakes/__init__.py)."""

import pytest

from tests.fakes.dingtalk import FakeDingTalk
from tests.fakes.feishu import FakeFeishu
from tests.fakes.wecom import FakeWeCom


@pytest.fixture
def dingtalk_fake(settings):
    fake = FakeDingTalk().start()
    settings.SSO_DINGTALK_CLIENT_ID = fake.client_id
    settings.SSO_DINGTALK_CLIENT_SECRET = fake.client_secret
    settings.SSO_DINGTALK_CORP_ID = fake.corp
    settings.SSO_DINGTALK_AGENT_ID = fake.agent_id
    settings.SSO_DINGTALK_LOGIN_BASE = settings.SSO_DINGTALK_API_BASE = settings.SSO_DINGTALK_OAPI_BASE = (
        fake.url
    )
    yield fake
    fake.stop()


@pytest.fixture
def feishu_fake(settings):
    fake = FakeFeishu().start()
    settings.SSO_FEISHU_APP_ID = fake.app_id
    settings.SSO_FEISHU_APP_SECRET = fake.app_secret
    settings.SSO_FEISHU_TENANT_KEY = fake.corp
    settings.SSO_FEISHU_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def wecom_fake(settings):
    fake = FakeWeCom().start()
    settings.SSO_WECOM_CORP_ID = fake.corp
    settings.SSO_WECOM_AGENT_ID = fake.agent_id
    settings.SSO_WECOM_SECRET = fake.secret
    settings.SSO_WECOM_API_BASE = settings.SSO_WECOM_LOGIN_BASE = settings.SSO_WECOM_OAUTH_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def platform_fakes(dingtalk_fake, feishu_fake, wecom_fake):
    return {"dingtalk": dingtalk_fake, "feishu": feishu_fake, "wecom": wecom_fake}
