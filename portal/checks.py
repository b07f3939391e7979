"""System checks: what `manage.py check --deploy` says before a user meets it."""

from django.core.checks import Warning, register

from portal.signing import key_dir, key_exists


@register(deploy=True)
def signing_key_present(app_configs, **kwargs):
    if key_exists():
        return []
    return [
        Warning(
            f"No signing key in {key_dir()}: certificate, letter and credential downloads answer 503.",
            hint="Run `python manage.py credentials_keygen` as the portal's user (docs/deployment.md §7).",
            id="portal.W001",
        )
    ]
