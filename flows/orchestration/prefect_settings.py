"""Prefect settings for flow runs started from this process: the CLI and the benchmarks.

``api_url`` tells, without importing Prefect, whether a Prefect API is configured
(the CLI runs the pipeline without Prefect when none is); ``set_defaults`` runs
before Prefect is imported; ``run_settings`` wraps a flow call.
"""
from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path


def api_url(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> str | None:
    """``PREFECT_API_URL`` as Prefect would resolve it, read without importing Prefect (about
    a second and 100 MB): from the environment, a ``.env`` file, ``prefect.toml`` or
    ``pyproject.toml`` in the working directory, else the active profile of ``profiles.toml``.
    None (or empty) means no Prefect server is configured."""
    env = os.environ if environ is None else environ
    here = Path.cwd() if cwd is None else cwd
    if "PREFECT_API_URL" in env:
        return env["PREFECT_API_URL"] or None
    for source in (lambda: _dotenv(here / ".env").get("PREFECT_API_URL"),
                   lambda: _toml(here / "prefect.toml").get("api", {}).get("url"),
                   lambda: _toml(here / "pyproject.toml").get("tool", {}).get("prefect", {}).get("api", {}).get("url")):
        value = source()
        if value is not None:
            return str(value) or None
    profiles_path = (env.get("PREFECT_PROFILES_PATH")
                     or _dotenv(here / ".env").get("PREFECT_PROFILES_PATH")
                     or str(Path(env.get("PREFECT_HOME") or Path.home() / ".prefect") / "profiles.toml"))
    profiles = _toml(Path(profiles_path).expanduser())
    active = env.get("PREFECT_PROFILE") or profiles.get("active")
    value = profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL") if active else None
    return str(value) if value else None


def _toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _dotenv(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines (``export`` and quotes allowed), as Prefect's python-dotenv reads them."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    values = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


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
