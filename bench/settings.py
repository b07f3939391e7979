"""Settings for benchmarks: the production settings, served over plain HTTP on 127.0.0.1.

What differs from production, and why: no HTTPS redirect and no Secure cookies (no TLS on 127.0.0.1), static
files without the manifest (no `collectstatic` needed), a fixed secret, persistent connections for SQLite too
(the figure of interest is the page's own cost), quiet logging, and the test client's host allowed.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "b" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ["DJANGO_DEBUG"] = "0"


def _redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    import socket

    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# Production runs with Redis (docs/scaling.md), so the benchmark does too when one answers on this machine: its
# own database number, emptied at the start of the pages benchmark (bench/pages.py says which cache it used).
if "REDIS_URL" not in os.environ and _redis_answers():
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/9"

from portal.settings import *  # noqa: E402,F403
from portal.settings import BASE_DIR, DATABASES, LOGGING, STORAGES  # noqa: E402

DEBUG = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
LOGGING = {
    **LOGGING,
    "root": {"handlers": ["console"], "level": "ERROR"},
    # A page that fails is reported in the results table; its traceback would drown the table.
    "loggers": {**LOGGING["loggers"], "django.request": {"handlers": ["console"], "level": "CRITICAL"}},
}
STATIC_ROOT = BASE_DIR / "bench" / "results" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
