"""One outlet's part of a run: crawl -> extract -> dedup -> publish -> commit, as plain functions.

The outlet commits its own state (through a pending commit that names its files
before they enter the spool, see ``storage.pending``), so one outlet failing never
fails or undoes the others. ``archive_outlet`` returns the outlet's outcome; its
``error`` says why the outlet failed as a whole.
"""
from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from flows.dedup import versions
from flows.dedup.exact import Deduplicator
from flows.extract.furniture_store import FurnitureCache, learn_and_finish_for_run
from flows.health import drift
from flows.health.signals import OutletHealth, measure
from flows.pipeline import progress
from flows.pipeline.crawl import CrawlFailed
from flows.pipeline.outcome import OutletOutcome
from flows.pipeline.steps import PlainSteps
from flows.records.article import ArticleRecord
from spiders.blocking import summary as block_summary
from storage import layout
from storage import pending as pending_commits
from storage.factory import open_store
from storage.spool import Spool
from storage.state import HealthRow, StateStore
from storage.store import Store, StoreError
from storage.workspace import Workspace, workspace_for

if TYPE_CHECKING:  # numpy: loaded when there is something to cluster
    from flows.dedup.minhash import KnownSignatures


@dataclass
class OutletRun:
    """What one outlet's part of run ``run_id`` is asked to do."""

    outlet: str
    run_id: str
    started: datetime
    max_articles: int = 50
    store: str = "./archive"
    replica: str | None = None  # the HTTP proxy URL of an outlet replica
    delay: float | None = None
    state: str | None = None
    recover: bool = False  # first finish what an interrupted run left in this workspace
    revisit_after_days: list[int] = field(default_factory=lambda: [1, 7, 30])
    now: datetime | None = None
    since: date | None = None
    health: drift.Thresholds | None = None  # drift detection (default: the settings file's [health])


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def state_location(store: str, state: str | None) -> str | Path:
    # NEWSARCHIVE_STATE lets workers keep a database password out of flow parameters.
    return state or os.environ.get("NEWSARCHIVE_STATE") or workspace_for(store).state_db


def write_views(store: Store, keys: list[str]) -> None:
    """Rebuild the Parquet views of the days these article-record keys belong to."""
    if not layout.article_days(keys):  # a run that archived no article (a no-op run) loads no pyarrow
        return
    from flows.exports.parquet import write_parquet_for_keys  # pyarrow: loaded when used

    write_parquet_for_keys(store, keys)


def recover(workspace: Workspace, spool: Spool, store: Store, state: StateStore, steps: PlainSteps) -> None:
    """Finish what earlier, interrupted runs left: their pending commits, files and Parquet views."""
    for run_id in pending_commits.PendingCommits(workspace.pending).recover(
            spool, store, state, flush=lambda: steps.flush(spool, store),
            rebuild_views=lambda keys: write_views(store, keys)):
        steps.logger.info("completed the state commit of earlier run %s", run_id)


# One outlet at a time holds an index of every signature in the archive: outlets finishing
# together would otherwise hold one each (the work is CPU-bound under the GIL all the same).
_near_dup_lock = threading.Lock()


def _near_duplicates(db: StateStore, new: list[ArticleRecord], known: KnownSignatures) -> dict[str, str]:
    """Cluster ``new`` with the archive's near-duplicates; their MinHash signatures by URL.

    ``known``: the signatures the extraction workers computed (``WarcExtraction.signatures``).
    """
    if not new:
        return {}  # nothing to cluster: numpy stays unloaded
    from flows.dedup.near import assign_clusters, index_from_state

    with _near_dup_lock:
        return assign_clusters(index_from_state(db.signatures()), new, known)


def _start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=timezone.utc) if day else None


def _failed(outcome: OutletOutcome, error: str, steps: PlainSteps) -> OutletOutcome:
    outcome.error = error
    steps.logger.error("%s: %s", outcome.slug, error)
    progress.get().finished(outcome.slug, outcome.new, error)
    steps.outlet_finished(outcome.slug, outcome.counts())
    return outcome


def archive_outlet(run: OutletRun, steps: PlainSteps) -> OutletOutcome:
    """Archive one outlet's new articles (and due revisits) as part of ``run.run_id``."""
    target = open_store(run.store)
    workspace = workspace_for(run.store)
    spool = Spool(workspace.spool)
    run_dir = workspace.run_dir(run.run_id)
    outcome = OutletOutcome(run.outlet)
    outlet = run.outlet
    try:
        with StateStore(state_location(run.store, run.state)) as db:
            if run.recover:
                recover(workspace, spool, target, db, steps)
            pending = pending_commits.PendingCommits(workspace.pending)
            seen = db.seen_urls(outlet) | pending.seen_urls(outlet)
            due = db.due_revisits(outlet, run.now or utc_now(), run.revisit_after_days)
            revisited = {d.canonical_url for d in due}
            try:
                crawl = steps.crawl(outlet, run_dir, run.max_articles, seen, run.replica, run.delay, due,
                                    list(db.validators(outlet).values()), run.now, _start_of(run.since))
            except CrawlFailed as exc:
                return _failed(outcome, str(exc), steps)
            outcome.absorb_crawl(crawl.stats)
            # learned furniture: what the store knows of the outlet plus what these pages teach
            found, furniture = learn_and_finish_for_run(target, outlet, steps.extract_all(crawl.warc_paths), spool,
                                                        FurnitureCache(workspace.furniture_cache))
            records: list[ArticleRecord] = found.records
            # (a blocked page was counted by the crawl already, with its evidence)
            outcome.count_unextracted([page.to_dict() for page in found.unextracted if page.status != "blocked"],
                                      len({r.url for r in records if r.canonical_url not in revisited}))
            split = Deduplicator(db.seen_urls(), db.owners_of_texts).split(
                [r for r in records if r.canonical_url not in revisited])  # revisits become versions
            outcome.new = len(split.new)
            outcome.duplicate = len(split.duplicates)
            outcome.duplicates = [{"url": r.url, "duplicate_of": of} for r, of in split.duplicates]
            signatures = _near_duplicates(db, split.new, found.signatures)
            outcome.near_duplicate = sum(1 for r in split.new if r.cluster_id)
            found_versions = versions.new_versions(
                due, [r for r in records if r.canonical_url in revisited], crawl.stats.get("captures", []),
                versions.PreviousRecords(target), db.latest_versions(outlet) if due else {}, crawl.warc_paths,
                utc_now())
            outcome.revisited, outcome.changed, outcome.gone = len(due), found_versions.changed, found_versions.gone
            unextracted = [page.to_dict() for page in found.unextracted if page.status != "blocked"]
            health = measure(records, unextracted, blocked=outcome.blocked, duplicates=len(split.duplicates),
                             near_duplicates=outcome.near_duplicate)
            verdict = judge_health(db, run, health)
            stored = split.new + found_versions.records
            archived, files = steps.publish(outcome, crawl, stored, signatures, run.run_id, run.started, run_dir,
                                            furniture)
            changes = versions.state_changes(outlet, crawl.stats, crawl.warc_paths, run.started, run.run_id,
                                             stored, revisited, outcome.failures)
            commit = pending_commits.StateCommit(
                run.run_id, iso(utc_now()), layout.manifest_key(run.run_id), versions.text_archived(archived, stored),
                changes.captures, changes.versions, changes.validators)
            with pending.begin(f"{run.run_id}.{outlet}", commit, files) as held:  # the commit point
                staged = held.stage(spool)
                outcome.files = [{"key": e.key, "size": e.size, "sha256": e.sha256} for e in staged]
                steps.flush(spool, target)
                if not held.waiting(spool):
                    write_views(target, held.keys)
                    held.apply(db)
            db.record_health(HealthRow(run.run_id, outlet, iso(utc_now()), verdict.status, health.to_dict(),
                                       verdict.findings))
            outcome.health = {"verdict": verdict.status, "findings": verdict.findings, "note": verdict.note,
                              "signals": health.to_dict(), "baseline": verdict.baseline}
    except StoreError as exc:
        return _failed(outcome, str(exc), steps)
    finally:
        shutil.rmtree(run_dir / outlet, ignore_errors=True)
    steps.logger.info("%s: %d new, %d duplicate, %d near-duplicate, %d failed", outlet, outcome.new,
                      outcome.duplicate, outcome.near_duplicate, outcome.failed)
    if outcome.blocked:
        # The site answers the crawler with refusals or bot challenges: never evaded, reported
        # with the evidence, and the outlet fails so that the failure alert fires.
        return _failed(outcome, block_summary(outcome.blocks), steps)
    unseen = crawl.stats.get("discovered", 0) - crawl.stats.get("skipped_seen", 0)
    if unseen > 0 and outcome.new == 0 and outcome.duplicate == 0:
        # The feeds list new articles but none reached the archive: a silent
        # breakage (pages failing, markup changed) that must alert like a failure.
        return _failed(outcome, f"archived nothing although discovery found {unseen} unseen article(s); "
                                f"{outcome.failed} failed"
                                + (f", e.g. {outcome.failures[0]['reason']}" if outcome.failures else ""), steps)
    if verdict.status == drift.DEGRADED:
        # Archived, but the text went bad in a way the outlet's own history shows: alert like a failure.
        outcome.degraded = list(verdict.findings)
        steps.logger.error("%s degraded: %s", outlet, "; ".join(verdict.findings))
        progress.get().finished(outlet, outcome.new, "degraded")
        steps.outlet_finished(outlet, outcome.counts())
        return outcome
    progress.get().finished(outlet, outcome.new, None)
    steps.outlet_finished(outlet, outcome.counts())
    return outcome


def judge_health(db: StateStore, run: OutletRun, health: OutletHealth) -> drift.Verdict:
    """The run's health verdict against the outlet's last healthy runs before this one."""
    if run.health is None:
        from flows.config import load_settings

        run.health = load_settings().health
    earlier = db.health_history(run.outlet, verdicts=(drift.HEALTHY, drift.BASELINE), limit=run.health.baseline_runs,
                                before_run=run.run_id)
    return drift.judge(health, [OutletHealth.from_dict(row.signals) for row in earlier], run.health)
