# newsarchive: `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Prefect keeps its database and settings inside the project, and sends no telemetry.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install install-test install-replay test-tools lint-imports demo serve test test-reliability screenshots eval golden bench clean

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

# pywb, the replay tool the replay test drives, in its own venv: it pulls brotlipy,
# which must not shadow the brotli package of the main venv.
REPLAY_VENV := .venv-replay
$(REPLAY_VENV)/bin/wayback:
	$(PYTHON) -m venv $(REPLAY_VENV)
	$(REPLAY_VENV)/bin/python -m pip install --quiet pywb==2.10.0
install-replay: $(REPLAY_VENV)/bin/wayback

## One full archive pass over the offline replica of the six outlets into ./archive
demo: install
	$(VENV)/bin/newsarchive demo --store ./archive

## The whole test suite, after the import contracts of pyproject.toml
test: install-test install-replay test-tools lint-imports
	$(PY) -m pytest -q

## The import rules (layers flows -> spiders -> storage, no product import of tests, no circles)
lint-imports: install-test
	$(VENV)/bin/lint-imports --no-cache

## Only the reliability suite (hostile servers, crash trials, S3 faults, security, config); part of `make test`
test-reliability: install-test
	$(PY) -m pytest -q tests/reliability

# Debian packages the Prefect UI and deploy tests use: headless Chromium and docker-compose (v1, offline `config`).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
test-tools:
	@command -v chromium >/dev/null && command -v docker-compose >/dev/null || \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium docker-compose >/dev/null || \
	  { $(SUDO) apt-get update -q >/dev/null && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium docker-compose >/dev/null; }

## A local Prefect server, the deployments of deploy/prefect.yaml and a worker (UI on http://127.0.0.1:4200)
serve: install
	PY=$(PY) deploy/serve.sh

## Regenerate the screenshots in docs/ (headless Chromium): the Prefect UI, the probe's artifact and the web app
screenshots: install-test install-replay test-tools
	NEWSARCHIVE_SCREENSHOT_DIR=docs $(PY) -m pytest -q tests/integration/test_prefect_ui.py tests/integration/test_probe_ui.py tests/integration/test_web.py tests/integration/test_drift.py

## Extraction quality in one run: ours beside plain trafilatura (ScrapingHub set and WCXB test articles, or BENCHMARK=DIR),
## beside plain htmldate on dates (DATES=DIR in htmldate's layout; default: the outlet captures),
## and per outlet on the replica, also with generated furniture of an unseen epoch (EPOCH=N to repeat one)
eval: install-test
	$(PY) -m tests.quality.evaluate $(if $(BENCHMARK),--benchmark $(BENCHMARK)) $(if $(DATES),--dates $(DATES)) $(if $(EPOCH),--furniture-epoch $(EPOCH))

## Regenerate the golden files (review the diff before committing)
golden: install-test
	$(PY) -m tests.quality.golden_tool

## Benchmarks, each figure beside its baseline; SCALE=small is the quick variant (JSON in bench/results/)
SCALE ?= full
bench: install-test
	$(PY) -m bench --scale $(SCALE)

clean:
	rm -rf archive .newsarchive .prefect .pytest_cache
