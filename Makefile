# Lantern — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint typecheck pytest bench bench-stats clean

$(BIN)/python:
	@echo "lantern: creating the virtual environment $(VENV) with $(PYTHON) (first run only)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "lantern: installing Lantern and about 55 packages into $(VENV); this usually takes 35-60 s, once"
	@$(BIN)/pip install --quiet -e .
	@touch $@
	@echo "lantern: installed"

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@echo "lantern: installing Lantern with its test tools into $(VENV); this usually takes 1-2 minutes, once"
	@$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

## run: create .venv, install Lantern, build the dashboard's chart asset and serve on a local SQLite file
run: $(STAMP) assets
	@echo "lantern: starting the server on ./lantern.db (Ctrl-C stops it); in another terminal, 'source $(VENV)/bin/activate' and then e.g. 'lantern shorten https://example.com'"
	@$(BIN)/lantern serve

NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The dashboard's chart library (uPlot, from npm) is copied into the static folder at install time:
# never committed, never loaded from a CDN. Without it the pages still draw server-side SVG charts.
VENDOR := tracking/web/dashboard/static/vendor
UPLOT := node_modules/uplot/dist

## assets: copy the dashboard's chart library from node_modules into its static folder
.PHONY: assets
assets: $(VENDOR)/uPlot.iife.min.js $(VENDOR)/uPlot.min.css

$(VENDOR)/%: $(NODE_STAMP)
	mkdir -p $(VENDOR)
	cp $(UPLOT)/$* $@

# Debian's Chromium drives the dashboard's browser tests (Playwright's own download is not used).
/usr/bin/chromium:
	apt-get install -y -qq chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

## test: install what the tests need (Python and the npm emulators), then ruff, mypy and pytest
test: $(TEST_STAMP) $(NODE_STAMP) assets /usr/bin/chromium lint typecheck pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

pytest: $(TEST_STAMP) $(NODE_STAMP) assets /usr/bin/chromium
	$(BIN)/pytest

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

/usr/bin/wrk:
	apt-get install -y -qq wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)

## bench: redirect, stats and memory benchmarks (about 10 minutes), written to docs/benchmarks.md
bench: $(BENCH_STAMP) /usr/bin/wrk
	$(BIN)/python -m bench.run_all

## drills: reliability and security drills (kill -9, SIGTERM, races, hostile input, forgeries, migrations),
## about 10 minutes, written to docs/reliability.md; fails if any drill fails
.PHONY: drills
drills: $(BENCH_STAMP)
	$(BIN)/python -m drills.run_all

## bench-stats: only the stats latency at 10 thousand and 10 million visits
bench-stats: $(BENCH_STAMP)
	$(BIN)/python -m bench.stats_bench

## messages: extract every translatable text into tracking/locale/lantern.pot (translators start from it)
.PHONY: messages
messages: $(TEST_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k pgettext:1c,2 -o tracking/locale/lantern.pot tracking bot lantern

clean:

	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache lantern.db lantern.db-*

