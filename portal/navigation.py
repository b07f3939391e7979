"""Menus and home-page panels that each app registers at start-up (in its AppConfig.ready).

The people app owns the layout; courses, assessments and incentives add their entries without the people app
importing them (imports stay one-way).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavItem:
    label: str  # a lazy translation
    url_name: str
    roles: frozenset[str] | None = None  # None: everyone signed in
    order: int = 50
    permission: str | None = None


@dataclass(frozen=True)
class HomePanel:
    """A block of a role's home page: `render(request) -> dict | None` gives its template context, or None to hide."""

    template: str
    render: Callable
    roles: frozenset[str] | None = None
    order: int = 50
    # `cache_scopes(user) -> [scope, ...]`: the panel is kept, rendered, in the shared cache until one of these
    # scopes (or the person's own) is replaced, and for the day only (due dates, this month).
    cache_scopes: Callable | None = None


@dataclass
class _Registry:
    nav: list[NavItem] = field(default_factory=list)
    panels: list[HomePanel] = field(default_factory=list)


registry = _Registry()


def register_nav(label, url_name: str, *, roles=None, order: int = 50, permission: str | None = None) -> None:
    if any(item.url_name == url_name for item in registry.nav):
        return
    registry.nav.append(NavItem(label, url_name, frozenset(roles) if roles else None, order, permission))
    registry.nav.sort(key=lambda item: item.order)


def register_home_panel(
    template: str, render: Callable, *, roles=None, order: int = 50, cache_scopes: Callable | None = None
) -> None:
    if any(panel.template == template for panel in registry.panels):
        return
    registry.panels.append(
        HomePanel(template, render, frozenset(roles) if roles else None, order, cache_scopes)
    )
    registry.panels.sort(key=lambda panel: panel.order)


def _allowed(user, roles, permission=None) -> bool:
    if roles is not None and not (user.is_superuser or user.role in roles):
        return False
    return permission is None or user.has_perm(permission)


# Roles for whom an entry is part of their own day (learning, scores, awards) rather than work on others' data.
_PERSONAL_ROLES = frozenset({"new_hire", "agent"})


@lru_cache(maxsize=256)
def _menu_url(url_name: str, script_prefix: str, urlconf) -> str | None:
    """A menu entry's URL, worked out once per process: it depends only on the URL configuration and the
    prefix the site is served under, both in the key. None when this build has no such page."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def nav_for(user) -> list[dict]:
    """Menu entries the user may open. `section` is "me" for entries everyone has (own training, scores,
    awards) and "work" for entries tied to a role or permission (team, reports, HR tools), which the layout
    groups in a second menu so that HR's long list does not bury the personal entries."""
    items = []
    for item in registry.nav:
        if not _allowed(user, item.roles, item.permission):
            continue
        url = _menu_url(item.url_name, get_script_prefix(), get_urlconf(settings.ROOT_URLCONF))
        if url is None:
            continue
        personal = item.permission is None and (item.roles is None or bool(item.roles & _PERSONAL_ROLES))
        items.append(
            {"label": item.label, "url": url, "name": item.url_name, "section": "me" if personal else "work"}
        )
    return items


def home_panels_for(request) -> list[dict]:
    """The home page's panels for the signed-in person: each as its template and context, or as HTML when the
    panel is cached (`HomePanel.cache_scopes`)."""
    from django.template.loader import render_to_string
    from django.utils import timezone
    from django.utils.translation import get_language

    from portal.cache import PEOPLE_SCOPE, cached, person_scope

    user = request.user
    panels = []
    for panel in registry.panels:
        if not _allowed(user, panel.roles):
            continue
        if panel.cache_scopes is None:
            context = panel.render(request)
            if context is not None:
                panels.append({"template": panel.template, "context": context})
            continue

        def rendered(panel=panel) -> str:
            context = panel.render(request)
            return "" if context is None else render_to_string(panel.template, {"panel": context}, request)

        html = cached(
            f"home-panel:{panel.template}:{get_language()}:{user.pk}:{timezone.localdate()}",
            [person_scope(user.pk), PEOPLE_SCOPE, *panel.cache_scopes(user)],
            rendered,
            personal=True,
        )
        if html:
            panels.append({"template": panel.template, "html": html})
    return panels
