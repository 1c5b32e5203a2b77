"""The reliability suite's shared servers, and its report at the end of the session.

One Prefect server serves every run of the suite that is a Prefect flow run (the
others set no Prefect API and take the plain path of a cron job); one PostgreSQL
server holds the state databases of the trials that use PostgreSQL.

The table of every fault and trial is printed with the terminal summary; the one
``reliability: ...`` line with the suite's figures is printed last of all.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.postgres import PostgresServer
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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not LEDGER.rows and not LEDGER.crash_trials:
        return
    write = terminalreporter.write_line
    terminalreporter.section("reliability")
    width = max((len(row.name) for row in LEDGER.rows), default=10)
    write(f"{'area':<9} {'fault':<{width}}  result  outcome")
    for row in LEDGER.rows:
        write(f"{row.area:<9} {row.name:<{width}}  {'ok' if row.ok else 'BAD':<6}  {row.outcome}")


def pytest_unconfigure(config) -> None:
    """After pytest's own last line: the suite's figures, as the very last line of the output."""
    if LEDGER.rows or LEDGER.crash_trials:
        sys.stdout.write(LEDGER.summary_line() + "\n")
        sys.stdout.flush()
