"""Replay of archived captures in pywb, a real replay engine, run by the app as a subprocess.

pywb runs from its own virtual environment (``make install-replay`` makes
``.venv-replay``; pywb's dependencies clash with the main environment's) on a
port of its own, so archived pages replay on another origin than the app's.
It reads the store directly:

- the index is the app's CDX endpoint (``/_replay/cdx``), answered from the
  store's merged CDXJ index, so new captures replay as soon as they are indexed;
- the WARC records are read from the store directory itself (a local store), or
  (an S3 store) through the app's read-only Range endpoint (``/_replay/store/``),
  which serves byte ranges of ``warc/...`` objects from the bucket. pywb reads a
  capture with one ranged request; nothing copies a whole WARC.

The app shows the replay inside a sandboxed ``<iframe>`` (scripts allowed, same
origin not: the archived page gets an opaque origin and reaches neither the app
nor pywb's own storage).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from spiders.replica.process import stop_process

COLLECTION = "archive"
START_TIMEOUT = 60.0


class ReplayUnavailable(Exception):
    """pywb cannot be found or started; the message is one line."""


def find_wayback(explicit: str | None = None) -> Path | None:
    """pywb's ``wayback``: ``explicit``, ``$NEWSARCHIVE_PYWB``, ``.venv-replay/bin/wayback`` here, or on PATH."""
    for candidate in (explicit, os.environ.get("NEWSARCHIVE_PYWB"), ".venv-replay/bin/wayback"):
        if candidate:
            path = Path(candidate).expanduser()
            if path.is_file() and os.access(path, os.X_OK):
                return path.absolute()
            if candidate == explicit:
                raise ReplayUnavailable(f"pywb's wayback not found at {candidate}")
    found = shutil.which("wayback")
    return Path(found) if found else None


def pywb_config(cdx_url: str, archive_paths: str) -> str:
    """pywb's config.yaml: one collection over the app's CDX endpoint and the store's WARCs."""
    return "\n".join([
        "debug: false",
        "enable_memento: false",
        "framed_replay: false",
        "collections:",
        f"  {COLLECTION}:",
        f"    index: cdx+{cdx_url}",
        f"    archive_paths: {archive_paths}",
        "",
    ])


@dataclass
class PywbReplay:
    """A pywb process serving the store's captures on ``host:port``."""
    wayback: Path
    host: str
    port: int
    cdx_url: str  # the app's CDX endpoint, as pywb reaches it
    archive_paths: str  # the store directory (with a trailing slash) or the app's Range endpoint
    _process: subprocess.Popen | None = None
    _workdir: tempfile.TemporaryDirectory | None = None

    def start(self) -> PywbReplay:
        self._workdir = tempfile.TemporaryDirectory(prefix="newsarchive-pywb-")
        work = Path(self._workdir.name)
        (work / "config.yaml").write_text(pywb_config(self.cdx_url, self.archive_paths), encoding="utf-8")
        log = open(work / "wayback.log", "wb")
        try:
            self._process = subprocess.Popen(
                [str(self.wayback), "-p", str(self.port), "-b", self.host], cwd=work, stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                env={**os.environ, "PYWB_CONFIG_FILE": str(work / "config.yaml")}, preexec_fn=_die_with_parent)
        finally:
            log.close()
        self._wait(work / "wayback.log")
        return self

    def _wait(self, log: Path) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
                self.stop()
                raise ReplayUnavailable(f"pywb exited with status {self._process.returncode}: {tail[0]}")
            try:
                with socket.create_connection((_connect_host(self.host), self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise ReplayUnavailable(f"pywb did not answer on port {self.port} within {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process, timeout=10)
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None



def frame_path(timestamp: str, url: str) -> str:
    """The path of a capture's replay in pywb (``mp_``: the page as rewritten, without pywb's banner)."""
    return f"/{COLLECTION}/{timestamp}mp_/{quote(url, safe=':/?&=%#;,+@!$*()~')}"


def _die_with_parent() -> None:
    """In the child: the kernel ends pywb when the app's process ends, however it ends (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the app's shutdown still stops it


def _connect_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
