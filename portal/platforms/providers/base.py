"""What the three platform providers share: the uid and data they keep, and how their errors are reported."""

from allauth.socialaccount.providers.base import ProviderException

from portal.platforms import PlatformError


class PlatformProviderMixin:
    """The account's uid is the person's user id in the company (what messages are addressed to); its
    extra_data is a `PlatformAccount`. No e-mail or nickname is taken from the platform."""

    login_label: str  # the login page's button

    def extract_uid(self, data):
        return data["platform_user_id"]

    def extract_common_fields(self, data):
        return {}

    def extract_email_addresses(self, data):
        return []


def provider_error(error: PlatformError) -> ProviderException:
    """A platform failure during sign-in, for allauth to report (the adapter shows it as a message)."""
    exception = ProviderException(str(error))
    exception.platform_error = error
    return exception
