# Two commands do everything on a fresh Debian machine with Python 3.11+ and Node:
#   make serve   set up, then serve the site on http://127.0.0.1:8000 with live reload
#   make test    set up, then run every test
# Everything is installed into .venv/ and node_modules/; nothing by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY_STAMP   := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CHROMIUM ?= /usr/bin/chromium
# MkDocs 1.6 prints a banner about its successor on every run; it is not ours to act on.
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test validate schemas chromium bench-build bench-widget clean

setup: $(PY_STAMP) $(NODE_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Browser tests drive Debian's Chromium; Playwright cannot download a browser here.
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

build: setup
	$(BIN)/mkdocs build --strict --clean

validate: $(PY_STAMP)
	$(BIN)/python -m certkb validate content

# Editors' JSON Schemas (schemas/*.schema.json), generated from the content model (certkb/models.py,
# certkb/pathway.py); commit the result. tests/test_schema.py fails while they are out of date.
schemas: $(PY_STAMP)
	$(BIN)/python -m certkb schema schemas

test: setup chromium
	$(BIN)/python -m pytest

# Benchmarks print figures and write a JSON record under benchmarks/results/. Pass options with
# BENCH_ARGS, e.g. make bench-build BENCH_ARGS="--sizes 200 2000" (opt-in: about half an hour on
# 2 cores), make bench-widget BENCH_ARGS="--baseline /path/to/main/site" (before and after, one run).
BENCH_ARGS ?=

bench-build: setup
	$(BIN)/python -m benchmarks.build $(BENCH_ARGS)

bench-widget: setup chromium
	$(BIN)/python -m benchmarks.widget $(BENCH_ARGS)

clean:
	rm -rf site .pytest_cache .hypothesis
