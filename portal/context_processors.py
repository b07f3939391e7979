from django.conf import settings

from portal.navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": nav_for(user) if user is not None and user.is_authenticated else [],
        "portal_name": settings.PORTAL_NAME,
    }
