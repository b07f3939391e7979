"""Who is signed in, with their permissions, team and department, from the shared cache.

Django loads the person (one query) and their permissions (one more) on every signed-in page. With a shared
cache (portal.cache) both come from one cache entry per person, which every write that changes them makes
stale: the person's own save (deactivation, role, password, last login), their groups and own permissions, a
role group's permissions, a team's or department's name (`connect_invalidation`, and the staff services for
their bulk writes). The entry holds no password hash, only the session hash Django derives from it (which every
session of that person holds anyway); reading `user.password` loads it from the database.

Anything unusual (no entry, a session hash that does not match, a backend not configured) goes through
Django's own `get_user`, which decides and flushes a session that is no longer valid.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.crypto import constant_time_compare

from portal.auth_backends import PermissionsBackend
from portal.cache import (
    PEOPLE_SCOPE,
    STAFF_DIRECTORY_SCOPE,
    cached,
    person_scope,
    read_with_person,
    scope_invalidate,
    shared,
)
from portal.models import Department, Team


def _entry(user_id) -> dict | None:
    User = get_user_model()
    user = (
        User._default_manager.select_related("team__department", "department")
        .filter(pk=user_id, is_active=True)
        .first()
    )
    if user is None:
        return None
    fields = {
        f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields if f.attname != "password"
    }
    return {
        "fields": fields,
        "auth_hash": user.get_session_auth_hash(),
        "permissions": sorted(PermissionsBackend().get_all_permissions(user)),
        "team": user.team if user.team_id else None,
        "department": user.department if user.department_id else None,
    }


def _user_from(entry: dict):
    User = get_user_model()
    fields = entry["fields"]
    user = User.from_db(DEFAULT_DB_ALIAS, list(fields), list(fields.values()))
    user._perm_cache = set(entry["permissions"])
    if entry["team"] is not None:
        user._state.fields_cache["team"] = entry["team"]
    if entry["department"] is not None:
        user._state.fields_cache["department"] = entry["department"]
    return user


def signed_in_user(request):
    """`request.user`: from the shared cache when this session's entry is there and valid, else Django's."""
    if not shared():
        return auth.get_user(request)
    try:
        user_id = get_user_model()._meta.pk.to_python(request.session[auth.SESSION_KEY])
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS or not session_hash:
        return auth.get_user(request)
    entry = cached(
        f"principal:{user_id}",
        [person_scope(user_id), PEOPLE_SCOPE],
        lambda: _entry(user_id),
        personal=True,
        also=read_with_person(user_id),
    )
    if entry is None or not constant_time_compare(session_hash, entry["auth_hash"]):
        return auth.get_user(request)
    return _user_from(entry)


def people_invalidate(user_ids: Iterable[int], *, directory: bool = True) -> None:
    """Call after writing people's rows or groups past `save()` (bulk updates, membership rows). `directory`:
    whether what staff lists show of them (name, team, role, active state) may have changed too."""
    ids = set(user_ids)
    if ids:
        scope_invalidate(*(person_scope(pk) for pk in ids), *([STAFF_DIRECTORY_SCOPE] if directory else []))


# Saves that change nothing a staff list shows: sign-in bookkeeping and password changes.
_NOT_DIRECTORY_FIELDS = {"last_login", "password"}


def _on_user_saved(sender, instance, update_fields=None, **kwargs):
    people_invalidate(
        [instance.pk], directory=not (update_fields and set(update_fields) <= _NOT_DIRECTORY_FIELDS)
    )


def _on_membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        people_invalidate([instance.pk])
    elif pk_set:
        people_invalidate(pk_set)
    else:  # a group or permission cleared of all its people
        scope_invalidate(PEOPLE_SCOPE)


def _on_everyone_changed(sender, **kwargs):
    scope_invalidate(PEOPLE_SCOPE)


def connect_invalidation() -> None:
    User = get_user_model()
    for signal in (post_save, post_delete):
        signal.connect(_on_user_saved, sender=User, dispatch_uid="portal.principal.user")
        for model in (Group, Permission, Team, Department):
            signal.connect(
                _on_everyone_changed, sender=model, dispatch_uid=f"portal.principal.{model.__name__}"
            )
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(
            _on_membership_changed, sender=through, dispatch_uid=f"portal.principal.{through}"
        )
    m2m_changed.connect(
        _on_everyone_changed, sender=Group.permissions.through, dispatch_uid="portal.principal.gp"
    )
