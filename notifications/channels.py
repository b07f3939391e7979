"""Sending one delivery by its channel: e-mail, or a DingTalk work notice, Feishu message or WeCom application
message through the platform clients of `portal.platforms`. Every failure becomes a DeliveryError."""

import smtplib
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from notifications import rules
from notifications.models import Delivery, Notification
from portal.platforms import PlatformError, enabled_platforms, platform_client
from portal.platforms.identities import platform_user_id_for

# Platform answers that no later attempt can change: the platform is switched off here.
_FINAL_PLATFORM_CODES = {"not_configured"}


class DeliveryError(Exception):
    """An attempt failed. `code` and `message` are the platform's (or the mail server's); a `final` error is not
    retried."""

    def __init__(self, message: str, *, code: str = "", final: bool = False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.final = final


def platforms_enabled() -> list[str]:
    return list(enabled_platforms())


def absolute_url(path: str) -> str:
    return urljoin(settings.PORTAL_BASE_URL.rstrip("/") + "/", path.lstrip("/")) if path else ""


def send(delivery: Delivery) -> None:
    """Send `delivery` once. Raises DeliveryError on failure."""
    notification = delivery.notification
    if delivery.channel == rules.EMAIL:
        _send_email(notification)
    elif delivery.channel in rules.PLATFORM_CHANNELS:
        _send_platform(delivery.channel, notification)
    else:
        raise DeliveryError(f"unknown channel {delivery.channel}", code="channel", final=True)


def _send_email(notification: Notification) -> None:
    address = notification.recipient.email
    if not address:
        raise DeliveryError(_("This person has no e-mail address."), code="no_address", final=True)
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{absolute_url(notification.url)}"
    try:
        send_mail(notification.title, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(str(error), code="recipient_refused", final=True) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(str(error) or type(error).__name__, code=type(error).__name__) from error


def _send_platform(platform: str, notification: Notification) -> None:
    person = notification.recipient
    try:
        user_id = platform_user_id_for(person, platform)
        if user_id is None:
            raise DeliveryError(
                _(
                    "Nobody in the company's %(platform)s contacts has this person's employee number or mobile."
                )
                % {"platform": platform},
                code="user_not_found",
                final=True,
            )
        platform_client(platform).send_message(
            user_id=user_id,
            title=notification.title,
            text=notification.body,
            url=absolute_url(notification.url) or None,
        )
    except PlatformError as error:
        raise DeliveryError(
            error.message or str(error), code=str(error.code), final=str(error.code) in _FINAL_PLATFORM_CODES
        ) from error
