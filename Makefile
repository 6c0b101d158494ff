# The two commands a fresh clone needs: `make run` and `make test`.
#
# They install requirements/dev.txt: the runtime and the development tools (pytest,
# Playwright, ruff ...). A production host installs the runtime lock alone:
#   python3 -m venv .venv && .venv/bin/pip install --require-hashes -r requirements/runtime.txt
# Both locks are compiled from pyproject.toml by `make lock` (pip-tools, with hashes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORTAL_HOST ?= 127.0.0.1
PORTAL_PORT ?= 8000
export PORTAL_HOST PORTAL_PORT

# Customer pages are Jinja2 templates, the admin and the mails Django templates: djLint
# checks each set with its own profile (settings in pyproject.toml).
JINJA_TEMPLATES := $(wildcard */jinja2 */*/jinja2)
DJANGO_TEMPLATES := $(wildcard templates */templates */*/templates)

MESSAGES_IGNORE := --ignore='tests/*' --ignore='var/*' --ignore='docs/*' --ignore='static/*'

.PHONY: run test lint migrate seed messages bench bench-load lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

var:
	mkdir -p var/mail var/celery/queue var/celery/processed var/media var/static

migrate: $(VENV)/.installed | var
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@echo ""
	@echo "Portal:        http://$(PORTAL_HOST):$(PORTAL_PORT)/"
	@echo "Staff admin:   http://$(PORTAL_HOST):$(PORTAL_PORT)/admin/"
	@echo "Outgoing mail: var/mail/ (embedded default)"
	@echo "Ctrl-C stops web, worker and beat."
	@echo ""
	$(BIN)/honcho -f Procfile.dev start

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/djlint --check --profile=jinja $(JINJA_TEMPLATES)
	$(BIN)/djlint --lint --profile=jinja $(JINJA_TEMPLATES)
	$(BIN)/djlint --check --profile=django $(DJANGO_TEMPLATES)
	$(BIN)/djlint --lint --profile=django $(DJANGO_TEMPLATES)

test: lint | var
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Refresh every app's Dutch catalogue from the code, then compile (needs GNU gettext).
# portal's makemessages reads the Jinja2 templates with Jinja2's extractor for Babel.
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l nl --no-obsolete --no-location $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages -v0

bench: seed
	$(BIN)/python manage.py bench_cases $(CASES_BENCH_ARGS)
	$(BIN)/python manage.py bench_api $(API_BENCH_ARGS)
	$(BIN)/python manage.py bench_incidents $(INCIDENTS_BENCH_ARGS)
	$(BIN)/python manage.py bench_rendering $(RENDERING_BENCH_ARGS)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/bench.txt
	$(BIN)/python manage.py bench_blocklists $(BLOCKLIST_BENCH_ARGS)
	$(BIN)/python manage.py bench_inbound $(INBOUND_BENCH_ARGS)

# The customer pages and the admin case queue under wrk, side by side with django-helpdesk
# (installed into var/helpdesk/.venv on the first run). PostgreSQL only; needs wrk:
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load make bench-load
bench-load: $(VENV)/.installed
	$(BIN)/python manage.py bench_load $(LOAD_BENCH_ARGS)

# Recompile the locks after a change to the dependencies in pyproject.toml. Pins already
# in the locks are kept; `make lock LOCK_ARGS=--upgrade` (or `--upgrade-package NAME`)
# moves them. dev.txt is constrained by runtime.txt and bench.txt by dev.txt, so a package
# has one version in all three.
LOCK_VENV := .venv-lock
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	$(LOCK_ARGS)

$(LOCK_VENV)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet pip==26.3 pip-tools==7.7.0

lock: $(LOCK_VENV)/bin/pip-compile
	$(PIP_COMPILE) --output-file requirements/runtime.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements/runtime.txt \
		--output-file requirements/dev.txt pyproject.toml
	$(PIP_COMPILE) --extra bench --constraint requirements/dev.txt \
		--output-file requirements/bench.txt pyproject.toml

clean:
	rm -rf var
