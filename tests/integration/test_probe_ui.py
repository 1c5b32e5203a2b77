"""The probe as a Prefect flow: its verdicts as an artifact on a real Prefect server, seen in
headless Chromium (``make screenshots`` writes ``docs/prefect-probe-artifact.png``)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.servers.chromium import _png_size, _screenshot_dir, render
from tests.integration.test_probe import SCENARIOS
from tests.servers import PROJECT_ROOT
from tests.servers.prefect import PrefectServer
from tests.servers.replica import running_replica

pytestmark = pytest.mark.integration

VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def probe_run():
    home = Path(tempfile.mkdtemp(prefix="newsarchive-probe-prefect-"))
    server = PrefectServer(home).start()
    try:
        with running_replica(20, faults=SCENARIOS) as replica:
            result = subprocess.run(
                [str(VENV_BIN / "newsarchive"), "probe", "--flow", "--json", "--proxy", replica.proxy_url,
                 "--delay", "0", "--timeout", "5"],
                cwd=PROJECT_ROOT, env=server.env(NEWSARCHIVE_CONTACT_URL="https://example.org/probe-contact"),
                capture_output=True, text=True, timeout=300)
        [run] = server.post("/flow_runs/filter", {"flows": {"name": {"any_": ["newsarchive-probe"]}}})
        yield server, run, result
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def test_the_probe_flow_fails_when_an_outlet_is_not_ready(probe_run):
    _, run, result = probe_run
    assert result.returncode == 1, result.stderr[-2000:]
    assert json.loads(result.stdout)["counts"] == {"ready": 1, "degraded": 2, "blocked": 2, "unreachable": 1}
    assert run["state_type"] == "FAILED" and "not every outlet is ready" in run["state"]["message"]


def test_the_ui_shows_the_probe_verdicts(probe_run, tmp_path):
    server, run, _ = probe_run
    artifacts = {a["key"]: a for a in server.artifacts(run["id"])}
    assert set(artifacts) >= {"probe-verdicts", "probe-details"}
    rows = json.loads(artifacts["probe-verdicts"]["data"])
    assert {row["outlet"]: row["verdict"] for row in rows} == {
        "globalresearch": "READY", "mondialisation": "UNREACHABLE", "southfront": "BLOCKED",
        "sputnik": "BLOCKED", "alwaght": "DEGRADED", "menafn": "DEGRADED"}
    assert "## MENAFN (http://menafn.com): degraded" in artifacts["probe-details"]["data"]

    shot = _screenshot_dir(tmp_path) / "prefect-probe-artifact.png"
    text = render(f"{server.url}/artifacts/artifact/{artifacts['probe-verdicts']['id']}", shot, size="1920,1000")
    assert "one verdict per outlet" in text
    for verdict in ("READY", "DEGRADED", "BLOCKED", "UNREACHABLE"):
        assert verdict in text
    assert "feed /home/rss/4?lid=1: HTTP 404" in text and "robots.txt forbids newsarchive" in text
    assert _png_size(shot) == (1920, 1000)
