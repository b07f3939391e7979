"""API clients: created (token shown once), revoked, found by token; the last-use time kept to the hour."""

import hashlib
import secrets
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiClient, IdempotentAnswer, Scope
from portal.models import Role, User
from portal.services import audit_record

TOKEN_PREFIX = "pt_"  # noqa: S105 (a recognisable prefix, not a secret)
LAST_USE_PRECISION = timedelta(hours=1)
SERVICE_ACCOUNT_PREFIX = "api:"
MANAGE_PERMISSION = "api.manage_api_clients"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def default_expiry(today: date) -> date:
    """One year after `today` (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def _may_manage(acting_user) -> bool:
    """A command (no acting user) may; a person needs the permission."""
    return acting_user is None or (acting_user.is_authenticated and acting_user.has_perm(MANAGE_PERMISSION))


def api_client_create(
    *, name: str, scopes: list[str], expires_on: date | None = None, acting_user=None
) -> tuple[ApiClient, str]:
    """Create a client and its service account; returns the client and its token (never stored, shown once).

    The token is `pt_` and 32 random bytes (URL-safe base64); only its SHA-256 is kept. Refuses an empty or
    taken name, no scope or an unknown one, and an expiry in the past. The service account has no usable
    password and is inactive, so it can never sign in and is never scored.
    """
    if not _may_manage(acting_user):
        raise PermissionDenied(_("You may not do this."))
    name = name.strip()
    if not name or len(name) > 28:
        raise ValidationError(_("A client's name has 1 to 28 characters."))
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValidationError(_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)})
    if not scopes:
        raise ValidationError(_("Give at least one scope."))
    today = timezone.localdate()
    expires_on = expires_on or default_expiry(today)
    if expires_on <= today:
        raise ValidationError(_("The expiry date must be after today."))
    employee_no = f"{SERVICE_ACCOUNT_PREFIX}{name}"
    with transaction.atomic():
        if (
            ApiClient.objects.select_for_update().filter(name=name).exists()
            or User.objects.filter(employee_no=employee_no).exists()
        ):
            raise ValidationError(_("The name %(name)s is already in use.") % {"name": name})
        account = User.objects.create_user(
            employee_no=employee_no, name=name, role=Role.HR, is_active=False, password=None
        )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        client = ApiClient.objects.create(
            name=name,
            token_hash=token_hash(token),
            token_prefix=token[:8],
            scopes=sorted(set(scopes), key=Scope.values.index),
            account=account,
            expires_on=expires_on,
            created_by=acting_user,
        )
        audit_record(
            action="api.client.create",
            acting_user=acting_user,
            target=client,
            scopes=client.scopes,
            expires=expires_on.isoformat(),
        )
    return client, token


def api_client_revoke(*, client: ApiClient, acting_user) -> ApiClient:
    """Revoke a client at once: its token answers 401 from now on. Revoking twice changes nothing."""
    if not _may_manage(acting_user):
        raise PermissionDenied(_("You may not do this."))
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.save(update_fields=["revoked_at"])
            audit_record(action="api.client.revoke", acting_user=acting_user, target=client)
    return client


def api_client_for_token(token: str) -> ApiClient | None:
    """The client whose token this is, revoked or expired ones included (the caller tells them apart)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return ApiClient.objects.select_related("account").filter(token_hash=token_hash(token)).first()


def api_client_touch(client: ApiClient) -> None:
    """Record a use, at most once an hour (a read then writes nothing else)."""
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USE_PRECISION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now


IDEMPOTENCY_WINDOW = timedelta(hours=24)


def idempotent_answer_find(*, client: ApiClient, key: str) -> IdempotentAnswer | None:
    """The first answer given to `key` by this client within 24 hours (older ones no longer count)."""
    cutoff = timezone.now() - IDEMPOTENCY_WINDOW
    return IdempotentAnswer.objects.filter(client=client, key=key, created_at__gte=cutoff).first()


def idempotent_answer_store(
    *, client: ApiClient, key: str, request_sha256: str, status: int, body: dict
) -> None:
    """Keep the answer to a write sent with `key` (replacing one older than 24 hours). A concurrent request
    with the same key that stored first wins; its answer is the one replayed."""
    cutoff = timezone.now() - IDEMPOTENCY_WINDOW
    with transaction.atomic():
        IdempotentAnswer.objects.filter(client=client, key=key, created_at__lt=cutoff).delete()
        try:
            with transaction.atomic():
                IdempotentAnswer.objects.create(
                    client=client, key=key, request_sha256=request_sha256, status=status, body=body
                )
        except IntegrityError:
            pass
