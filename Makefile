# newsarchive: `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Prefect keeps its database and settings inside the project, and sends no telemetry.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install install-test demo test eval golden bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## One full archive pass over the offline replica of the six outlets into ./archive
demo: install
	$(VENV)/bin/newsarchive demo --store ./archive

## The whole test suite
test: install-test
	$(PY) -m pytest -q

## Extraction quality: ours beside plain trafilatura (ScrapingHub set) and per outlet on the replica
eval: install-test
	$(PY) -m flows.evaluate

## Regenerate the golden files (review the diff before committing)
golden: install-test
	$(PY) -m tests.golden_tool

clean:
	rm -rf archive .newsarchive .prefect .pytest_cache
