from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Integration API")

    def ready(self):
        from portal.audit import register_action_labels
        from portal.navigation import register_nav

        register_action_labels(
            {
                "api.client.create": _("API client created"),
                "api.client.revoke": _("API client revoked"),
            }
        )
        register_nav(_("API clients"), "api-clients:list", order=90, permission="api.manage_api_clients")
