# deepgrade: the README's two commands are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.deepgrade-installed

.PHONY: demo test lint install bwrap chromium clean assignments bench

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# torch first: the CPU build lies on this machine's disk; an unpinned torch pulls a CUDA build.
	$(BIN)/pip install torch==2.13.0

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Bubblewrap is the grader's sandbox (capsh, from libcap2-bin, simulates containers in tests/sandbox/test_modes.py,
# which also runs an unprivileged user's grader on Debian's python3 + venv); install them when missing and we may.
bwrap:
	@{ command -v bwrap && command -v capsh && /usr/bin/python3 -c 'import ensurepip'; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap libcap2-bin python3 python3-venv) \
	      || echo "warning: could not install bubblewrap; grading runs with fewer protections"; \
	  else echo "warning: bubblewrap missing; grading runs with fewer protections"; fi; }

# Headless Chromium renders the HTML reports in their tests; install it when missing and we may (root + apt).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	      || echo "warning: could not install chromium; the HTML report tests will fail"; \
	  else echo "warning: chromium missing; the HTML report tests will fail (apt-get install chromium)"; fi; }

lint: install
	$(BIN)/ruff check .

test: install bwrap chromium
	$(BIN)/ruff check .
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q

demo: install bwrap
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/deepgrade demo

assignments: install
	$(BIN)/deepgrade generate-defaults

bench: install
	$(BIN)/python bench/reference.py
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/sandbox.py
	$(BIN)/python bench/grading.py

clean:
	rm -rf $(VENV) build *.egg-info
