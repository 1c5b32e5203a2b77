"""pytest plugin: the replica server as a subprocess on a free port, stopped by PID.

Register with ``pytest_plugins = ["tests.servers.replica"]``.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from spiders.replica.process import running_replica as start_replica
from spiders.outlets import SLUGS, get_outlet
from spiders.replica.catalogue import Replica

START_TIMEOUT = 30.0


@dataclass
class RunningReplica:
    port: int
    catalogue: Replica

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
                    faults: list[str] = (), new_per_epoch: int = 5,
                    redesigns: dict[str, int] | None = None) -> Iterator[RunningReplica]:
    """``faults``: specs as for ``--fault`` (``HOST[/PATH]=KIND[:OPTIONS]``, see spiders.replica.faults).

    The process is started and stopped by the same code the demo uses (spiders.replica.process).
    """
    with start_replica(articles_per_outlet, seed=seed, epoch=epoch, latency_ms=latency_ms,
                       startup_timeout=START_TIMEOUT, faults=faults, new_per_epoch=new_per_epoch,
                       redesigns=redesigns) as proxy_url:
        port = int(proxy_url.rsplit(":", 1)[1])
        yield RunningReplica(port, Replica(articles_per_outlet, seed=seed, epoch=epoch, new_per_epoch=new_per_epoch,
                                           redesigns=redesigns))


@pytest.fixture(scope="session")
def replica() -> Iterator[RunningReplica]:
    with running_replica(50, seed=1) as running:
        yield running
