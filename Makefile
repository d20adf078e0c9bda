# `make run`: set up and serve the app with demo data (SQLite and a file broker by default).
# `make test`: set up and run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test processes (pytest-xdist): one per CPU by default; PYTEST_WORKERS=0 runs the suite in one
# process. The root conftest.py puts the reference data back after a transactional test's flush.
PYTEST_WORKERS ?= auto

.PHONY: run test lint format migrate demo messages clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: export DJANGO_DEBUG ?= 1
# honcho gives each process a PORT of its own, so links made by the worker need the web port here.
run: export TJSL_SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.run-deps
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_regions
	$(BIN)/python manage.py load_demo_data
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C stops the web server, worker and beat)"
	PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start

test: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=tjsl.test_settings
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(VENV)/.dev-deps
	cd $(CURDIR) && DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l id -l en --no-obsolete --ignore=.venv --ignore=var --ignore=bench
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
