"""A whole run: recover what an earlier run left, archive each outlet, write the manifest.

``archive_run`` is the parent of a run as a plain function. How each outlet is
archived is the caller's ``run_outlet`` (a subflow in a thread, a deployment run
on another worker, or, from the CLI without a Prefect server, a plain call of
``flows.pipeline.outlet.archive_outlet``; each outlet writes its own Parquet views);
the result is the run manifest, which goes to the store through a pending commit of
its own.
"""
from __future__ import annotations

import contextvars
import json
import os
import secrets
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from flows.pipeline import progress
from flows.pipeline.outcome import OutletOutcome
from flows.pipeline.outlet import OutletRun, iso, recover, state_location, utc_now
from flows.pipeline.steps import PlainSteps
from flows.records.article import RECORD_VERSION
from flows.web.index import update_after_run
from spiders.outlets import SLUGS
from storage import layout
from storage.factory import open_store
from storage.pending import PendingCommits, StateCommit
from storage.spool import Spool
from storage.state import StateStore
from storage.store import StoreError
from storage.workspace import workspace_for


@dataclass
class RunRequest:
    """What a run is asked to do (the archive flow's parameters, less how it fans out)."""

    outlets: list[str] | None = None
    max_articles: int = 50
    store: str = "./archive"
    replica: str | None = None
    delay: float | None = None
    state: str | None = None
    concurrency: int = 3
    revisit_after_days: list[int] = field(default_factory=lambda: [1, 7, 30])
    now: datetime | None = None
    since: date | None = None


def now_from_env() -> datetime | None:
    """``NEWSARCHIVE_NOW`` (ISO 8601): a run's clock set by hand, to replay revisit schedules."""
    text = os.environ.get("NEWSARCHIVE_NOW")
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def outlet_run(request: RunRequest, slug: str, run_id: str, started: datetime, now: datetime | None) -> OutletRun:
    return OutletRun(outlet=slug, run_id=run_id, started=started, max_articles=request.max_articles,
                     store=request.store, replica=request.replica, delay=request.delay, state=request.state,
                     revisit_after_days=list(request.revisit_after_days), now=now, since=request.since)


def archive_run(request: RunRequest, steps: PlainSteps,
                run_outlet: Callable[[OutletRun], dict | str]) -> dict:
    """Run every outlet of ``request`` (``concurrency`` at a time) and return the run manifest.

    ``run_outlet`` archives one outlet and returns its outcome counts, or a one-line
    reason when it left none. The manifest is staged and uploaded last; its
    ``error`` is set when that upload failed.
    """
    slugs = list(dict.fromkeys(request.outlets or SLUGS))
    target = open_store(request.store)
    workspace = workspace_for(request.store)
    spool = Spool(workspace.spool)
    now = request.now or now_from_env()
    started = now or utc_now()
    run_id = layout.new_run_id(started, secrets.token_hex(4))
    with StateStore(state_location(request.store, request.state)) as db:
        recover(workspace, spool, target, db, steps)
        db.start_run(run_id, iso(started))
    progress.get().start(slugs)

    def one(slug: str) -> dict:
        counts = run_outlet(outlet_run(request, slug, run_id, started, now))
        return counts if isinstance(counts, dict) else OutletOutcome(slug, error=str(counts)).counts()

    with ThreadPoolExecutor(max_workers=request.concurrency) as pool:  # each outlet in its own thread and context
        futures = {slug: pool.submit(contextvars.copy_context().run, one, slug) for slug in slugs}
        outcomes = {slug: futures[slug].result() for slug in slugs}

    manifest = {
        "run_id": run_id,
        "started": iso(started),
        "finished": iso(utc_now()),
        "layout_version": layout.LAYOUT_VERSION,
        "record_version": RECORD_VERSION,
        "store": target.uri,
        "outlets": {slug: {k: v for k, v in counts.items() if k != "files"} for slug, counts in outcomes.items()},
        "files": [f for counts in outcomes.values() for f in counts.get("files", [])],
    }
    manifest_path = workspace.run_dir(run_id) / "manifest.json"
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    key = layout.manifest_key(run_id)
    try:
        with StateStore(state_location(request.store, request.state)) as db, \
                PendingCommits(workspace.pending).begin(
                    f"{run_id}.manifest", StateCommit(run_id, manifest["finished"], key), [(key, manifest_path)]) as held:
            held.stage(spool)
            steps.flush(spool, target)
            if not held.waiting(spool):
                held.apply(db)  # the run's end
    except StoreError as exc:
        manifest["error"] = str(exc)
    else:
        update_after_run(workspace.search_db, target, manifest)  # the web app's search index
    shutil.rmtree(workspace.run_dir(run_id), ignore_errors=True)
    steps.run_finished(manifest)
    return manifest


def failed_outlets(manifest: dict) -> dict[str, str]:
    return {slug: c["error"] for slug, c in manifest["outlets"].items() if c.get("error")}


def degraded_outlets(manifest: dict) -> dict[str, list[str]]:
    """Outlets whose extraction health drifted from their baseline: their findings."""
    return {slug: c["degraded"] for slug, c in manifest["outlets"].items() if c.get("degraded") and not c.get("error")}
