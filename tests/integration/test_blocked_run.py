"""A bot challenge served with status 200 in the middle of a crawl: kept in the WARC as served,
never an article record, and the outlet reports blocked with the evidence (and fails)."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from flows.orchestration.artifacts import _details, _table
from spiders.replica.catalogue import Replica
from spiders.urls import canonical_url
from tests.servers.replica import running_replica

pytestmark = pytest.mark.integration

ARTICLES = 5
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def blocked_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("blocked")
    truths = [t for t in Replica(ARTICLES, seed=1).articles("southfront") if t.status == 200]
    challenged = truths[2]
    fault = f"southfront.press{urlsplit(challenged.url).path}=challenge:status=200"
    env = {**os.environ, "PREFECT_HOME": str(work / ".prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with running_replica(ARTICLES, faults=[fault]) as replica:
        result = subprocess.run(
            [str(VENV_BIN / "newsarchive"), "run", "--outlets", "southfront", "--store", str(work / "archive"),
             "--proxy", replica.proxy_url, "--delay", "0", "--max-articles", str(ARTICLES)],
            cwd=work, env=env, capture_output=True, text=True, timeout=600)
    store = work / "archive"
    [manifest] = [json.loads(p.read_text()) for p in (store / "manifests").glob("*.json")]
    return result, manifest, store, challenged, truths


def test_the_challenge_becomes_no_article_record(blocked_run):
    _, manifest, store, challenged, truths = blocked_run
    records = [json.loads(line) for path in store.rglob("articles/*/*/*/*/*.jsonl.gz")
               for line in gzip.decompress(path.read_bytes()).splitlines()]
    archived = {r["canonical_url"] for r in records}
    assert canonical_url(challenged.url) not in archived
    assert archived == {canonical_url(t.url) for t in truths} - {canonical_url(challenged.url)}
    assert manifest["outlets"]["southfront"]["new"] == ARTICLES - 1


def test_the_challenge_stays_in_the_warc_as_served(blocked_run):
    _, _, store, challenged, _ = blocked_run
    served = []
    for warc in store.rglob("warc/southfront/**/*.warc.gz"):
        with open(warc, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response" and urlsplit(record.rec_headers.get_header("WARC-Target-URI")).path \
                        == urlsplit(challenged.url).path:
                    served.append((record.http_headers.get_statuscode(), record.content_stream().read()))
    assert served and served[0][0] == "200" and b"/cdn-cgi/challenge-platform/" in served[0][1]


def test_the_outlet_reports_blocked_with_the_evidence(blocked_run):
    result, manifest, _, challenged, _ = blocked_run
    counts = manifest["outlets"]["southfront"]
    assert counts["blocked"] == 1
    [block] = counts["blocks"]
    assert (block["status"], block["server"]) == (200, "cloudflare")
    assert urlsplit(block["url"]).path == urlsplit(challenged.url).path and "challenge" in block["marker"].lower()
    assert counts["error"].startswith("blocked: HTTP 200, server cloudflare")
    # the run fails (so does the outlet's subflow: the failure alert fires), and says why
    assert result.returncode == 1
    assert "newsarchive: error: southfront: blocked: HTTP 200" in result.stderr
    assert "blocked" in result.stdout  # the summary table's column
    [row] = _table(manifest)
    assert row["blocked"] == 1 and row["status"].startswith("BLOCKED: blocked: HTTP 200")
    assert "## Blocked" in _details(manifest) and block["url"] in _details(manifest)
