# Seller Growth Toolkit — the commands a person needs. `make help` lists them.
#
#   make run    start the app on http://localhost:8501 with demo data (needs only python3)
#   make test   set up everything (venv, PostgreSQL 15, Chromium) and run every check
#
# GNU make. Every recipe runs in bash with -e -u -o pipefail, so any failing step fails the target.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON_BOOTSTRAP ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
PORT := 8501
PYTEST_ARGS ?=
BENCH_ARGS ?=

# Stamps record which requirements file the venv was last installed from; make compares timestamps,
# so packages are re-installed only when a requirements file changed.
RUN_STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev

# This machine's pip config names package indexes that lack some projects; pip then prints a harmless
# "Location ... is ignored" warning per package. Drop those lines, keep every other message.
PIP_INSTALL = $(PY) -m pip install -q --disable-pip-version-check
PIP_FILTER = 2> >(sed -u '/^WARNING: Location .* is ignored/d' >&2)

.PHONY: help venv venv-dev run jobs demo-data post-load test test-fast e2e lint format bench \
	system-deps system-deps-postgres clean clean-bench

help:  ## List the commands
	@echo "Seller Growth Toolkit"
	@echo
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: DATABASE_URL (default: SQLite at data/marketplace.db), PYTEST_ARGS, BENCH_ARGS"

# ---------------------------------------------------------------------------------------------------------
# Virtual environment

$(PY):
	@$(PYTHON_BOOTSTRAP) scripts/check_python.py
	$(PYTHON_BOOTSTRAP) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(PY)
	@echo "Installing runtime packages (requirements.txt) into $(VENV)…"
	$(PIP_INSTALL) -r requirements.txt $(PIP_FILTER)
	@touch $@

# requirements-dev.txt includes requirements.txt, so a dev install also satisfies the runtime stamp.
$(DEV_STAMP): requirements-dev.txt requirements.txt | $(PY)
	@echo "Installing runtime and test packages (requirements-dev.txt) into $(VENV)…"
	$(PIP_INSTALL) -r requirements-dev.txt $(PIP_FILTER)
	@touch $@ $(RUN_STAMP)

venv: $(RUN_STAMP)  ## Create .venv and install the runtime packages (only when requirements changed)

venv-dev: $(DEV_STAMP)  ## Create .venv and install runtime + test packages

# ---------------------------------------------------------------------------------------------------------
# Running the app

demo-data: venv  ## Migrate the database to the newest schema and load the demo data if it is empty
	@url="$$($(PY) scripts/database_url.py)"; \
	echo "Database: $$($(PY) scripts/database_url.py --masked)"; \
	$(PY) -m core.demo --database-url "$$url" --seed 42 --if-empty

# Work that must run once after the demo data is loaded and before the app starts: the morning jobs
# (market benchmarks, goal deadlines, opportunity alerts, listing scores, seller alerts, anomalies and the daily
# digest) and the operator roll-ups through the jobs runner, so today's periods are claimed and a second
# `make run` the same day skips them. A failure is reported but does not stop the app from starting.
post-load: demo-data
	@url="$$($(PY) scripts/database_url.py)"; \
	DATABASE_URL="$$url" $(PY) -m jobs run benchmarks goal-deadlines opportunity-alerts listing-scores rollups creator-pipeline \
		seller-alerts anomalies daily-digest \
		|| echo "warning: a morning job failed; pricing, market and admin pages may lack benchmarks, scores, roll-ups, alerts or the digest until it runs"

# scripts/serve.py is `streamlit run app.py --server.headless true --browser.gatherUsageStats false` started
# outside Streamlit's legacy pages/-folder mode, so a deep link as the first request opens its page.
run: post-load  ## Start the app on http://localhost:8501 with demo data (migrates and loads on first run)
	@echo
	@echo "  Seller Growth Toolkit: http://localhost:$(PORT)"
	@echo
	@echo "  Demo logins (development only):"
	@echo "    admin / admin-demo-pass   (operator)"
	@echo "    maya  / maya-demo-pass    (seller, thriving)"
	@echo "    noah  / noah-demo-pass    (seller, no first sale yet)"
	@echo "    dana  / dana-demo-pass    (seller, declining)"
	@echo
	@exec $(PY) scripts/serve.py --server.port $(PORT)

# ---------------------------------------------------------------------------------------------------------
# Checks

system-deps:  ## Install Debian's chromium and PostgreSQL 15 server if they are missing
	@scripts/ensure_system_packages.sh postgres chromium

system-deps-postgres:
	@scripts/ensure_system_packages.sh postgres

lint: venv-dev  ## ruff check + ruff format --check
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/lint-imports

format: venv-dev  ## Format the code and apply ruff's safe fixes
	$(RUFF) format .
	$(RUFF) check --fix .

# REQUIRE_POSTGRES=1 turns a missing PostgreSQL server into an error instead of skipped tests; the
# `pg_cluster` fixture in tests/conftest.py starts and stops a throw-away cluster for the run.
test: venv-dev system-deps lint  ## Everything CI runs: lint, all tests on SQLite + PostgreSQL, browser tests
	REQUIRE_POSTGRES=1 $(PY) -m pytest $(PYTEST_ARGS)

test-fast: venv-dev system-deps-postgres  ## All tests except the browser (e2e) ones
	REQUIRE_POSTGRES=1 $(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

e2e: venv-dev system-deps  ## Only the browser tests (Chromium against `streamlit run`)
	REQUIRE_POSTGRES=1 $(PY) -m pytest -m e2e $(PYTEST_ARGS)

jobs: post-load  ## Start the jobs runner (benchmarks daily 03:00, weekly digest Mondays 09:00, mail hourly)
	exec $(PY) -m jobs

bench: venv-dev system-deps-postgres  ## Time the hot paths on the large demo data set (args: BENCH_ARGS="--help")
	$(PY) -m tests.bench.run $(BENCH_ARGS)

# ---------------------------------------------------------------------------------------------------------
# Housekeeping

clean:  ## Remove data/, caches and test-output/ (keeps .venv and the benchmark data in .bench/)
	rm -rf data test-output .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -print0 | xargs -0 rm -rf

clean-bench:  ## Remove the benchmark data sets and results in .bench/
	rm -rf .bench
