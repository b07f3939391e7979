from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("People and access")

    def ready(self):
        from portal.importing import import_targets_register
        from portal.staff_file import STAFF_COLUMNS, STAFF_OPTIONAL_COLUMNS

        import_targets_register("staff", [*STAFF_COLUMNS, *STAFF_OPTIONAL_COLUMNS])
        from portal import checks, page_cache, panels, principal  # noqa: F401 - checks and caches register on import

        post_migrate.connect(_sync_after_migrate, dispatch_uid="portal.sync_role_groups")
        panels.register()
        principal.connect_invalidation()
        page_cache.connect_invalidation()
        from django.core.signals import request_started

        from portal.cache import read_ahead_clear

        request_started.connect(read_ahead_clear, dispatch_uid="portal.cache.read_ahead")


def _sync_after_migrate(sender, app_config=None, **kwargs):
    from django.apps import apps

    from portal.roles import sync_role_groups

    # post_migrate fires once per app with models; every app's permissions exist only after the last one.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config is with_models[-1]:
        sync_role_groups()
