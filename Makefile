# Two commands do all the set-up: `make serve` and `make test`.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
PORT ?= 8000

.PHONY: serve test quick lint install

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

JS_CLIENT := tests/clients/js

$(JS_CLIENT)/node_modules/.installed: $(JS_CLIENT)/package-lock.json
	cd $(JS_CLIENT) && npm ci --silent --no-audit --no-fund
	touch $@

install: $(VENV)/.installed

# Serve the API on http://127.0.0.1:$(PORT) with SQLite, after migrating and printing a fresh API key, with
# the webhook worker beside it (stopped with the server). Webhooks may be delivered to this machine.
serve: export DJANGO_DEBUG = 1
serve: export WCOMPAT_ALLOW_INSECURE_KEY_AUTH = 1
serve: export WCOMPAT_WEBHOOK_ALLOW_PRIVATE_URLS = 1
serve: install
	$(PYTHON) manage.py migrate --no-input
	@echo "Development API key (Basic auth or query-string keys are accepted over plain HTTP here):"
	@$(PYTHON) manage.py create_api_key --user dev --permissions read_write --json
	@echo "Webhook worker started (python manage.py run_worker); it stops with the server."
	@$(PYTHON) manage.py run_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(PYTHON) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Everything but the slow tests (live servers, gunicorn, schemathesis, the browser, the official clients),
# on SQLite, on both cores: under 20 seconds.
quick: export DJANGO_SETTINGS_MODULE = config.settings.test
quick: install
	$(VENV)/bin/pytest -q -m "not slow" -n 2

# The whole test suite, with the checks CI runs first.
test: export DJANGO_SETTINGS_MODULE = config.settings.test
test: install $(JS_CLIENT)/node_modules/.installed lint
	$(PYTHON) manage.py check
	$(PYTHON) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  dir=$$(mktemp -d /tmp/wcompat-pg.XXXXXX); \
	  url=$$(scripts/throwaway-postgres $$dir --fast) || exit 1; \
	  echo "== The whole suite again, on PostgreSQL"; \
	  DATABASE_URL=$$url $(VENV)/bin/pytest; status=$$?; \
	  scripts/throwaway-postgres $$dir --stop; exit $$status; \
	else \
	  echo "== PostgreSQL is not installed (apt-get install postgresql): the suite ran on SQLite only"; \
	fi
