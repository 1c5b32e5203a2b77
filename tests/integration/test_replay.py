"""Our WARCs replay in pywb, a real replay tool: the archived article comes back with its title and text.

pywb pulls ``brotlipy``, which clashes with the ``brotli`` package of the main
environment, so it lives in its own virtual environment (``.venv-replay`` at
the project root, or ``$NEWSARCHIVE_REPLAY_VENV``), created here if missing.
"""
from __future__ import annotations

import re
import socket
import subprocess
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import lxml.html
import pytest

from spiders.replica.process import stop_process
from tests.integration.archive_fixtures import demo_archive, newsarchive, stored_records
from tests.servers import free_port
from tests.servers.pywb import pywb_bin_dir

pytestmark = pytest.mark.integration
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_SPACE = re.compile(r"\s+")


@pytest.fixture(scope="session")
def pywb_bin() -> Path:
    return pywb_bin_dir()



def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"wayback exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"wayback did not answer on port {port}")


@pytest.fixture(scope="module")
def replay(pywb_bin, tmp_path_factory):
    """pywb serving two collections: ``news`` (the demo's WARCs) and ``single`` (one ``get --warc`` output)."""
    store = demo_archive(tmp_path_factory)
    root = tmp_path_factory.mktemp("pywb")
    record = next(r for r in stored_records(store) if r["outlet"] == "globalresearch")
    single = root / "single.warc.gz"
    got = newsarchive("get", record["url"], "--store", str(store), "--warc", str(single), cwd=root)
    assert got.returncode == 0, got.stderr.decode()
    warcs = sorted(str(p) for p in (store / "warc").rglob("*.warc.gz"))
    for collection, files in (("news", warcs), ("single", [str(single)])):
        subprocess.run([str(pywb_bin / "wb-manager"), "init", collection], cwd=root, check=True, capture_output=True)
        subprocess.run([str(pywb_bin / "wb-manager"), "add", collection, *files], cwd=root, check=True,
                       capture_output=True)
    port = free_port()
    log = root / "wayback.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(pywb_bin / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=root,
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    try:
        _wait_for(port, process, log)
        yield f"http://127.0.0.1:{port}", store, record
    finally:
        stop_process(process, timeout=10)


def timestamp(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


def replayed_text(base: str, collection: str, record: dict) -> str:
    # "mp_": the page itself as pywb rewrites it for replay (without the banner frame).
    address = f"{base}/{collection}/{timestamp(record['fetched_at'])}mp_/{record['url']}"
    with _NO_PROXY.open(address, timeout=30) as response:
        assert response.status == 200
        html = response.read()
    return _SPACE.sub(" ", lxml.html.fromstring(html).text_content())


def normalised(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def test_an_archived_article_of_every_outlet_replays_with_its_title_and_text(replay):
    base, store, _ = replay
    by_outlet = {}
    for record in stored_records(store):
        by_outlet.setdefault(record["outlet"], record)
    assert len(by_outlet) == 6
    for outlet, record in by_outlet.items():
        page = replayed_text(base, "news", record)
        assert normalised(record["title"]) in page, outlet
        paragraphs = [normalised(p) for p in record["text"].split("\n\n") if p.strip()]
        assert paragraphs[0] in page and paragraphs[-1] in page, outlet


def test_the_records_written_by_get_warc_replay_on_their_own(replay):
    base, _, record = replay
    page = replayed_text(base, "single", record)
    assert normalised(record["title"]) in page
    assert normalised(record["text"].split("\n\n")[0]) in page
