"""Measure a full first run against a no-op second run on the replica.

    .venv/bin/python -m tests.bench_incremental --articles-per-outlet 1000

Both runs go through the ``newsarchive run`` CLI (each starts its own temporary
Prefect server) with ``--delay 0``; the figures are each run's wall time, the
flow's own time (manifest ``started`` -> ``finished``), and the requests of the
second run as counted in its manifest.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from flows.replica_process import running_replica

VENV_BIN = Path(sys.executable).parent


def _run(store: Path, proxy: str, articles: int, home: Path) -> tuple[float, dict]:
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
    began = time.monotonic()
    done = subprocess.run([str(VENV_BIN / "newsarchive"), "run", "--store", str(store), "--proxy", proxy,
                           "--max-articles", str(articles), "--delay", "0"], env=env, capture_output=True, text=True)
    wall = time.monotonic() - began
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    manifest = json.loads(sorted((store / "manifests").glob("*.json"))[-1].read_text())
    return wall, manifest


def _flow_seconds(manifest: dict) -> float:
    return (datetime.fromisoformat(manifest["finished"]) - datetime.fromisoformat(manifest["started"])).total_seconds()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles-per-outlet", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsarchive-bench-") as work, \
            running_replica(args.articles_per_outlet) as proxy:
        store, home = Path(work) / "archive", Path(work) / ".prefect"
        first_wall, first = _run(store, proxy, args.articles_per_outlet, home)
        second_wall, second = _run(store, proxy, args.articles_per_outlet, home)
    totals = {name: {key: sum(o[key] for o in m["outlets"].values())
                     for key in ("fetched", "new", "requests", "discovery_requests", "not_modified")}
              for name, m in (("first", first), ("second", second))}
    report = {
        "articles_per_outlet": args.articles_per_outlet,
        "first": {"wall_s": round(first_wall, 1), "flow_s": _flow_seconds(first), **totals["first"]},
        "second": {"wall_s": round(second_wall, 1), "flow_s": _flow_seconds(second), **totals["second"]},
        "second_over_first_wall": round(second_wall / first_wall, 3),
        "second_over_first_flow": round(_flow_seconds(second) / max(_flow_seconds(first), 1), 3),
        "second_fetched_no_article": totals["second"]["fetched"] == 0,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
