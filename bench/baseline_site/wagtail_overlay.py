"""Settings of the bare `wagtail start` site in benchmarks: its own production settings, on the benchmark's
database engine with persistent connections, plain static storage (no collectstatic), served on 127.0.0.1.
Copied into the generated project as `<project>.settings.bench_overlay`."""

import os

import dj_database_url

from .production import *  # noqa: F403
from .production import STORAGES

DEBUG = False
SECRET_KEY = "bench-only-secret-key-" + "w" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["BASELINE_DATABASE_URL"], conn_max_age=600, conn_health_checks=True
    )
}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
