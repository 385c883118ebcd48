# The two commands: `make run` (set up and start the app) and `make test` (set up and run every check).
PYTHON ?= python3
# let Python keep compiled modules (__pycache__, git-ignored): every test worker, CLI subprocess and
# app server started by the tests would otherwise compile the whole package again
unexport PYTHONDONTWRITEBYTECODE
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST := $(BIN)/pytest -q
# tests run on every core (pytest-xdist); each worker builds its own template databases
PARALLEL ?= -n auto

.PHONY: run test install system-deps lint typecheck test-unit test-db test-ui test-fast test-e2e corpus clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(STAMP)

run: install
	$(BIN)/workbench db upgrade
	$(BIN)/workbench demo --if-empty
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port 8501 \
		--server.headless true --browser.gatherUsageStats false

system-deps:
	scripts/system_deps.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

test-unit: install
	$(PYTEST) $(PARALLEL) tests/unit

# Store and service tests run against SQLite and a throwaway PostgreSQL cluster on 127.0.0.1.
test-db: install system-deps
	scripts/with_postgres.sh $(PYTEST) $(PARALLEL) tests/integration

test-ui: install
	$(PYTEST) $(PARALLEL) tests/ui

# unit, integration and ui in one parallel run (one PostgreSQL cluster, the cores kept busy)
test-fast: install system-deps
	scripts/with_postgres.sh $(PYTEST) $(PARALLEL) tests/unit tests/integration tests/ui

# each worker runs whole files against its own running app and store
test-e2e: install system-deps
	$(PYTEST) $(PARALLEL) --dist loadfile tests/e2e

test: lint typecheck test-fast test-e2e

# Regenerate the sample corpus's .docx and .pdf studies from sample_corpus/sources/.
corpus: install
	$(BIN)/python sample_corpus/build_documents.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/e2e/artifacts
