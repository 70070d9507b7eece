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

# The server the tests publish through; Debian's package, like Chromium.
NGINX ?= /usr/sbin/nginx

.PHONY: setup serve build test test-fast test-random validate schemas chromium nginx bench-build bench-widget bench-fuzz clean

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

# The publishing tests serve the built site through Debian's nginx with the configuration the
# build writes (tests/test_nginx.py); the tests start and stop their own, unprivileged instance.
nginx:
	@test -x $(NGINX) || { \
	  echo "Installing Debian's nginx for the publishing tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

# --dirty: each rebuild builds only the pages an edit changes (certkb/preview.py, Incremental).
serve: setup
	$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000 --livereload

build: setup
	$(BIN)/mkdocs build --strict --clean

# `make validate FORMAT=github` prints GitHub Actions annotations instead (the pull-request check);
# CONTENT_DIR=... validates another folder. Set on the command line only, never from the environment.
CONTENT_DIR = content
FORMAT      = text
validate: $(PY_STAMP)
	$(BIN)/python -m certkb validate $(CONTENT_DIR) --format $(FORMAT)

# Editors' JSON Schemas (schemas/*.schema.json), generated from the content model (certkb/models.py,
# certkb/pathway.py); commit the result. tests/test_schema.py fails while they are out of date.
schemas: $(PY_STAMP)
	$(BIN)/python -m certkb schema schemas

# Every test, lint, format and type check, on every core (pytest-xdist: tests that share a build, a
# browser visit or a Node process carry an xdist_group mark and run in one worker), in a fixed order.
# The pathway gates discover content/pathways/ (or the folder in CERTKB_CONTENT, e.g.
# `CERTKB_CONTENT=/tmp/x make test`) and are named after each pathway. PYTEST_ARGS adds options,
# e.g. make test PYTEST_ARGS="-k privacy" or PYTEST_ARGS="tests/test_a11y.py".
PYTEST_ARGS ?=
XDIST := -n auto --dist loadgroup
test: setup chromium nginx
	$(BIN)/python -m pytest $(XDIST) -p no:randomly $(PYTEST_ARGS)

# The inner loop: everything except the tests that launch Chromium (marked `browser`).
test-fast: setup
	$(BIN)/python -m pytest $(XDIST) -p no:randomly -m "not browser" $(PYTEST_ARGS)

# The same tests in a random order (pytest-randomly prints its seed; PYTEST_ARGS="--randomly-seed=N"
# runs that order again): no test may depend on another's leftovers.
test-random: setup chromium nginx
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# Benchmarks print figures and write a JSON record under benchmarks/results/. Pass options with
# BENCH_ARGS, e.g. make bench-build BENCH_ARGS="--sizes 200 2000" (opt-in: about half an hour on
# 2 cores), make bench-widget BENCH_ARGS="--baseline /path/to/main/site" (before and after, one run).
BENCH_ARGS ?=

bench-build: setup
	$(BIN)/python -m benchmarks.build $(BENCH_ARGS)

bench-widget: setup chromium
	$(BIN)/python -m benchmarks.widget $(BENCH_ARGS)

# The fuzz tests' hard cases (1 MB files and answers, deep nesting), timed side by side.
bench-fuzz: setup
	$(BIN)/python -m benchmarks.fuzz

clean:
	rm -rf site .pytest_cache .hypothesis  # Hypothesis keeps its examples in .pytest_cache/hypothesis
