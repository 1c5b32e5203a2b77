"""``newsarchive run`` with and without a Prefect API: the same pipeline, Prefect only when configured.

Without ``PREFECT_API_URL`` the CLI runs the pipeline as plain functions: the flow
process never imports Prefect and starts no Prefect server. With an API, the run is
the ``newsarchive`` flow and its outlet subflows, recorded by that server.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.prefect import PrefectServer

VENV_BIN = Path(sys.executable).parent
OUTLET = "sputnik"
ARTICLES = 3

# Runs the CLI's main() in this process, watching every descendant process it starts.
WATCHED_RUN = textwrap.dedent("""
    import json, os, sys, threading
    from pathlib import Path

    seen, stop = set(), threading.Event()

    def descendants(pid):
        found, stack = [], [pid]
        while stack:
            for task in Path(f"/proc/{stack.pop()}/task").glob("*"):
                try:
                    children = [int(c) for c in (task / "children").read_text().split()]
                except OSError:
                    continue
                found += children
                stack += children
        return found

    own = Path("/proc/self/cmdline").read_bytes()

    def watch():
        while not stop.wait(0.05):
            for pid in descendants(os.getpid()):
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                    if cmdline != own:  # not a fork of this process (its command line holds this script)
                        seen.add(cmdline.replace(b"\\0", b" ").decode())
                except OSError:
                    pass

    threading.Thread(target=watch, daemon=True).start()
    from flows.cli.main import main
    status = main(sys.argv[1:])
    stop.set()
    prefect = sorted(m for m in sys.modules if m == "prefect" or m.startswith("prefect."))
    print(json.dumps({"status": status, "prefect_modules": prefect[:5], "processes": sorted(seen)}))
""")


def _env(work: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSARCHIVE_"))}
    env.update(PREFECT_HOME=str(work / ".prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               NEWSARCHIVE_HOME=str(work / ".newsarchive"), **extra)
    return env


def _run_args(store: Path, proxy: str) -> list[str]:
    return ["run", "--outlets", OUTLET, "--store", str(store), "--max-articles", str(ARTICLES),
            "--delay", "0", "--proxy", proxy]


def _manifests(store: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((store / "manifests").glob("*.json"))]


def test_without_an_api_the_run_imports_no_prefect_and_starts_no_server(tmp_path, replica):
    store = tmp_path / "archive"
    proc = subprocess.run([sys.executable, "-c", WATCHED_RUN, *_run_args(store, replica.proxy_url)], cwd=tmp_path,
                          env=_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["status"] == 0, proc.stderr
    assert report["prefect_modules"] == []
    assert report["processes"], "the run started no process at all (no crawl?)"
    # A temporary Prefect server runs as ``python -m uvicorn ... prefect.server.api.server:create_app``.
    servers = [cmd for cmd in report["processes"] if re.search(r"uvicorn|prefect\.server|-m prefect\b|/prefect ", cmd)]
    assert not servers, servers
    [manifest] = _manifests(store)
    counts = manifest["outlets"][OUTLET]
    assert counts["error"] is None and counts["fetched"] == ARTICLES and counts["new"] >= 1, counts
    assert not (tmp_path / ".prefect" / "prefect.db").exists()  # no temporary server's database either


@pytest.fixture(scope="module")
def prefect_api() -> Iterator[PrefectServer]:
    server = PrefectServer(Path(tempfile.mkdtemp(prefix="newsarchive-cli-prefect-"))).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.home, ignore_errors=True)


def test_with_an_api_the_run_is_a_flow_run_on_that_server(tmp_path, replica, prefect_api):
    store = tmp_path / "archive"
    env = _env(tmp_path, PREFECT_API_URL=prefect_api.api_url)
    proc = subprocess.run([str(VENV_BIN / "newsarchive"), *_run_args(store, replica.proxy_url)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    [manifest] = _manifests(store)
    assert manifest["outlets"][OUTLET]["fetched"] == ARTICLES
    runs = [r for r in prefect_api.flow_runs() if r["parameters"].get("store") == str(store)]
    parents = [r for r in runs if r["name"] == f"archive {OUTLET}"]
    assert len(parents) == 1 and parents[0]["state_type"] == "COMPLETED", [(r["name"], r["state_type"]) for r in runs]
    [child] = prefect_api.subflow_runs(parents[0]["id"])
    assert child["name"] == OUTLET and child["state_type"] == "COMPLETED"
    assert child["parameters"]["run_id"] == manifest["run_id"]
