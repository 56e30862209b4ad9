# netweave: `make run` serves the app on SQLite, `make test` runs the whole test suite.
# Both set up everything they need (a virtualenv in .venv, and Chromium for browser tests).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `make test` runs the suite on SQLite and then on this PostgreSQL; empty it to skip PostgreSQL.
TEST_POSTGRES_URL ?= postgresql://127.0.0.1:5432/test

.PHONY: run test lint bench clean

$(VENV)/.run-deps: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: $(VENV)/.run-deps
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.run-deps
	$(BIN)/netweave serve

test: $(VENV)/.test-deps
	scripts/ensure-system-packages
	$(BIN)/ruff check src tests bench scripts
	TEST_POSTGRES_URL='$(TEST_POSTGRES_URL)' $(BIN)/python scripts/run_tests.py

lint: $(VENV)/.test-deps
	$(BIN)/ruff check src tests bench scripts

clean:
	rm -rf $(VENV) var test-artifacts
