"""End to end: an outlet redesigns its site, the run says degraded and alerts, a rules fix and
``reextract`` repair the archive, and the next run is healthy. On a real Prefect server.

The replica serves Alwaght in a new theme from epoch 2 on (``spiders.replica.redesign``:
every class and id renamed, a new signup box inside the text). The runs go day by day
(``now``), each as the ``newsarchive`` flow, in this process, reporting to the session's
Prefect server. The fix is what a developer writes after reading the new markup: the
old rules version ends the day of the redesign, a new one starts it, its XPaths naming
the new theme's classes. It is put in the registry of this process, where extraction
runs (one worker).
"""
from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import threading
from datetime import timedelta
from http.server import ThreadingHTTPServer

import pytest
from prefect.logging.handlers import APILogWorker
from prefect.settings import PREFECT_API_URL, temporary_settings

import spiders.outlets as registry
from flows.archive import archive
from flows.health.drift import BASELINE, DEGRADED, HEALTHY
from flows.pipeline.reextract import ReextractRequest, reextract
from flows.records.jsonl import read_records
from spiders.replica.catalogue import BASE_TIME, EPOCH_LENGTH
from spiders.replica.redesign import MORE_CLASS, PROMO_CLASS, PROMO_TEXT, renamed
from storage.state import StateStore
from storage.workspace import workspace_for
from tests.quality.metric import score
from tests.servers import PROJECT_ROOT
from tests.servers.alerts import AlertReceiver, wait_for
from tests.servers.chromium import _screenshot_dir, render
from tests.servers.replica import running_replica

pytestmark = pytest.mark.integration

OUTLET = "alwaght"
REDESIGN_EPOCH = 2
PER_EPOCH = 12  # new articles a day: above the default [health] min_pages of 10
REDESIGN_DAY = (BASE_TIME + REDESIGN_EPOCH * EPOCH_LENGTH).date()


def _new_theme(xpath: str) -> str:
    """The XPath of the old rules for the same element in the new theme."""
    xpath = re.sub(r'" ([A-Za-z0-9_-]+) "', lambda m: f'" {renamed(m.group(1))} "', xpath)
    return re.sub(r'(contains\(@class, |@id=)"([A-Za-z0-9_-]+)"', lambda m: f'{m.group(1)}"{renamed(m.group(2))}"', xpath)


def _fixed_rules(outlet):
    """The rules a developer adds after the redesign: the old version ends, a new one begins."""
    *older, current = outlet.rules
    new = dataclasses.replace(
        current, valid_from=REDESIGN_DAY, valid_until=None,
        body_xpath=_new_theme(current.body_xpath) if current.body_xpath else None,
        prune_xpaths=tuple(_new_theme(x) for x in current.prune_xpaths)
        + (f'//*[contains(@class, "{PROMO_CLASS}") or contains(@class, "{MORE_CLASS}")]',),
        title_xpaths=tuple(_new_theme(x) for x in current.title_xpaths),
        author_xpaths=tuple(_new_theme(x) for x in current.author_xpaths),
        tag_xpaths=tuple(_new_theme(x) for x in current.tag_xpaths),
        section_xpaths=tuple(_new_theme(x) for x in current.section_xpaths),
        date_xpaths=tuple(_new_theme(x) for x in current.date_xpaths))
    return (*older, dataclasses.replace(current, valid_until=REDESIGN_DAY), new)


@pytest.fixture(scope="module")
def alerts(prefect_server):
    server = prefect_server.server
    webhook = ThreadingHTTPServer(("127.0.0.1", 0), AlertReceiver)
    threading.Thread(target=webhook.serve_forever, daemon=True).start()
    created = subprocess.run([sys.executable, "deploy/automations.py", "--allow-private",
                              "--webhook", f"http://127.0.0.1:{webhook.server_port}/alerts"],
                             cwd=PROJECT_ROOT, env=server.env(), capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    yield AlertReceiver.received
    webhook.shutdown()
    webhook.server_close()


def _run_day(epoch: int, store, server, max_articles: int = PER_EPOCH):
    with running_replica(PER_EPOCH * 2, epoch=epoch, new_per_epoch=PER_EPOCH,
                         redesigns={OUTLET: REDESIGN_EPOCH}) as replica, \
            temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        state = archive(outlets=[OUTLET], max_articles=max_articles, store=store.name, replica=replica.proxy_url,
                        delay=0, revisit_after_days=[], now=BASE_TIME + epoch * EPOCH_LENGTH + timedelta(hours=1),
                        return_state=True)
        APILogWorker.drain_all(timeout=10)  # the run's log lines reach the server before it may stop
    return state, state.result(raise_on_failure=False), replica.catalogue


def _health(store):
    with StateStore(workspace_for(str(store)).state_db) as state:
        return [row.verdict for row in reversed(state.health_history(OUTLET))]


def test_a_redesign_is_detected_alerted_repaired_from_the_warcs_and_the_next_run_is_healthy(
        prefect_server, alerts, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSARCHIVE_EXTRACT_WORKERS", "1")
    monkeypatch.chdir(tmp_path)  # the store is ./archive, as an operator's would be
    server = prefect_server.server
    store = tmp_path / "archive"

    # 1. The old design: the first run starts the baseline, the next is healthy.
    for epoch, verdict in ((0, BASELINE), (1, HEALTHY)):
        state, manifest, _ = _run_day(epoch, store, server, max_articles=PER_EPOCH * 2 if epoch == 0 else PER_EPOCH)
        assert state.is_completed(), state.message
        assert manifest["outlets"][OUTLET]["health"]["verdict"] == verdict

    # 2. The redesign: archived, but degraded, with the signal named and both values; the alert fires.
    state, manifest, catalogue = _run_day(REDESIGN_EPOCH, store, server)
    outcome = manifest["outlets"][OUTLET]
    assert state.is_failed() and outcome["new"] == PER_EPOCH and outcome["health"]["verdict"] == DEGRADED
    finding = f"container matched 0% of {PER_EPOCH} pages, baseline 100%"
    assert finding in outcome["degraded"] and finding in state.message
    # (the whole page's reader keeps the new theme's "more stories" box: the text grew)
    assert outcome["health"]["signals"]["words_median"] > outcome["health"]["baseline"]["words_median"]
    run_id = str(state.state_details.flow_run_id)
    [details] = [a for a in server.artifacts(run_id) if a["key"] == "archive-run-details"]
    assert "## Extraction health" in details["data"] and finding in details["data"]
    [outlet_run] = server.subflow_runs(run_id)
    alert = wait_for(lambda: next((a for a in alerts if outlet_run["id"] in a["body"]), None))
    assert alert, f"no alert for the degraded outlet run; received {alerts}"
    assert alert["subject"] == f"newsarchive: {OUTLET} Failed" and finding in alert["body"]
    text = render(f"{server.url}/artifacts/artifact/{details['id']}", _screenshot_dir(tmp_path) / "drift-degraded-artifact.png",
                  size="1600,1400")
    assert "DEGRADED" in text and finding in text

    # 3. The fix: a rules version from the redesign day; reextract repairs what was archived since.
    outlet = registry._BUILTIN[OUTLET]
    monkeypatch.setitem(registry._BUILTIN, OUTLET, dataclasses.replace(outlet, rules=_fixed_rules(outlet)))
    summary = reextract(ReextractRequest(OUTLET, str(store), start=REDESIGN_DAY))
    assert summary.pages == PER_EPOCH and summary.changed == PER_EPOCH and summary.unextracted == 0
    [records_key] = [f["key"] for f in summary.files if f["key"].startswith("articles/")]
    repaired = list(read_records((store / records_key).read_bytes()))
    truths = {t.url: t for t in catalogue.articles(OUTLET)}
    assert all(r["container_matched"] and r["diff"]["reason"] == "reextracted" and r["version"] == 2 for r in repaired)
    assert all(PROMO_TEXT not in r["text"] for r in repaired)
    quality = score((truths[r["canonical_url"]].body, r["text"]) for r in repaired)
    assert quality.precision >= 0.99 and quality.recall >= 0.99, quality
    assert reextract(ReextractRequest(OUTLET, str(store), start=REDESIGN_DAY)).changed == 0

    # 4. The next day, in the new design with the new rules: healthy again.
    state, manifest, _ = _run_day(REDESIGN_EPOCH + 1, store, server)
    assert state.is_completed(), state.message
    assert manifest["outlets"][OUTLET]["health"]["verdict"] == HEALTHY
    assert _health(store) == [BASELINE, HEALTHY, DEGRADED, HEALTHY]
