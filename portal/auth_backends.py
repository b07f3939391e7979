"""Permission checks in one query per request, where Django's ModelBackend takes two (own and group)."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@cache
def _user_permissions_sql() -> str:
    """The permissions of one user (%s twice: the user id), own and through groups, as (app label, codename).

    Plain SQL from the models' table names: the ORM spends longer building this query than the database
    spends answering it, and it runs on every signed-in page (the menu asks for permissions).
    """
    user_model = get_user_model()
    own = user_model.user_permissions.through._meta
    in_group = user_model.groups.through._meta
    group_perms = Group.permissions.through._meta
    q = connection.ops.quote_name

    def column(meta, related_model):
        return q(next(f.column for f in meta.fields if f.related_model is related_model))

    # Names from the models' metadata, never from input; the user id is a parameter.
    return (
        f"SELECT ct.{q('app_label')}, p.{q('codename')} "  # noqa: S608
        f"FROM {q(Permission._meta.db_table)} p "
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.{q('id')} = p.{q('content_type_id')} "
        f"WHERE p.{q('id')} IN (SELECT {column(own, Permission)} FROM {q(own.db_table)} "
        f"WHERE {column(own, user_model)} = %s) "
        f"OR p.{q('id')} IN (SELECT gp.{column(group_perms, Permission)} FROM {q(group_perms.db_table)} gp "
        f"JOIN {q(in_group.db_table)} ug ON ug.{column(in_group, Group)} = gp.{column(group_perms, Group)} "
        f"WHERE ug.{column(in_group, user_model)} = %s)"
    )


class PermissionsBackend(ModelBackend):
    """Django's ModelBackend, but a user's own and group permissions come from one query together.

    Listed first: it fills the user's `_perm_cache`, which the ModelBackend-based backends after it
    (Django's, allauth's) read instead of querying again. Still listed after it, Django's ModelBackend keeps
    the sessions that name it valid.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename").order_by()
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_user_permissions_sql(), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
