"""Three archive runs over the replica, shared by the incremental, revisit and history tests.

Run 1 archives three outlets at epoch 0; run 2, ten minutes later, finds
nothing new; run 3, forty days later, meets the replica at epoch 3 (new
articles, ~2% edited and ~1% removed per epoch) with every archived article
due for its 30-day revisit. The runs go through the real flow in one
subprocess (one temporary Prefect server for all three), with the run clock
set by ``now``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from spiders.replica.catalogue import Replica
from tests.servers import PROJECT_ROOT
from tests.servers.replica import running_replica

OUTLETS = ["southfront", "sputnik", "menafn"]
ARTICLES = 40
LATER_EPOCH = 3
CLOCKS = ["2026-11-20T13:00:00+00:00", "2026-11-20T13:10:00+00:00", "2026-12-30T13:00:00+00:00"]


@dataclass
class Scenario:
    store: Path
    manifests: list[dict]  # one per run, in order
    before: Replica  # epoch 0
    after: Replica  # epoch LATER_EPOCH


_cache: dict[str, Scenario] = {}


def scenario(tmp_path_factory) -> Scenario:
    """Run the three archive runs once per test session."""
    if "scenario" not in _cache:
        work = tmp_path_factory.mktemp("revisits")
        store = work / "archive"
        with running_replica(ARTICLES) as first, running_replica(ARTICLES, epoch=LATER_EPOCH) as later:
            env = {**os.environ, "PREFECT_HOME": str(work / ".prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                   "PREFECT_LOGGING_LEVEL": "WARNING", "PYTHONPATH": str(PROJECT_ROOT),
                   "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
            runs = json.dumps([[first.proxy_url, CLOCKS[0]], [first.proxy_url, CLOCKS[1]], [later.proxy_url, CLOCKS[2]]])
            done = subprocess.run([sys.executable, "-m", "tests.integration.revisit_scenario", str(store), runs], env=env,
                                  cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        manifests = [json.loads(p.read_text()) for p in sorted((store / "manifests").glob("*.json"))]
        assert len(manifests) == 3
        _cache["scenario"] = Scenario(store, manifests, Replica(ARTICLES), Replica(ARTICLES, epoch=LATER_EPOCH))
    return _cache["scenario"]


def main(store: str, runs: str) -> int:
    from flows.archive import archive

    for proxy, clock in json.loads(runs):
        state = archive(outlets=OUTLETS, max_articles=100, store=store, replica=proxy, delay=0,
                        now=datetime.fromisoformat(clock), return_state=True)
        manifest = state.result(raise_on_failure=False)
        if not isinstance(manifest, dict) or any(o.get("error") for o in manifest["outlets"].values()):
            print(f"run at {clock} failed: {manifest}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
