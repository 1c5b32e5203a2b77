"""The archive flows: a parent run fans out one subflow per outlet.

Each outlet subflow runs crawl -> extract -> dedup -> store and commits its
own state, so one outlet failing never fails or undoes the others. Tasks are
batch-level: one crawl per outlet, one extraction per WARC, one publish per
outlet, one upload of the spool. The flows run with or without a Prefect
server (without one, Prefect starts a temporary local server).
"""
from __future__ import annotations

import contextvars
import json
import os
import secrets
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Annotated, Literal

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import Field

from flows import prefect_settings, progress, run_state
from flows.articles_file import write_records
from flows.crawl_step import CrawlFailed, CrawlResult, run_crawl
from flows.credentials import apply_s3_block
from flows.dedup import Deduplicator
from flows.parallel_extract import extract_warc_parallel
from flows.fan_out import OUTLET_RUN_TIMEOUT_SECONDS, publish_outcome, run_outlet_deployment
from flows.near_dup import index_from_state
from flows import versions
from flows.outcome import OutletOutcome
from flows.parquet_export import write_parquet_for_keys, write_run_parquet
from flows.records import RECORD_VERSION, ArticleRecord
from flows.report import publish_artifacts
from flows.syndication import assign_clusters, credited_slug
from flows.workspace import Workspace, workspace_for
from spiders.outlets import SLUGS
from storage import layout
from storage.cdxj import index_warc
from storage.spool import Spool, SpoolEntry
from storage.state import ArchivedArticle, StateStore
from storage.store import Store, StoreError, open_store

OutletSlug = Literal["globalresearch", "mondialisation", "southfront", "sputnik", "alwaght", "menafn"]
assert set(OutletSlug.__args__) == set(SLUGS), "OutletSlug must list the registry's outlets"


# A crawl that runs longer than this is stopped and its outlet fails with a clear reason
# (politeness delays make a live crawl of thousands of pages take hours, not days).
CRAWL_TIMEOUT_SECONDS = float(os.environ.get("NEWSARCHIVE_CRAWL_TIMEOUT") or 6 * 3600)

def _start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=timezone.utc) if day else None


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _now_from_env() -> datetime | None:
    """``NEWSARCHIVE_NOW`` (ISO 8601): a run's clock set by hand, to replay revisit schedules."""
    text = os.environ.get("NEWSARCHIVE_NOW")
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@task(name="crawl outlet", task_run_name="crawl {outlet}", cache_policy=NO_CACHE)
def crawl_task(outlet: str, run_dir: Path, max_articles: int, seen: set[str], proxy: str | None,
               delay: float | None, revisits: list | None = None, validators: list | None = None,
               now: datetime | None = None, since: datetime | None = None) -> CrawlResult:
    logger = get_run_logger()
    result = run_crawl(outlet, run_dir / outlet, max_articles, seen, proxy=proxy, delay=delay,
                       revisits=revisits or [], validators=validators or [], now=now, since=since,
                       timeout=CRAWL_TIMEOUT_SECONDS)
    stats = result.stats
    progress.get().crawled(outlet, stats.get("fetched", 0))
    logger.info("%s: discovered %s, fetched %s article pages, %s requests, %s WARC file(s)",
                outlet, stats.get("discovered"), stats.get("fetched"), stats.get("requests"),
                len(result.warc_paths))
    return result


@task(name="extract WARC", task_run_name="extract {warc_path.name}", cache_policy=NO_CACHE)
def extract_task(warc_path: Path) -> list[ArticleRecord]:
    return extract_warc_parallel(warc_path)  # in worker processes: extraction is the CPU-bound step


# The spool holds locks and the store a client: nothing to hash for a cache key.
@task(name="publish outlet", task_run_name="publish {outcome.slug}", cache_policy=NO_CACHE)
def publish_task(outcome: OutletOutcome, crawl: CrawlResult, new_records: list[ArticleRecord],
                 signatures: dict[str, str], run_id: str, started: datetime, run_dir: Path,
                 spool: Spool) -> tuple[list[ArchivedArticle], list[SpoolEntry]]:
    """Stage the outlet's WARCs, their CDXJ indexes and its article records in the spool."""
    slug = outcome.slug
    staging = run_dir / slug / "staged"
    staging.mkdir(parents=True, exist_ok=True)
    warc_keys = {}
    staged = []
    for warc_path in crawl.warc_paths:
        key = layout.warc_key(slug, started, warc_path.name)
        warc_keys[warc_path.name] = key
        cdxj_path = staging / (warc_path.name + ".cdxj")
        cdxj_path.write_bytes(index_warc(warc_path, key))
        staged.append(spool.stage(key, warc_path))
        staged.append(spool.stage(layout.cdxj_key(slug, started, warc_path.name), cdxj_path))
    archived = []
    if new_records:
        articles_key = layout.articles_key(slug, started, run_id)
        for record in new_records:
            record.warc_key = warc_keys.get(record.warc_filename)
        records_path = staging / "articles.jsonl.gz"
        write_records(records_path, new_records)
        staged.append(spool.stage(articles_key, records_path))
        archived = [
            ArchivedArticle(r.canonical_url, slug, r.text_sha256, articles_key, r.published,
                            credited_slug(r), signatures.get(r.canonical_url))
            for r in new_records
        ]
    return archived, staged


# An outage is retried twice after these delays, then the files wait in the spool for the
# next run. NEWSARCHIVE_UPLOAD_RETRY_DELAYS="5,30" (seconds) tunes it; tests make it short.
UPLOAD_RETRY_DELAYS = [float(d) for d in os.environ.get("NEWSARCHIVE_UPLOAD_RETRY_DELAYS", "5,30").split(",") if d]


@task(name="upload spool", retries=len(UPLOAD_RETRY_DELAYS), retry_delay_seconds=UPLOAD_RETRY_DELAYS,
      cache_policy=NO_CACHE)
def flush_task(spool: Spool, store: Store) -> int:
    """Upload the spool; files leave it only once the store confirmed their checksums."""
    result = spool.flush(store)
    if result.failed:
        key, reason = result.failed[0]
        raise StoreError(f"upload to {store.uri} failed, {result.remaining} file(s) kept in the spool "
                         f"for the next run: {key}: {reason}")
    return len(result.uploaded)


def _recover(workspace: Workspace, spool: Spool, store: Store, state: StateStore, logger) -> None:
    """Finish what an earlier, interrupted run left: upload its spool, then apply its state."""
    left = [entry.key for entry in spool.pending()]
    if left:
        logger.info("uploading %d file(s) left in the spool by an earlier run", len(left))
        flush_task(spool, store)
        write_parquet_for_keys(store, left)
    for run_id in run_state.apply_pending(workspace.pending, state):
        logger.info("completed the state commit of earlier run %s", run_id)


def _state_location(store: str, state: str | None) -> str | Path:
    # NEWSARCHIVE_STATE lets workers keep a database password out of flow parameters.
    return state or os.environ.get("NEWSARCHIVE_STATE") or workspace_for(store).state_db


@flow(name="archive-outlet", flow_run_name="{outlet}", task_runner=ThreadPoolTaskRunner(max_workers=2))
def archive_outlet(
    outlet: OutletSlug,
    run_id: str,
    started: datetime,
    max_articles: int = 50,
    store: str = "./archive",
    replica: str | None = None,
    delay: float | None = None,
    state: str | None = None,
    s3_block: str | None = None,
    recover: bool = False,
    revisit_after_days: list[int] = [1, 7, 30],  # noqa: B006 (a flow parameter, never mutated)
    now: datetime | None = None,
    since: date | None = None,
) -> dict:
    """Archive one outlet's new articles as part of run ``run_id``; return its outcome counts.

    ``recover`` first finishes what an interrupted run left in this process's
    workspace (set when the outlet runs as its own deployment run, on any worker).
    """
    logger = get_run_logger()
    apply_s3_block(s3_block)
    target = open_store(store)
    workspace = workspace_for(store)
    spool = Spool(workspace.spool)
    run_dir = workspace.run_dir(run_id)
    outcome = OutletOutcome(outlet)
    try:
        with StateStore(_state_location(store, state)) as db:
            if recover:
                _recover(workspace, spool, target, db, logger)
            seen = db.seen_urls(outlet) | run_state.pending_urls(workspace.pending, outlet)
            due = db.due_revisits(outlet, now or _utc_now(), revisit_after_days)
            revisited = {d.canonical_url for d in due}
            try:
                crawl = crawl_task(outlet, run_dir, max_articles, seen, replica, delay, due,
                                   list(db.validators(outlet).values()), now, _start_of(since))
            except CrawlFailed as exc:
                outcome.error = str(exc)
                logger.error("%s: %s", outlet, exc)
                progress.get().finished(outlet, 0, outcome.error)
                publish_outcome(outlet, outcome.counts())
                return Failed(message=f"{outlet}: {exc}", data=outcome.counts())
            outcome.absorb_crawl(crawl.stats)
            records: list[ArticleRecord] = []
            for future in extract_task.map(crawl.warc_paths):
                records += future.result()
            outcome.count_unextracted(len({r.url for r in records if r.canonical_url not in revisited}))
            split = Deduplicator(db.seen_urls(), db.owner_of_text).split(
                [r for r in records if r.canonical_url not in revisited])  # revisits become versions
            outcome.new = len(split.new)
            outcome.duplicate = len(split.duplicates)
            outcome.duplicates = [{"url": r.url, "duplicate_of": of} for r, of in split.duplicates]
            signatures = assign_clusters(index_from_state(db.signatures() if split.new else ()), split.new)
            outcome.near_duplicate = sum(1 for r in split.new if r.cluster_id)
            found = versions.new_versions(
                due, [r for r in records if r.canonical_url in revisited], crawl.stats.get("captures", []),
                versions.PreviousRecords(target), db.latest_versions(outlet) if due else {}, crawl.warc_paths,
                _utc_now())
            outcome.revisited, outcome.changed, outcome.gone = len(due), found.changed, found.gone
            stored = split.new + found.records
            archived, staged = publish_task(outcome, crawl, stored, signatures, run_id, started,
                                            run_dir, spool)
            outcome.files = [{"key": e.key, "size": e.size, "sha256": e.sha256} for e in staged]
            changes = versions.state_changes(outlet, crawl.stats, crawl.warc_paths, started, run_id, stored,
                                             revisited, outcome.failures)
            pending = run_state.write_pending(workspace.pending, f"{run_id}.{outlet}", run_id,
                                              _iso(_utc_now()), layout.manifest_key(run_id),
                                              versions.text_archived(archived, stored), changes.captures,
                                              changes.versions, changes.validators)
            flush_task(spool, target)
            if not {e.key for e in staged} & {e.key for e in spool.pending()}:
                run_state.apply_pending_file(pending, db)
    except StoreError as exc:
        outcome.error = str(exc)
        logger.error("%s: %s", outlet, exc)
        progress.get().finished(outlet, outcome.new, outcome.error)
        publish_outcome(outlet, outcome.counts())
        return Failed(message=f"{outlet}: {exc}", data=outcome.counts())
    finally:
        shutil.rmtree(run_dir / outlet, ignore_errors=True)
    logger.info("%s: %d new, %d duplicate, %d near-duplicate, %d failed", outlet, outcome.new,
                outcome.duplicate, outcome.near_duplicate, outcome.failed)
    unseen = crawl.stats.get("discovered", 0) - crawl.stats.get("skipped_seen", 0)
    if unseen > 0 and outcome.new == 0 and outcome.duplicate == 0:
        # The feeds list new articles but none reached the archive: a silent
        # breakage (pages failing, markup changed) that must alert like a failure.
        outcome.error = (f"archived nothing although discovery found {unseen} unseen article(s); "
                         f"{outcome.failed} failed" + (f", e.g. {outcome.failures[0]['reason']}" if outcome.failures else ""))
        logger.error("%s: %s", outlet, outcome.error)
        progress.get().finished(outlet, 0, outcome.error)
        publish_outcome(outlet, outcome.counts())
        return Failed(message=f"{outlet}: {outcome.error}", data=outcome.counts())
    progress.get().finished(outlet, outcome.new, None)
    publish_outcome(outlet, outcome.counts())
    return outcome.counts()


def _run_name() -> str:
    outlets = flow_run.parameters.get("outlets") or ["all outlets"]
    return "archive " + ", ".join(outlets)


@flow(name="newsarchive", flow_run_name=_run_name, log_prints=False)
def archive(
    outlets: Annotated[list[OutletSlug] | None, Field(description="outlets to archive (default: all six)")] = None,
    max_articles: Annotated[int, Field(ge=1, le=100_000, description="newest unseen articles to fetch per outlet")] = 50,
    store: Annotated[str, Field(description="a directory, or s3://bucket/prefix (credentials from AWS_* or the profile)")] = "./archive",
    replica: Annotated[str | None, Field(description="HTTP proxy URL of an outlet replica, for offline runs")] = None,
    delay: Annotated[float | None, Field(ge=0, description="seconds between requests to one outlet (default: the outlet's politeness)")] = None,
    state: Annotated[str | None, Field(description="state database URL, e.g. postgresql://... (default: SQLite in the store's workspace)")] = None,
    concurrency: Annotated[int, Field(ge=1, le=6, description="outlets archived at the same time")] = 3,
    fan_out: Annotated[Literal["threads", "deployments"], Field(description="run outlets in this process, or as runs of the archive-outlet/fan-out deployment that any worker of the pool can take")] = "threads",
    s3_block: Annotated[str | None, Field(description="name of a Secret block holding the S3 credentials (default: the AWS_* environment)")] = None,
    revisit_after_days: Annotated[list[int], Field(description="fetch archived articles again this many days after publication, to catch edits and removals")] = [1, 7, 30],  # noqa: B006
    now: Annotated[datetime | None, Field(description="the run's clock (default: NEWSARCHIVE_NOW, else the current time); for replaying schedules")] = None,
    since: Annotated[date | None, Field(description="fetch no new article known to be published before this day (UTC)")] = None,
):
    """Archive new articles of ``outlets`` into ``store``; the result is the run manifest.

    The run is Failed (with the manifest as its data) when any outlet failed;
    the other outlets are archived all the same.

    Args:
        outlets: outlets to archive (default: all six)
        max_articles: newest unseen articles to fetch per outlet
        store: a directory, or s3://bucket/prefix
        replica: HTTP proxy URL of an outlet replica, for offline runs
        delay: seconds between requests to one outlet (default: the outlet's politeness)
        state: state database URL, e.g. postgresql://... (default: NEWSARCHIVE_STATE, else SQLite in the store's workspace)
        concurrency: outlets archived at the same time
        fan_out: "threads" runs the outlets in this run's process; "deployments" runs each as a run of archive-outlet/fan-out, which any worker of the pool can take
        s3_block: name of a Secret block holding the S3 credentials (default: the workers' AWS_* variables)
        revisit_after_days: fetch archived articles again this many days after publication, to catch edits and removals
        now: the run's clock (default: NEWSARCHIVE_NOW, else the current time); for replaying schedules
        since: fetch no new article known to be published before this day (UTC)
    """
    logger = get_run_logger()
    slugs = list(dict.fromkeys(outlets or SLUGS))
    apply_s3_block(s3_block)
    target = open_store(store)
    workspace = workspace_for(store)
    spool = Spool(workspace.spool)
    now = now or _now_from_env()
    started = now or _utc_now()
    run_id = layout.new_run_id(started, secrets.token_hex(4))
    with StateStore(_state_location(store, state)) as db:
        _recover(workspace, spool, target, db, logger)
        db.start_run(run_id, _iso(started))
    progress.get().start(slugs)

    def one(slug: str) -> dict:
        if fan_out == "deployments":
            return run_outlet_deployment(
                {"outlet": slug, "run_id": run_id, "started": _iso(started), "max_articles": max_articles,
                 "store": store, "replica": replica, "delay": delay, "state": state, "s3_block": s3_block,
                 "recover": True, "revisit_after_days": list(revisit_after_days),
                 "now": _iso(now) if now else None,
                 "since": since.isoformat() if since else None}, OUTLET_RUN_TIMEOUT_SECONDS)
        # The parent's heartbeats already tell the server this process is alive. A subflow's
        # own would hold its thread up to a second as it ends (Prefect joins the heartbeat
        # thread, which wakes once a second): most of a no-op outlet's time.
        with prefect_settings.without_heartbeats():
            result = archive_outlet(slug, run_id, started, max_articles, store, replica, delay, state,
                                    s3_block, revisit_after_days=list(revisit_after_days), now=now,
                                    since=since, return_state=True)
        return result.result(raise_on_failure=False)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:  # each subflow in its own thread and context
        futures = {slug: pool.submit(contextvars.copy_context().run, one, slug) for slug in slugs}
        outcomes = {slug: futures[slug].result() for slug in slugs}
    outcomes = {slug: c if isinstance(c, dict) else OutletOutcome(slug, error=str(c)).counts()
                for slug, c in outcomes.items()}

    manifest = {
        "run_id": run_id,
        "started": _iso(started),
        "finished": _iso(_utc_now()),
        "layout_version": layout.LAYOUT_VERSION,
        "record_version": RECORD_VERSION,
        "store": target.uri,
        "outlets": {slug: {k: v for k, v in counts.items() if k != "files"} for slug, counts in outcomes.items()},
        "files": [f for counts in outcomes.values() for f in counts.get("files", [])],
    }
    manifest_path = workspace.run_dir(run_id) / "manifest.json"
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    spool.stage(layout.manifest_key(run_id), manifest_path)
    try:
        flush_task(spool, target)
        write_run_parquet(target, [manifest])  # the days this run wrote records for
    except StoreError as exc:
        manifest["error"] = str(exc)
    shutil.rmtree(workspace.run_dir(run_id), ignore_errors=True)
    publish_artifacts(manifest)
    failed = {slug: c["error"] for slug, c in manifest["outlets"].items() if c.get("error")}
    if failed or manifest.get("error"):
        reasons = "; ".join(f"{slug}: {error}" for slug, error in failed.items()) or manifest["error"]
        return Failed(message=f"{len(failed)} of {len(slugs)} outlet(s) failed: {reasons}", data=manifest)
    return Completed(message=f"archived {sum(c['new'] for c in manifest['outlets'].values())} new article(s)",
                     data=manifest)
