"""Gunicorn settings for the portal: `gunicorn -c deploy/gunicorn.conf.py portal.wsgi`.

Every value can be overridden from the environment (or on the command line). Threaded workers (gthread): a
request is short and spends much of its time waiting for PostgreSQL (a commit waits for the disk), so threads
overlap those waits while one process per core (plus one) keeps the CPUs busy; slow clients are buffered by the
reverse proxy (nginx) in front. On 2 cores: 3 processes × 4 threads. Keep the database connections open
between requests (DJANGO_CONN_MAX_AGE, the default in portal/settings.py; one per thread): a new PostgreSQL
connection costs ~7 ms, which would cut a simple page's throughput by an order of magnitude.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() + 1)))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A PDF batch or an export may take a while; everything slower belongs in the task worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 2
# Recycle workers now and then so a leak in a library (WeasyPrint, fonts) cannot grow a process for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Load the application in each worker, not the master, so database connections are never shared by forks.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" logs to stdout
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# Behind a reverse proxy on the same host or network: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "portal"
