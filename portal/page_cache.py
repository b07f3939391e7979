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
from wagtail.models import Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import page_unpublished, post_page_move

from portal.cache import cached, scope_invalidate

PAGES_SCOPE = "pages"
RESTRICTIONS_SCOPE = "page-view-restrictions"


def _serve_entry(request, path: str) -> dict:
    """The request's site, the (model, id) its path routes to and whether any view restriction exists: one
    cache entry per host and path."""

    def find():
        site = Site._find_for_request(request)
        target = None
        if site is not None:
            request._wagtail_site = site
            result = Page.route_for_request(request, path)
            # Only plain page views are cached; anything else goes to Wagtail each time.
            if result is not None and not result[1] and not result[2] and result[0].live:
                target = (result[0]._meta.label_lower, result[0].pk)
        return {"site": site, "target": target, "restricted": PageViewRestriction.objects.exists()}

    hostname = split_domain_port(request._get_raw_host())[0]
    return cached(
        f"wagtail-serve:{hostname}:{request.get_port()}:{path}", [PAGES_SCOPE, RESTRICTIONS_SCOPE], find
    )


def serve(request, path):
    """Wagtail's `serve`, given the site and route from the cache (the attributes Wagtail memoises them in).
    The page itself is read by its id: the live row, as it is now."""
    from wagtail import views as wagtail_views  # not at import: page models import this module

    entry = _serve_entry(request, path)
    if entry["site"] is not None:
        request._wagtail_site = entry["site"]
    if entry["target"] is not None:
        label, pk = entry["target"]
        page = apps.get_model(label)._default_manager.filter(pk=pk, live=True).first()
        if page is not None:
            page._no_view_restrictions = not entry["restricted"]
            request._wagtail_route_for_request = (page, [], {})
    return wagtail_views.serve(request, path)


def page_view_restrictions_exist() -> bool:
    return cached("wagtail-view-restrictions", [RESTRICTIONS_SCOPE], PageViewRestriction.objects.exists)


class CachedViewRestrictionsMixin:
    """For page models: no query for view restrictions while the site has none at all (the portal protects the
    curriculum by sign-in, not by Wagtail's restrictions); Wagtail's own lookup as soon as one exists."""

    def get_view_restrictions(self):
        if getattr(self, "_no_view_restrictions", False) or not page_view_restrictions_exist():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def _pages_changed(sender, **kwargs):
    scope_invalidate(PAGES_SCOPE)


def _restrictions_changed(sender, **kwargs):
    scope_invalidate(RESTRICTIONS_SCOPE)


def connect_invalidation() -> None:
    # One receiver per page model (and Site), never one for all senders: a post_delete receiver for every model
    # would stop Django's fast bulk deletes everywhere (KPI replacement, score deletes).
    for signal in (post_save, post_delete):
        for model in {Page, Site, *get_page_models()}:
            signal.connect(
                _pages_changed, sender=model, dispatch_uid=f"portal.page_cache.{model._meta.label}"
            )
        signal.connect(
            _restrictions_changed, sender=PageViewRestriction, dispatch_uid="portal.page_cache.pvr"
        )
    page_unpublished.connect(_pages_changed, dispatch_uid="portal.page_cache.unpublished")
    post_page_move.connect(_pages_changed, dispatch_uid="portal.page_cache.moved")
