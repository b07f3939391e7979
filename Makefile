# The two commands of the README: `make run` (set up and serve the demo on SQLite) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages: WeasyPrint's pango and the HarfBuzz subsetter (without it a CJK PDF takes ~20 s), the CJK
# font, gettext for translations, poppler/zbar to check PDFs and QR codes in tests, Chromium for browser tests.
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext
TEST_DEBS := $(RUN_DEBS) poppler-utils zbar-tools chromium
DEV_ENV := DJANGO_DEBUG=1

.PHONY: replica-check run test setup sysdeps-run sysdeps-test lint format messages migrate demo totp bench loadtest prod-check clean vendor-js

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

sysdeps-run:
	@bash scripts/ensure-debs.sh $(RUN_DEBS)

sysdeps-test:
	@bash scripts/ensure-debs.sh $(TEST_DEBS)

messages: setup
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: setup
	$(DEV_ENV) $(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(DEV_ENV) $(PY) manage.py seed_demo

totp: setup
	@$(DEV_ENV) $(PY) manage.py demo_totp hr01

run: sysdeps-run setup messages demo
	@echo "Serving the portal at http://$(HOST):$(PORT)/ with its task worker (Ctrl-C stops both)"
	@# The worker runs what writes queue (month summaries, call imports, deliveries), as db_worker does in production.
	$(DEV_ENV) $(PY) manage.py db_worker --no-reload -v 0 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: sysdeps-test setup messages lint
	PORTAL_TESTING=1 $(PY) -m pytest -n 2 --dist loadfile -q $(PYTEST_ARGS)

# Benchmarks (not part of `make test`): SQLite by default, PostgreSQL with DATABASE_URL=postgres://...
# The first run generates a 10,000-staff company (a few minutes); later runs reuse it. BENCH_ARGS=--quick
# for a smoke run. Results: bench/results/latest.md (and JSON beside it).
BENCH_DEBS := $(RUN_DEBS) wrk
bench: setup
	@bash scripts/ensure-debs.sh $(BENCH_DEBS)
	$(PY) -m bench $(BENCH_ARGS)

# Exam-window load test against gunicorn + PostgreSQL on 127.0.0.1: 300, 600 then 1,000 learners until one fails,
# and the largest that holds (LOADTEST_ARGS="--users 300 --minutes 3" for one quick step).
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
loadtest: setup
	DATABASE_URL=$${DATABASE_URL:-$(LOADTEST_DATABASE_URL)} $(PY) -m loadtest $(LOADTEST_ARGS)

# A private PostgreSQL primary and streaming replica (initdb + pg_basebackup on free ports), the database router's
# tests against them, then both removed. Needs PostgreSQL's server binaries; not part of `make test`.
replica-check: setup
	bash scripts/replica-check.sh

prod-check: setup
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=prod-check-$$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9) \
	DJANGO_ALLOWED_HOSTS=portal.example.com $(PY) manage.py check --deploy --fail-level WARNING

# The DingTalk client script of the in-app sign-in, rebuilt from its npm package (the result is committed).
vendor-js:
	bash scripts/vendor-dingtalk-jsapi.sh

clean:
	rm -rf $(VENV) staticfiles
