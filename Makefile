# `make run` serves the site on a laptop; `make test` runs every check CI runs.
# Both set themselves up on a fresh machine (only Python 3.11+ needed).

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py

.DEFAULT_GOAL := help
.PHONY: help run test lint format serve migrate content superuser clean e2e-deps messages css

help:
	@echo "make run      serve the site on http://127.0.0.1:$(PORT) (SQLite, no Redis needed)"
	@echo "make test     lint, checks and the whole test suite"
	@echo "make serve    production stack from the environment: gunicorn, Celery worker and beat"
	@echo "make lint     ruff check and format check"
	@echo "make format   apply ruff's fixes and formatting"
	@echo "make css      rebuild the stylesheet bundles after editing site.css or a template's classes"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# XStatic-Bootstrap only ships a source package; see requirements-build.txt.
$(VENV)/.installed: $(PY) requirements-build.txt requirements.txt
	$(PY) -m pip install --quiet -r requirements-build.txt
	$(PY) -m pip install --quiet --no-build-isolation -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --no-build-isolation -r requirements-dev.txt
	touch $@

# The translations: locale/<code>/LC_MESSAGES/django.po is committed, the compiled .mo is built
# here (gettext's msgfmt; installed when missing and root, as for chromium). .venv holds Django's
# own catalogs, already compiled, so it is left out.
messages: export DEBUG ?= true
messages: $(VENV)/.installed
	@if ! command -v msgfmt >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
	  else \
	    echo "The translations need gettext's msgfmt: sudo apt-get install gettext" >&2; exit 1; \
	  fi; \
	fi
	$(MANAGE) compilemessages --ignore "$(VENV)" --ignore node_modules

# The embedded laptop defaults: DEBUG on, SQLite, tasks in-process, emails on the console.
# PORT reaches the settings, so the links in emails point at this port (SITE_URL's default).
run: export DEBUG ?= true
run: export PORT := $(PORT)
run: $(VENV)/.installed messages
	$(MANAGE) migrate --no-input
	$(MAKE) --no-print-directory content
	@echo
	@echo "  Serving on http://127.0.0.1:$(PORT)/  (staff admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  To make a staff account: DEBUG=true $(MANAGE) createsuperuser"
	@echo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

content: $(VENV)/.installed
	$(MANAGE) load_initial_content

superuser: export DEBUG ?= true
superuser: $(VENV)/.installed
	$(MANAGE) createsuperuser

# The browser tests (e2e/) drive Debian's chromium and inject axe-core from npm
# (package.json). Installed here when missing: chromium needs root (apt-get).
# Without root (a laptop), a missing tool is a warning and the browser tests skip with a
# reason; in CI (CI=true) it is a failure.
e2e-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  elif [ -n "$$CI" ]; then \
	    echo "The browser tests need Debian's chromium: apt-get install chromium" >&2; exit 1; \
	  else \
	    echo "Note: browser tests will be skipped; install Debian's chromium (sudo apt-get install chromium)." >&2; \
	  fi; \
	fi
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
	fi
	@if command -v npm >/dev/null; then \
	  $(MAKE) --no-print-directory node_modules/.package-lock.json; \
	elif [ -n "$$CI" ]; then \
	  echo "The browser tests need npm (for axe-core): apt-get install npm" >&2; exit 1; \
	else \
	  echo "Note: accessibility checks will be skipped; install npm (sudo apt-get install npm)." >&2; \
	fi

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Each group of pages loads one stylesheet: the Bootstrap rules its templates use (PurgeCSS, from
# npm) and site.css. The bundles in static/css/bundles/ are committed, so `make run` needs no Node;
# rebuild them here after editing site.css or the classes in a template (a test fails until then).
css: export DEBUG ?= true
css: $(VENV)/.installed node_modules/.package-lock.json
	$(MANAGE) build_css

# Tests run against DATABASE_URL and REDIS_URL when they are set (CI sets both).
test: export DEBUG ?= true
test: $(VENV)/.installed-dev e2e-deps messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The production stack on one machine. Reads the environment (or .env); see README.md.
serve: $(VENV)/.installed messages
	$(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) migrate --no-input
	$(MANAGE) collectstatic --no-input
	$(MANAGE) load_initial_content
	$(BIN)/honcho start -f Procfile

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# On-demand benchmarks, never part of `make test`: each needs the local PostgreSQL and Redis,
# uses its own database and Redis number, and rewrites its section of bench/RESULTS.md.
.PHONY: bench
# Every script in turn (bench/lcp.py when it is there), then every goal of bench/RESULTS.md;
# the summary marks the sections this run did not rewrite. A failed script does not stop the
# others; the target fails at the end, after the summary.
BENCH_SCRIPTS := article_page consultation_posts submit_to_email admin_list scheduling \
	$(if $(wildcard bench/lcp.py),lcp)
bench: BENCH_STARTED := $(shell date -u '+%Y-%m-%d %H:%M')
bench: $(VENV)/.installed-dev e2e-deps
	@failed=""; for script in $(BENCH_SCRIPTS); do \
	  echo "== bench.$$script"; $(PY) -m bench.$$script || failed="$$failed $$script"; \
	done; \
	$(PY) -m bench.summary --since "$(BENCH_STARTED)"; \
	if [ -n "$$failed" ]; then echo "These benchmarks failed:$$failed" >&2; exit 1; fi
