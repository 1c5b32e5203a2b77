"""What operators see: each outlet's recent runs from the run manifests, and links to Prefect.

Run manifests (``manifests/<run-id>.json``) are write-once, so each is read from
the store once. An outlet's entry in a manifest holds its counts, its error and
failures; whatever other fields a run records there (health signals) are shown
as they are. A run's Prefect flow run is found through the Prefect API
(``PREFECT_API_URL``): the run's summary artifact names the run id and belongs
to the flow run. Its page is ``<UI>/runs/flow-run/<id>``, the UI being
``PREFECT_UI_URL`` or the API URL without its ``/api``.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass, field

from storage.store import Store

COUNTS = ("discovered", "fetched", "new", "duplicate", "near_duplicate", "revisited", "changed", "gone",
          "failed", "requests")
_NOT_SIGNALS = {*COUNTS, "error", "failures", "duplicates", "files", "discovery_requests"}
_RUN_IN_DESCRIPTION = re.compile(r"\brun (\d{8}T\d{6}Z-[0-9a-f]{6,32})\b")
RECENT_RUNS = 20


@dataclass(frozen=True)
class OutletRun:
    """One outlet's part of one run."""
    run_id: str
    started: str
    finished: str
    counts: dict[str, int]
    error: str | None
    failures: list[dict]
    signals: dict[str, object]  # other fields of the outlet's manifest entry (health signals)
    prefect_url: str | None = None

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def failure_count(self) -> int:
        return len(self.failures)


@dataclass
class Manifests:
    """The store's run manifests, newest first, each read once."""
    store: Store
    _cache: dict[str, dict] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def recent(self, limit: int = RECENT_RUNS, outlet: str | None = None) -> list[dict]:
        keys = sorted((k for k in self.store.list("manifests/") if k.endswith(".json")), reverse=True)
        found = []
        for key in keys:  # run ids sort by start time
            manifest = self._read(key)
            if manifest is None or (outlet and outlet not in manifest.get("outlets", {})):
                continue
            found.append(manifest)
            if len(found) >= limit:
                break
        return found

    def _read(self, key: str) -> dict | None:
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        try:
            manifest = json.loads(self.store.get_bytes(key))
        except ValueError:
            manifest = None  # not a manifest of ours: skipped, not fatal
        with self._lock:
            self._cache[key] = manifest
        return manifest


def outlet_runs(manifests: list[dict], outlet: str, prefect: PrefectLinks | None = None) -> list[OutletRun]:
    links = prefect.flow_run_urls() if prefect else {}
    runs = []
    for manifest in manifests:
        entry = manifest.get("outlets", {}).get(outlet)
        if entry is None:
            continue
        runs.append(OutletRun(
            run_id=manifest.get("run_id", "?"), started=manifest.get("started", ""),
            finished=manifest.get("finished", ""),
            counts={name: entry.get(name) for name in COUNTS if name in entry},
            error=entry.get("error") or None, failures=list(entry.get("failures") or []),
            signals={k: v for k, v in sorted(entry.items()) if k not in _NOT_SIGNALS},
            prefect_url=links.get(manifest.get("run_id", ""))))
    return runs


class PrefectLinks:
    """Run id -> Prefect UI page of its flow run, from the Prefect API (cached a minute)."""

    TTL = 60.0
    TIMEOUT = 3.0

    def __init__(self, api_url: str, ui_url: str | None = None):
        self.api_url = api_url.rstrip("/")
        self.ui_url = (ui_url or self.api_url.removesuffix("/api")).rstrip("/")
        self._cached: tuple[float, dict[str, str]] | None = None
        self._lock = threading.Lock()
        self.last_error: str | None = None

    @classmethod
    def from_env(cls) -> PrefectLinks | None:
        api = os.environ.get("PREFECT_API_URL")
        if not api:
            try:
                from prefect.settings import PREFECT_API_URL

                api = PREFECT_API_URL.value()
            except Exception:  # noqa: BLE001 (no Prefect settings: no links)
                api = None
        return cls(api, os.environ.get("PREFECT_UI_URL")) if api else None

    def run_url(self, flow_run_id: str) -> str:
        return f"{self.ui_url}/runs/flow-run/{flow_run_id}"

    def flow_run_urls(self) -> dict[str, str]:
        with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < self.TTL:
                return self._cached[1]
        links = self._query()
        with self._lock:
            self._cached = (time.monotonic(), links)
        return links

    def _query(self) -> dict[str, str]:
        import httpx

        body = {"artifacts": {"key": {"any_": ["archive-run-summary"]}}, "sort": "CREATED_DESC", "limit": 200}
        try:
            response = httpx.post(f"{self.api_url}/artifacts/filter", json=body, timeout=self.TIMEOUT)
            response.raise_for_status()
            artifacts = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            self.last_error = f"Prefect API {self.api_url} did not answer: {type(exc).__name__}"
            return {}
        self.last_error = None
        links = {}
        for artifact in artifacts:
            match = _RUN_IN_DESCRIPTION.search(artifact.get("description") or "")
            if match and artifact.get("flow_run_id"):
                links.setdefault(match.group(1), self.run_url(artifact["flow_run_id"]))
        return links
