"""A throwaway PostgreSQL server for tests: initdb + pg_ctl on a free loopback port.

PostgreSQL refuses to run as root, so when the tests run as root the server
runs as the unprivileged ``nobody`` user.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.servers import free_port



class PostgresServer:
    """Data lives in its own temporary directory (pytest's are private to root, which
    the server's user could not enter); ``stop`` removes it."""

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="newsarchive-pg-"))
        self.dir = self.base / "pgdata"
        self.port = free_port()

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:
            import shlex

            subprocess.run(["su", "nobody", "-s", "/bin/sh", "-c", shlex.join(command)], check=True,
                           capture_output=True, timeout=120)
        else:
            subprocess.run(list(command), check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        if not shutil.which("initdb") or not shutil.which("pg_ctl"):
            raise RuntimeError("PostgreSQL's initdb and pg_ctl are needed on PATH for the state tests")
        self.dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.base, "nobody")
            shutil.chown(self.dir, "nobody")
        self._run("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.dir), "-o", options, "-l", str(self.dir / "log"), "start", "-w")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.dir), "stop", "-m", "fast", "-w")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
