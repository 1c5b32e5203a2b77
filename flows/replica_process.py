"""Start and stop the offline outlet replica (shipped under ``tests/replica``).

The replica is part of the source checkout, not of the installed package: the
demo, the benchmarks and the tests run it from the project root.
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ReplicaUnavailable(Exception):
    pass


@contextmanager
def running_replica(articles_per_outlet: int, seed: int = 1, epoch: int = 0, latency_ms: float = 0,
                    startup_timeout: float = 60.0, faults: Sequence[str] = ()) -> Iterator[str]:
    """Yield the replica's proxy URL (``http://127.0.0.1:<port>``) while it runs.

    ``faults``: hostile-server specs such as ``"sputnikglobe.com/*=500"`` (the
    replica's ``--fault`` option).
    """
    if not (PROJECT_ROOT / "tests" / "replica" / "__main__.py").exists():
        raise ReplicaUnavailable("the outlet replica is not here: run the demo from a source checkout")
    command = [sys.executable, "-m", "tests.replica", "serve", "--port", "0",
               "--articles-per-outlet", str(articles_per_outlet), "--seed", str(seed),
               "--epoch", str(epoch), "--latency-ms", str(latency_ms)]
    command += [f"--fault={spec}" for spec in faults]
    proc = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    try:
        port = _wait_ready(proc, startup_timeout)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc, timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def stop_process(process: subprocess.Popen, timeout: float = 20.0) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within ``timeout`` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(proc: subprocess.Popen, timeout: float) -> int:
    """The port from the replica's ``READY port=<port>`` line; waits at most ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        line = proc.stdout.readline().strip() if ready else ""
        if line.startswith("READY port="):
            return int(line.split("=", 1)[1])
        if not line and proc.poll() is not None:
            err = proc.stderr.read().strip().splitlines()
            raise ReplicaUnavailable(f"the replica did not start: {err[-1] if err else proc.returncode}")
    raise ReplicaUnavailable(f"the replica did not report ready within {timeout:.0f} s")
