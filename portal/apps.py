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
        from portal import panels
        from portal.audit import register_action_labels

        post_migrate.connect(_sync_after_migrate, dispatch_uid="portal.sync_role_groups")
        panels.register()
        register_action_labels(
            {
                "staff.create": _("Staff member created"),
                "staff.deactivate": _("Staff member deactivated"),
                "staff.invite": _("Invitation sent"),
                "staff.role_change": _("Role changed"),
                "month.lock": _("Month locked"),
                "month.unlock": _("Month unlocked"),
                "wagtail.publish": _("Page published"),
                "scale.generate": _("Synthetic company generated"),
                "import.staff": _("Roster imported"),
                "import.attendance": _("Attendance imported"),
                "import.training_records": _("Training records imported"),
                "import.questions": _("Questions imported"),
                "import.evaluations": _("Evaluations imported"),
                "import.kpis": _("KPIs imported"),
                "import_mapping.save": _("Column mapping saved"),
                "sso.refused": _("Sign-in through DingTalk, Feishu or WeCom refused"),
            }
        )


def _sync_after_migrate(sender, app_config=None, **kwargs):
    from django.apps import apps

    from portal.roles import sync_role_groups

    # post_migrate fires once per app with models; every app's permissions exist only after the last one.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config is with_models[-1]:
        sync_role_groups()
