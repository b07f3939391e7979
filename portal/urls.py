from captcha import views as captcha_views
from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from assessments.certificates import views as certificate_views
from incentives import views as incentive_views
from portal import page_cache, views
from portal.platforms import views as platform_views

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("me/", views.profile, name="me"),
        path("staff/", views.staff_directory, name="staff-directory"),
        path("staff/import/", views.StaffImportView.as_view(), name="staff-import"),
        path("import-mappings/", views.import_mappings, name="import-mappings"),
        path("staff/<str:employee_no>/", views.profile, name="profile"),
        path("staff/<str:employee_no>/invite/", views.staff_invite, name="staff-invite"),
    ],
    "portal",
)

urlpatterns = [
    # Every login goes through allauth (rate limits, MFA): the admin login pages redirect there.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The login form's CAPTCHA image, drawn and served by the portal itself. Only this route of captcha.urls:
    # its refresh view would let any anonymous GET create a challenge row, and audio is not configured.
    re_path(
        r"^accounts/captcha/image/(?P<key>\w+)/$",
        captcha_views.captcha_image,
        {"scale": 1},
        name="captcha-image",
    ),
    # Opened inside the DingTalk, Feishu or WeCom workbench: sign-in without a click.
    path("accounts/<str:platform>/inapp/", platform_views.inapp_sign_in, name="platform-inapp"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include(portal_patterns)),
    path("notifications/", include("notifications.urls")),
    path("courses/", include("courses.urls")),
    path("assessments/", include("assessments.urls")),
    path("incentives/", include("incentives.urls")),
    path("portal/webhooks/", include("events.urls")),
    path("", include("api.urls")),
    # Public verification of certificates and award letters (no login; the MFA middleware exempts /verify/).
    # Open Badges credentials: the verifier for a pasted or uploaded credential, and the stable addresses every
    # credential names (issuer, keys, status list, achievements). Before the token route, which would take them.
    path("verify/credential/", certificate_views.credential_verify, name="credential-verify"),
    path("verify/issuer/", views.credential_issuer, name="credential-issuer"),
    path("verify/keys/", views.credential_keys, name="credential-keys"),
    path("verify/keys/<str:kid>/", views.credential_key, name="credential-key"),
    path("verify/status/", certificate_views.credential_status_list, name="credential-status-list"),
    path(
        "verify/achievements/<str:kind>/",
        certificate_views.credential_achievement,
        name="credential-achievement",
    ),
    path("verify/<str:token>/", certificate_views.certificate_verify, name="certificate-verify"),
    path("verify/letter/<str:token>/", incentive_views.letter_verify, name="letter-verify"),
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False), name="root"),
    # Browsers ask for /favicon.ico before reading the page's icon link.
    path("favicon.ico", views.FaviconRedirectView.as_view()),
    # Curriculum pages (Wagtail) live under /learn/, served by Wagtail's own view with its site and route
    # lookups cached (portal.page_cache).
    path(
        "learn/",
        include(
            [
                *(p for p in wagtail_urls.urlpatterns if getattr(p, "name", "") != "wagtail_serve"),
                re_path(wagtail_urls.serve_pattern, page_cache.serve, name="wagtail_serve"),
            ]
        ),
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
