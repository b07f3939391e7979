"""Rows that data migrations create (default policies), restored whenever tables are flushed.

A data migration runs once; `flush` (used between transactional tests, and by operators resetting a
database) empties every table but re-sends post_migrate. Each app registers its data-migration function here
so that a flushed database is as usable as a freshly migrated one.
"""

from importlib import import_module

from django.db.models.signals import post_migrate


def restore_after_flush(app_config, migration_module: str, function: str = "create_default") -> None:
    """Re-run `migration_module.function(apps, schema_editor)` after every migrate/flush of `app_config`."""

    def _handler(sender, app_config=None, **kwargs):
        from django.apps import apps

        if app_config is sender_config:
            getattr(import_module(migration_module), function)(apps, None)

    sender_config = app_config
    post_migrate.connect(_handler, sender=app_config, weak=False, dispatch_uid=f"restore:{migration_module}")
