"""The portal's only settings module: everything that differs between machines comes from the environment.

DJANGO_DEBUG=1 turns on development defaults; without it the settings are production settings and refuse to
start without DJANGO_SECRET_KEY. See README.md ("Configuration") for every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
TESTING = env_bool("PORTAL_TESTING")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is not 1.")
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 32

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "notifications",
    "courses",
    "assessments",
    "incentives",
    "events",
    "api",
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.usersessions",
    "captcha",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

SSO_OIDC_ENABLED = bool(os.environ.get("SSO_OIDC_SERVER_URL"))
if SSO_OIDC_ENABLED:
    INSTALLED_APPS.append("allauth.socialaccount.providers.openid_connect")

# DingTalk, Feishu and WeCom sign-in: the providers are always installed (their URLs exist), and each shows on
# the login page only when its SSO_<PLATFORM>_* settings below are set (portal.platforms.platform_configured).
INSTALLED_APPS += [
    "portal.platforms.providers.dingtalk",
    "portal.platforms.providers.feishu",
    "portal.platforms.providers.wecom",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portal.middleware.CachedAuthenticationMiddleware",
    "portal.db_routing.PrimaryAfterWriteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "portal.middleware.RequireMFAMiddleware",
    "portal.middleware.AdminAccessMiddleware",
    "portal.middleware.NotFoundPageMiddleware",
    "portal.middleware.SigningKeyMissingPageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

# The integration API (api/): its views set their own authentication, scopes and problem-detail errors, so
# nothing here changes the DRF views Wagtail has. The docs page's scripts come from the sidecar's static files
# (the portal may run without internet).
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": "Service portal integration API",
    "DESCRIPTION": (
        "Feeds the portal (roster, training records, QA evaluations, monthly KPIs) and reads its results "
        "(scores, Service Stars, payouts, certificates). Authenticate with `Authorization: Bearer <token>` "
        "of an API client; errors are RFC 9457 problem details."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "DEFAULT_GENERATOR_CLASS": "api.schema.ApiSchemaGenerator",
}
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.navigation",
                "notifications.context_processors.notification_bell",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in production and CI) or the embedded SQLite file.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
# Reports (the HR overview, exports, the API's reads) may read a streaming replica: docs/scaling.md.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
    # Tests never create or flush the replica: it copies the primary by itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.db_routing.ReplicaRouter"]
# How long after a reader's own write their reads stay on the primary (the replica lags by about a second).
PORTAL_REPLICA_PIN_SECONDS = int(os.environ.get("PORTAL_REPLICA_PIN_SECONDS", "15"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and a busy timeout stop "database is locked" under concurrent writers.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

AUTHENTICATION_BACKENDS = [
    "portal.auth_backends.PermissionsBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Simplified Chinese first, English one click away.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Development and tests serve static files from the app folders; production serves the collected, hashed set.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("PORTAL_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# The call list's own upload bound: a month of calls is about a million rows. Uploads above
# FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file, and the import runs as a background task.
QA_CALLS_UPLOAD_MAX_MB = int(os.environ.get("QA_CALLS_UPLOAD_MAX_MB", "512"))

# Cache: Redis when configured (needed for login throttling across processes), else local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Signed-in pages read the person, their permissions, menu and unread count, and the curriculum's routing from
# the cache, invalidated by the writes that change them (portal/cache.py). With Redis, sessions are read from it
# too (written through to the database, so they survive a Redis restart).
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work (certificate batches, reminders) through django-tasks' database backend.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("PORTAL_TASKS_IMMEDIATE", TESTING)
        else "django_tasks_db.DatabaseBackend"
    }
}

# Accounts: django-allauth. No public sign-up: HR creates or imports every account.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_ADAPTER = "portal.accounts.NoSignupAccountAdapter"
SOCIALACCOUNT_ADAPTER = "portal.accounts.RosterOnlySocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "employee_no"
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_FORMS = {"login": "portal.accounts.LoginForm"}
# Login throttling (README "Login throttling"): a per-address limit would refuse a whole office behind one NAT
# address, so addresses get no login limit at all. Five wrong passwords lock that one account for five
# minutes (allauth, per key), and repeated failures from one address make the login form there ask for a
# CAPTCHA (portal.login_throttle), which slows an attacker without refusing anyone's correct password.
ACCOUNT_RATE_LIMITS = {
    "login": "",
    "login_failed": "5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# Money and policy decisions ask for the password again when this session signed in longer ago than this.
PORTAL_STEP_UP_SECONDS = int(os.environ.get("PORTAL_STEP_UP_SECONDS", str(15 * 60)))
PORTAL_LOGIN_CAPTCHA_AFTER_FAILURES = int(os.environ.get("PORTAL_LOGIN_CAPTCHA_AFTER_FAILURES", "10"))
PORTAL_LOGIN_CAPTCHA_WINDOW = int(os.environ.get("PORTAL_LOGIN_CAPTCHA_WINDOW", str(15 * 60)))  # seconds
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[客服培训门户] "
# Every session is tracked so that deactivating a leaver (or "sign out everywhere") ends all of them at once.
USERSESSIONS_TRACK_ACTIVITY = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("PORTAL_MFA_ISSUER", "Service Portal")
# Roles that must have TOTP before they can use the portal (enforced by portal.middleware.RequireMFAMiddleware).
PORTAL_MFA_REQUIRED_ROLES = set(env_list("PORTAL_MFA_REQUIRED_ROLES", "hr,admin"))
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
if SSO_OIDC_ENABLED:
    SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": os.environ.get("SSO_OIDC_PROVIDER_ID", "corp"),
                    "name": os.environ.get("SSO_OIDC_NAME", "SSO"),
                    "client_id": os.environ.get("SSO_OIDC_CLIENT_ID", ""),
                    "secret": os.environ.get("SSO_OIDC_CLIENT_SECRET", ""),
                    "settings": {"server_url": os.environ["SSO_OIDC_SERVER_URL"]},
                }
            ],
        }
    }
# The OIDC claim that carries the employee number, matched against the roster (never e-mail or nickname).
SSO_OIDC_EMPLOYEE_CLAIM = os.environ.get("SSO_OIDC_EMPLOYEE_CLAIM", "employee_number")

# The company's own platforms (README "Single sign-on with DingTalk, Feishu and WeCom"). Each is switched on by
# its credentials alone; the *_BASE URLs are the platforms' real hosts and are changed only by the tests, which
# point them at fake servers on 127.0.0.1.
SSO_DINGTALK_CLIENT_ID = os.environ.get("SSO_DINGTALK_CLIENT_ID", "")  # the internal app's AppKey / Client ID
SSO_DINGTALK_CLIENT_SECRET = os.environ.get("SSO_DINGTALK_CLIENT_SECRET", "")
SSO_DINGTALK_CORP_ID = os.environ.get("SSO_DINGTALK_CORP_ID", "")
SSO_DINGTALK_AGENT_ID = os.environ.get("SSO_DINGTALK_AGENT_ID", "")  # needed for work notices only
SSO_DINGTALK_LOGIN_BASE = os.environ.get("SSO_DINGTALK_LOGIN_BASE", "https://login.dingtalk.com")
SSO_DINGTALK_API_BASE = os.environ.get("SSO_DINGTALK_API_BASE", "https://api.dingtalk.com")
SSO_DINGTALK_OAPI_BASE = os.environ.get("SSO_DINGTALK_OAPI_BASE", "https://oapi.dingtalk.com")
SSO_FEISHU_APP_ID = os.environ.get("SSO_FEISHU_APP_ID", "")
SSO_FEISHU_APP_SECRET = os.environ.get("SSO_FEISHU_APP_SECRET", "")
SSO_FEISHU_TENANT_KEY = os.environ.get("SSO_FEISHU_TENANT_KEY", "")
SSO_FEISHU_API_BASE = os.environ.get("SSO_FEISHU_API_BASE", "https://open.feishu.cn")
SSO_WECOM_CORP_ID = os.environ.get("SSO_WECOM_CORP_ID", "")
SSO_WECOM_AGENT_ID = os.environ.get("SSO_WECOM_AGENT_ID", "")
SSO_WECOM_SECRET = os.environ.get("SSO_WECOM_SECRET", "")
SSO_WECOM_API_BASE = os.environ.get("SSO_WECOM_API_BASE", "https://qyapi.weixin.qq.com")
SSO_WECOM_LOGIN_BASE = os.environ.get("SSO_WECOM_LOGIN_BASE", "https://login.work.weixin.qq.com")
SSO_WECOM_OAUTH_BASE = os.environ.get("SSO_WECOM_OAUTH_BASE", "https://open.weixin.qq.com")
# Platforms whose sign-in counts as the second factor for HR and admin (comma list, e.g. "dingtalk,wecom").
SSO_MFA_TRUSTED = set(env_list("SSO_MFA_TRUSTED"))
# Seconds: connecting to a platform, and waiting for its answer. Kept short: a page waits on them.
PLATFORM_HTTP_TIMEOUT = (3.05, float(os.environ.get("PLATFORM_HTTP_TIMEOUT", "10")))

# E-mail
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portal@example.com")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Wagtail
WAGTAIL_SITE_NAME = "客服培训与激励门户"
WAGTAILADMIN_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
PORTAL_BASE_URL = WAGTAILADMIN_BASE_URL
# Without PORTAL_BASE_URL, in development, printed verification addresses follow the address the page was asked on
# (runserver on any port); a background job, with no request, uses the default above.
PORTAL_BASE_URL_FROM_REQUEST = DEBUG and "PORTAL_BASE_URL" not in os.environ

# Events out (events/): webhooks go to https and public addresses only, unless this is a development machine,
# where http to localhost is allowed too. xAPI statements go to the organisation's LRS when XAPI_LRS_URL (the
# LRS endpoint, e.g. https://lrs.example.com/xAPI/) is set, with its Basic-auth key and secret.
WEBHOOKS_ALLOW_LOCAL_HTTP = env_bool("WEBHOOKS_ALLOW_LOCAL_HTTP", DEBUG)
XAPI_LRS_URL = os.environ.get("XAPI_LRS_URL", "")
XAPI_LRS_KEY = os.environ.get("XAPI_LRS_KEY", "")
XAPI_LRS_SECRET = os.environ.get("XAPI_LRS_SECRET", "")
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
# Substring matching, so that "心理" finds "客户心理学" on SQLite and PostgreSQL alike (courses/search_backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "courses.search_backend"}}
# No external avatar service (the CSP allows images from the portal only): Wagtail draws its default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Curriculum is published by trainers and HR, whose page permissions say who may publish; the portal has no
# group of Wagtail "Moderators", so Wagtail's approval workflow would only offer an English-named dead end.
WAGTAIL_WORKFLOW_ENABLED = False
# The "what's new" banner and editor guide link to wagtail.org, which the closed network does not reach.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = True

# Sessions and cookies
SESSION_COOKIE_AGE = int(os.environ.get("PORTAL_SESSION_AGE", str(12 * 3600)))  # absolute: one working day
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN

if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# allauth reads the client IP from REMOTE_ADDR unless told which proxy header to trust.
if os.environ.get("PORTAL_TRUSTED_PROXY_COUNT"):
    ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ["PORTAL_TRUSTED_PROXY_COUNT"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {"portal.auth": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

PORTAL_NAME = _("Service Training & Incentive Portal")

# The organisation's signing key for credentials and PDFs: files outside the database (and its dumps), made by
# `credentials_keygen`; `make run` makes one for development. See docs/deployment.md for a CA's certificate.
PORTAL_SIGNING_KEY_DIR = Path(os.environ.get("PORTAL_SIGNING_KEY_DIR", BASE_DIR / "var" / "signing"))
# The issuer of Open Badges credentials and the name in the signing certificate.
PORTAL_ISSUER_NAME = os.environ.get("PORTAL_ISSUER_NAME", WAGTAIL_SITE_NAME)
