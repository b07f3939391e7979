"""Wagtail's own starting rows (locale, root page, default site) restored after a flush.

Wagtail creates them in its migrations; `flush` (between transactional tests, or an operator resetting the
database) removes them, and without a root page no curriculum can be added.
"""

from django.conf import settings
from django.db.models.signals import post_migrate
from wagtail.coreutils import get_supported_content_language_variant


def ensure_wagtail_root(sender=None, **kwargs) -> None:
    from wagtail.models import Locale, Page, Site

    if not Locale.objects.exists():
        Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if not Page.objects.exists():
        root = Page.add_root(instance=Page(title="Root", slug="root"))
        Site.objects.get_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": root, "site_name": "Portal"}
        )


def connect(app_config) -> None:
    post_migrate.connect(ensure_wagtail_root, sender=app_config, dispatch_uid="courses.ensure_wagtail_root")
