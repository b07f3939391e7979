"""Wagtail page serving with its lookups cached: the site, the route from a URL path to a page, and whether any
page has a view restriction.

Wagtail looks each of them up on every page view (a bare `wagtail start` page pays for them too, on a tree one
page deep); on the curriculum's four levels that is five queries before the page's own. Here the page itself is
still read from the database by its id (one query: it must be the live row), everything else comes from the
cache while `PAGES_SCOPE` is unchanged. Any page saved (edited, published, unpublished), moved or deleted, and
any site saved or deleted, makes it stale (`connect_invalidation`); view restrictions have their own scope.
These are content entries (portal.cache): the same for every reader.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_unpublished, post_page_move

from portal.cache import cached, scope_invalidate

PAGES_SCOPE = "pages"
RESTRICTIONS_SCOPE = "page-view-restrictions"


def _site_for(request) -> Site | None:
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    return cached(f"wagtail-site:{hostname}:{port}", [PAGES_SCOPE], lambda: Site._find_for_request(request))


def _route_for(request, site: Site, path: str):
    """The route result of `path`: the live page from the database, found by the cached (model, id) of the path."""

    def find():
        result = Page.route_for_request(request, path)
        if result is None or result[1] or result[2] or not result[0].live:
            return None  # only plain page views are cached; anything else goes to Wagtail each time
        return (result[0]._meta.label_lower, result[0].pk)

    target = cached(f"wagtail-route:{site.pk}:{path}", [PAGES_SCOPE], find)
    if target is None:
        return None
    page = apps.get_model(target[0])._default_manager.filter(pk=target[1], live=True).first()
    if page is None:
        return None
    return (page, [], {})


def serve(request, path):
    """Wagtail's `serve`, given the site and route from the cache (the attributes Wagtail memoises them in)."""
    from wagtail import views as wagtail_views  # not at import: page models import this module

    site = _site_for(request)
    if site is not None:
        request._wagtail_site = site
        route = _route_for(request, site, path)
        if route is not None:
            request._wagtail_route_for_request = route
    return wagtail_views.serve(request, path)


def page_view_restrictions_exist() -> bool:
    return cached("wagtail-view-restrictions", [RESTRICTIONS_SCOPE], PageViewRestriction.objects.exists)


class CachedViewRestrictionsMixin:
    """For page models: no query for view restrictions while the site has none at all (the portal protects the
    curriculum by sign-in, not by Wagtail's restrictions); Wagtail's own lookup as soon as one exists."""

    def get_view_restrictions(self):
        if not page_view_restrictions_exist():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def _pages_changed(sender, instance=None, **kwargs):
    if sender is Site or isinstance(instance, Page):
        scope_invalidate(PAGES_SCOPE)


def _restrictions_changed(sender, **kwargs):
    scope_invalidate(RESTRICTIONS_SCOPE)


def connect_invalidation() -> None:
    for signal in (post_save, post_delete):
        # Every page model, the specific ones included: a receiver for all senders, kept cheap by its test.
        signal.connect(_pages_changed, dispatch_uid="portal.page_cache.pages")
        signal.connect(
            _restrictions_changed, sender=PageViewRestriction, dispatch_uid="portal.page_cache.pvr"
        )
    page_unpublished.connect(_pages_changed, dispatch_uid="portal.page_cache.unpublished")
    post_page_move.connect(_pages_changed, dispatch_uid="portal.page_cache.moved")
