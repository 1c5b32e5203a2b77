"""pytest plugin: the replica server as a subprocess on a free port, stopped by PID.

Register with ``pytest_plugins = ["tests.replica.fixtures"]``.
"""
from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from spiders.outlets import SLUGS, get_outlet
from tests.replica.catalogue import Replica

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0


@dataclass
class RunningReplica:
    port: int
    catalogue: Replica
    process: subprocess.Popen

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment for a crawler: proxy through the replica, outlets at their live hosts over http."""
        values = {"http_proxy": self.proxy_url, "HTTP_PROXY": self.proxy_url, "no_proxy": "", "NO_PROXY": ""}
        for slug in SLUGS:
            values[f"NEWSARCHIVE_BASE_URL_{slug.upper()}"] = f"http://{get_outlet(slug, environ={}).host}"
        return values


@contextlib.contextmanager
def running_replica(articles_per_outlet: int, seed: int = 1, epoch: int = 0, latency_ms: float = 0,
                    faults: list[str] = ()) -> Iterator[RunningReplica]:
    """``faults``: specs as for ``--fault`` (``HOST[/PATH]=KIND[:OPTIONS]``, see tests.replica.faults)."""
    command = [sys.executable, "-m", "tests.replica", "serve", "--port", "0",
               "--articles-per-outlet", str(articles_per_outlet), "--seed", str(seed), "--epoch", str(epoch),
               "--latency-ms", str(latency_ms)]
    command += [f"--fault={spec}" for spec in faults]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        port = _wait_ready(process)
        yield RunningReplica(port, Replica(articles_per_outlet, seed=seed, epoch=epoch), process)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        if process.stdout:
            process.stdout.close()


def _wait_ready(process: subprocess.Popen) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    assert process.stdout is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if line.startswith("READY port="):
                return int(line.strip().split("=", 1)[1])
            if not line and process.poll() is not None:
                break
        elif process.poll() is not None:
            break
    raise RuntimeError(f"replica server did not start (exit code {process.poll()})")


@pytest.fixture(scope="session")
def replica() -> Iterator[RunningReplica]:
    with running_replica(50, seed=1) as running:
        yield running
