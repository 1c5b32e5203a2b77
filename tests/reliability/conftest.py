"""The reliability suite's shared Prefect server, and its report at the end of the session.

One Prefect server serves every run of the suite (a process without one would
start a temporary server of its own, about ten seconds each time).
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.prefect import PrefectServer
from tests.reliability.harness import LEDGER


@pytest.fixture(scope="session")
def reliability_prefect() -> Iterator[tuple[PrefectServer, dict[str, str]]]:
    home = Path(tempfile.mkdtemp(prefix="newsarchive-reliability-prefect-"))
    server = PrefectServer(home).start()
    try:
        yield server, {"PREFECT_HOME": str(home), "PREFECT_API_URL": server.api_url,
                       "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_env(reliability_prefect) -> dict[str, str]:
    """Environment for a ``newsarchive`` process: the shared server, its home, no telemetry."""
    return reliability_prefect[1]


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not LEDGER.rows and not LEDGER.crash_trials:
        return
    write = terminalreporter.write_line
    terminalreporter.section("reliability")
    width = max((len(row.name) for row in LEDGER.rows), default=10)
    write(f"{'area':<9} {'fault':<{width}}  result  outcome")
    for row in LEDGER.rows:
        write(f"{row.area:<9} {row.name:<{width}}  {'ok' if row.ok else 'BAD':<6}  {row.outcome}")
    write(LEDGER.summary_line())
