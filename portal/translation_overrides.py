"""Wagtail admin strings the portal words its own way (发布 rather than 公开, and so on).

The portal's catalogue overrides Wagtail's for these; naming them here keeps `makemessages` from marking them
obsolete, since no portal source uses them otherwise. Nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

WAGTAIL_STRINGS = [
    gettext_noop("Published"),
    gettext_noop("Publish"),
    gettext_noop("Members"),
    ngettext_lazy("%(n)s member", "%(n)s members", 1),
    gettext_noop("Page types usage"),
    gettext_noop("Shortcuts"),
    gettext_noop("Search all pages…"),
    ngettext_lazy(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
        1,
    ),
]
