"""Wagtail's own starting rows (locale, root page, default site) restored after a flush, and Wagtail's
"Welcome to your new Wagtail site!" page replaced by the training root.

Wagtail creates them in its migrations; `flush` (between transactional tests, or an operator resetting the
database) removes them, and without a root page no curriculum can be added. Wagtail's migrations also add a
placeholder home page that the default site serves: on a fresh install /learn/ would greet with it.
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
    post_migrate.connect(
        replace_wagtail_welcome_page, sender=app_config, dispatch_uid="courses.replace_wagtail_welcome_page"
    )


WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"


def replace_wagtail_welcome_page(sender=None, **kwargs) -> None:
    """Serve the training root instead of Wagtail's untouched placeholder page, and remove the placeholder.

    Only a plain page with Wagtail's own title and no children is removed: one that an editor changed stays."""
    from wagtail.models import Page

    from courses.services import training_root_ensure

    welcome = Page.objects.filter(depth=2, title=WAGTAIL_WELCOME_TITLE, numchild=0).first()
    if welcome is None or welcome.specific_class is not Page:
        return
    training_root_ensure()
    welcome.delete()
