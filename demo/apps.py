from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and synthetic data, kept apart from the product apps: `seed_demo`, `generate_scale_data`,
    `demo_totp`. Everything is built through the apps' services (or set-based equivalents tested to match)."""

    name = "demo"
    verbose_name = _("Demo data")
