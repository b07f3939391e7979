"""Which platform account is which roster person: stored bindings, and the contacts lookup that fills them."""

import logging

from django.db import IntegrityError, transaction

from portal.models import PlatformIdentity, User
from portal.platforms import platform_client

log = logging.getLogger("portal.platforms")


def platform_user_id_for(user: User, platform: str) -> str | None:
    """The person's user id on `platform`: the stored one, else looked up by job number or mobile and stored.

    None when the platform's contacts know nobody with the person's employee number or roster mobile. Raises
    PlatformError when the platform fails (the caller retries later); never stores a guess.
    """
    stored = (
        PlatformIdentity.objects.filter(user=user, platform=platform)
        .values_list("platform_user_id", flat=True)
        .first()
    )
    if stored:
        return stored
    found = platform_client(platform).find_user_id(job_number=user.employee_no, mobile=user.mobile or None)
    if not found:
        return None
    identity = platform_identity_record(
        user=user, platform=platform, platform_user_id=found, source=PlatformIdentity.Source.CONTACTS
    )
    return found if identity is not None else None


def platform_identity_record(
    *, user: User, platform: str, platform_user_id: str, source: str
) -> PlatformIdentity | None:
    """Bind `platform_user_id` to `user` (one per person and platform).

    A sign-in binding replaces whatever was stored: the person has just proved the account is theirs. A contacts
    lookup never takes an account that is already bound to someone else (two roster records sharing one mobile
    or job number must not receive each other's messages): it returns None and stores nothing.
    """
    with transaction.atomic():
        holder = (
            PlatformIdentity.objects.select_for_update()
            .filter(platform=platform, platform_user_id=platform_user_id)
            .first()
        )
        if holder is not None and holder.user_id != user.pk:
            if source != PlatformIdentity.Source.SIGN_IN:
                log.warning("%s account %s is already bound to another person", platform, platform_user_id)
                return None
            holder.delete()
        try:
            with transaction.atomic():
                identity, _ = PlatformIdentity.objects.update_or_create(
                    user=user,
                    platform=platform,
                    defaults={"platform_user_id": platform_user_id, "source": source},
                )
        except IntegrityError:  # a parallel lookup bound the account first
            return None
    return identity


def platform_identity_forget(*, user: User, platform: str) -> None:
    """Drop a stored binding the platform no longer accepts (the next message looks the person up again)."""
    PlatformIdentity.objects.filter(user=user, platform=platform).delete()


def user_for_platform_identity(platform: str, platform_user_id: str) -> User | None:
    identity = (
        PlatformIdentity.objects.select_related("user")
        .filter(platform=platform, platform_user_id=platform_user_id)
        .first()
    )
    return identity.user if identity is not None else None
