import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from hypothesis import settings as hypothesis_settings

from tests import factories
from tests.fakes.fixtures import dingtalk_fake, feishu_fake, platform_fakes, wecom_fake  # noqa: F401

# Property tests check results, not speed: a per-example deadline only fails them when the machine is busy.
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.load_profile("portal")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _english_in_the_test_thread():
    """Services called directly speak English in tests; requests still pick their language (Chinese default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def give_totp(user):
    """HR and admin must have two-factor authentication before the portal lets them in."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def org(db):
    return factories.make_org()


@pytest.fixture
def hr_user(db):
    return give_totp(factories.StaffFactory(role="hr", employee_no="HR001"))


def sign_in(client, user, *, seconds_ago: float = 0):
    """Sign `user` in as allauth's login does, including this session's authentication record (what the step-up
    before money decisions judges), made `seconds_ago`."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time() - seconds_ago}]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def hr_client(client, hr_user):
    return sign_in(client, hr_user)
