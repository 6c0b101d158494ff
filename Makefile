# The two commands a fresh clone needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORTAL_HOST ?= 127.0.0.1
PORTAL_PORT ?= 8000
export PORTAL_HOST PORTAL_PORT

MESSAGES_IGNORE := --ignore='tests/*' --ignore='var/*' --ignore='docs/*' --ignore='static/*'

.PHONY: run test lint migrate seed messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
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
	$(BIN)/honcho start

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo

test: lint | var
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Refresh every app's Dutch catalogue from the code, then compile (needs GNU gettext).
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l nl --no-obsolete --no-location $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages -v0

bench: $(VENV)/.installed
	$(BIN)/python manage.py bench_cases $(CASES_BENCH_ARGS)
	$(BIN)/python manage.py bench_rendering $(RENDERING_BENCH_ARGS)
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	$(BIN)/python manage.py bench_blocklists $(BLOCKLIST_BENCH_ARGS)
	$(BIN)/python manage.py bench_inbound $(INBOUND_BENCH_ARGS)

clean:
	rm -rf var
