"""Start and stop the offline outlet replica (``python -m spiders.replica serve``) as a subprocess.

The replica ships with the package: the demo, the benchmarks and the tests all
start it here, from a source checkout or an installed copy alike.
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

# The directory holding the ``spiders`` package: the replica process imports it from the same place.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent


class ReplicaUnavailable(Exception):
    pass


@contextmanager
def running_replica(articles_per_outlet: int, seed: int = 1, epoch: int = 0, latency_ms: float = 0,
                    startup_timeout: float = 60.0, faults: Sequence[str] = (), new_per_epoch: int = 5,
                    redesigns: dict[str, int] | None = None, prerender: bool = False) -> Iterator[str]:
    """Yield the replica's proxy URL (``http://127.0.0.1:<port>``) while it runs.

    ``faults``: hostile-server specs such as ``"sputnikglobe.com/*=500"`` (the
    replica's ``--fault`` option); ``redesigns``: outlet -> the epoch from which it
    serves a new design (``--redesign``); ``prerender``: every article's answer is
    rendered before the replica reports ready (``--prerender``).
    """
    command = [sys.executable, "-m", "spiders.replica", "serve", "--port", "0",
               "--articles-per-outlet", str(articles_per_outlet), "--seed", str(seed),
               "--epoch", str(epoch), "--latency-ms", str(latency_ms), "--new-per-epoch", str(new_per_epoch)]
    command += [f"--fault={spec}" for spec in faults]
    command += [f"--redesign={slug}@{first}" for slug, first in (redesigns or {}).items()]
    command += ["--prerender"] if prerender else []
    path = os.pathsep.join(filter(None, (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH"))))
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": path})
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
