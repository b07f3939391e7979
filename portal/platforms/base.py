"""What the three platform clients share: the error they raise, HTTP with short timeouts, cached access tokens,
and a cached index of the company directory for the lookups a platform offers no API for."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache

from portal.tabular.fields import normalise_mobile

__all__ = ["PlatformClient", "PlatformError", "PlatformProfile", "normalise_mobile"]

# How long an index of the whole directory (job number → user id) is reused before it is walked again.
DIRECTORY_INDEX_SECONDS = 3600
# A cached token is dropped this long before the platform says it expires.
TOKEN_MARGIN_SECONDS = 300


class PlatformError(Exception):
    """A platform refused or failed a call.

    `code` is the platform's own error code (errcode / code) when it answered with one, else the HTTP status,
    or "timeout" / "network" / "not_configured"; `message` is the platform's error text (errmsg / msg).
    """

    def __init__(self, platform: str, code, message: str = ""):
        self.platform = platform
        self.code = code
        self.message = message
        super().__init__(f"{platform} error {code}: {message}")

    @property
    def retryable(self) -> bool:
        """A timeout, a network failure, an HTTP 5xx or "system busy" (-1): the same call may succeed later."""
        return self.code in ("timeout", "network", -1) or (
            isinstance(self.code, int) and 500 <= self.code < 600
        )


@dataclass(frozen=True)
class PlatformProfile:
    """A member of the company as the platform's contacts know them."""

    user_id: str
    name: str = ""
    job_number: str = ""
    mobile: str | None = None


class PlatformClient:
    """One platform's server API, called with the company app's credentials.

    Subclasses implement `_fetch_token`, `_check`, `user_id_by_mobile`, `send_message`, and `_directory` where
    the platform can list its members with their job numbers.
    """

    name: str
    # Error codes that mean "your access token is no longer valid": the token is fetched again, once.
    token_errors: frozenset = frozenset()

    @property
    def credentials_key(self) -> str:
        """Identifies the app whose token is cached (so a change of credentials never reuses an old token)."""
        raise TypeError(f"{type(self).__name__} must define credentials_key")

    # --- The interface -------------------------------------------------------------------------------------

    def find_user_id(self, *, job_number: str | None = None, mobile: str | None = None) -> str | None:
        """The person's user id on this platform, found through its contacts API; None if no member matches.

        The mobile number is asked first (every platform looks it up directly); the job number, where the
        platform keeps one, through an index of the directory that is cached for an hour.
        """
        mobile = normalise_mobile(mobile)
        if mobile:
            found = self.user_id_by_mobile(mobile)
            if found:
                return found
        if job_number and job_number.strip():
            return self.user_id_by_job_number(job_number.strip())
        return None

    def send_message(self, *, user_id: str, title: str, text: str, url: str | None = None) -> None:
        raise TypeError(f"{type(self).__name__} must define send_message")

    def user_id_by_mobile(self, mobile: str) -> str | None:
        raise TypeError(f"{type(self).__name__} must define user_id_by_mobile")

    def user_id_by_job_number(self, job_number: str) -> str | None:
        key = f"portal.platforms:{self.name}:{self.credentials_key}:directory"
        index = cache.get(key)
        if index is None:
            index = {
                profile.job_number: profile.user_id for profile in self._directory() if profile.job_number
            }
            cache.set(key, index, DIRECTORY_INDEX_SECONDS)
        return index.get(job_number)

    def _directory(self) -> Iterator[PlatformProfile]:
        """Every member of the company that the app may see. Platforms without job numbers yield nothing."""
        return iter(())

    # --- HTTP and tokens -----------------------------------------------------------------------------------

    def _fetch_token(self) -> tuple[str, int]:
        """A new access token of the company app and its lifetime in seconds."""
        raise TypeError(f"{type(self).__name__} must define _fetch_token")

    def _check(self, body: dict) -> None:
        """Raise PlatformError if `body` carries the platform's error code."""
        raise TypeError(f"{type(self).__name__} must define _check")

    def _token_cache_key(self) -> str:
        return f"portal.platforms:{self.name}:{self.credentials_key}:token"

    def access_token(self) -> str:
        key = self._token_cache_key()
        token = cache.get(key)
        if token is None:
            token, expires_in = self._fetch_token()
            cache.set(key, token, max(60, int(expires_in) - TOKEN_MARGIN_SECONDS))
        return token

    def _with_token(self, call: Callable[[str], dict]) -> dict:
        """Run `call(token)`; when the platform says the token went stale, fetch a new one and run it once more."""
        try:
            return call(self.access_token())
        except PlatformError as error:
            if error.code not in self.token_errors:
                raise
            cache.delete(self._token_cache_key())
            return call(self.access_token())

    def _http(self, method: str, url: str, **kwargs) -> dict:
        """One call to the platform: its JSON answer, or PlatformError for a timeout, an HTTP error or an errcode."""
        try:
            response = requests.request(method, url, timeout=settings.PLATFORM_HTTP_TIMEOUT, **kwargs)
        except requests.Timeout as error:
            raise PlatformError(self.name, "timeout", str(error)) from error
        except requests.RequestException as error:
            raise PlatformError(self.name, "network", str(error)) from error
        if response.status_code >= 500:
            raise PlatformError(self.name, response.status_code, response.text[:200])
        try:
            body = response.json()
        except ValueError as error:
            raise PlatformError(self.name, response.status_code, "the answer was not JSON") from error
        if not isinstance(body, dict):
            raise PlatformError(self.name, response.status_code, "the answer was not a JSON object")
        self._check(body)
        if response.status_code >= 400:
            raise PlatformError(self.name, response.status_code, str(body.get("message", ""))[:200])
        return body
