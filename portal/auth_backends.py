"""Permission checks in one query per request, where Django's ModelBackend takes two (own and group)."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


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
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                own = user_obj.user_permissions.values("pk")
                from_groups = Permission.objects.filter(group__user=user_obj).values("pk")
                perms = perms.filter(Q(pk__in=own) | Q(pk__in=from_groups))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in perms.values_list("content_type__app_label", "codename").order_by()
            }
        return user_obj._perm_cache
