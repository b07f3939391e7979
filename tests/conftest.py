import io

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


@pytest.fixture(scope="session")
def signing_key_dir(tmp_path_factory):
    """One organisation signing key for the whole run (RSA key generation is the slow part), in a temporary
    directory: no test reads or writes the developer's own key."""
    from portal import signing

    directory = tmp_path_factory.mktemp("signing") / "keys"
    signing.keygen(directory=directory, common_name="测试客服中心")
    return directory


@pytest.fixture(autouse=True)
def _signing_key(settings, signing_key_dir):
    settings.PORTAL_SIGNING_KEY_DIR = signing_key_dir


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


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    import socket

    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(params=["redis", "local-memory"])
def cache_backend(request, settings):
    """Each test twice: with a real Redis on 127.0.0.1:6379 as production runs (skipped when none answers) —
    a database number of its own per test worker, emptied around the test — and with the local-memory cache."""
    import os

    from django.core.cache import cache

    if request.param == "redis":
        if not redis_answers():
            pytest.skip("no Redis answers on 127.0.0.1:6379")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:6379/{15 - int(worker) % 4}",
            }
        }
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    yield request.param
    cache.clear()


def same_with_an_empty_cache(read):
    """`read()` as the cache serves it, asserted equal to `read()` with the cache emptied first: what a page kept
    in the cache must show after a write. Returns what was read."""
    from django.core.cache import cache

    cached = read()
    cache.clear()
    assert cached == read()
    return cached


def file_read_in_pieces(path) -> tuple[io.BufferedReader, list[int]]:
    """`path` opened for reading, and the list of the sizes of the reads it serves from disk; reading the whole
    file in one go fails the test."""
    sizes: list[int] = []

    class RecordedReads(io.FileIO):
        def readinto(self, buffer):
            sizes.append(len(buffer))
            return super().readinto(buffer)

        def readall(self):
            raise AssertionError("the whole file was read at once")

    return io.BufferedReader(RecordedReads(path)), sizes
