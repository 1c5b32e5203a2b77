"""Prefect settings for flow runs started from this process: the CLI and the benchmarks.

``set_defaults`` runs before Prefect is imported; ``run_settings`` wraps a flow call.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


def set_defaults(verbose: bool = False) -> None:
    """No telemetry (it also causes "database is locked" noise); a temporary server that
    may start slowly on a loaded machine; and Prefect's log lines off the console unless
    asked for (the CLI prints its own one-line errors and summary; the logs still reach
    the Prefect server and UI). Settings already in the environment win."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO" if verbose else "CRITICAL")


@contextlib.contextmanager
def run_settings() -> Iterator[None]:
    """Without a Prefect server (``PREFECT_API_URL`` unset), flow runs send no heartbeats.

    Prefect then starts a temporary server that lives and dies with this process:
    nothing could ever act on a heartbeat, and each flow run would wait up to a second
    for its heartbeat thread as it ends. With a server, heartbeats stay on, so that a
    run whose process died can be marked Crashed.
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        yield
        return
    with without_heartbeats():
        yield


@contextlib.contextmanager
def without_heartbeats() -> Iterator[None]:
    """Flow runs started in this context (and thread) send no Prefect heartbeats."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
