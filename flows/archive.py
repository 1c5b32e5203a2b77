"""The archive flow: crawl -> extract -> dedup -> store, for a set of outlets.

Tasks are batch-level: one crawl per outlet, one extraction per WARC, one
publish per outlet, one flush per run. The flow runs with or without a
Prefect server (without one, Prefect starts a temporary local server).
"""
from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.task_runners import ThreadPoolTaskRunner

from flows import progress, run_state
from flows.articles_file import write_records
from flows.crawl_step import CrawlFailed, CrawlResult, run_crawl
from flows.dedup import Deduplicator
from flows.near_dup import index_from_state
from flows.syndication import assign_clusters, credited_slug
from flows.extract import extract_warc
from flows.records import RECORD_VERSION, ArticleRecord
from flows.workspace import Workspace, workspace_for
from spiders.outlets import parse_outlets
from storage import layout
from storage.cdxj import index_warc
from storage.spool import Spool, SpoolEntry
from storage.state import ArchivedArticle, StateStore
from storage.store import Store, StoreError, open_store


@dataclass
class OutletOutcome:
    slug: str
    discovered: int = 0
    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    near_duplicate: int = 0  # new articles that are copies of a story archived from another page
    failed: int = 0
    requests: int = 0
    discovery_requests: int = 0
    error: str | None = None
    failures: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)

    def counts(self) -> dict:
        return {
            "discovered": self.discovered, "fetched": self.fetched, "new": self.new,
            "duplicate": self.duplicate, "near_duplicate": self.near_duplicate, "failed": self.failed, "requests": self.requests,
            "discovery_requests": self.discovery_requests, "error": self.error,
            "failures": self.failures, "duplicates": self.duplicates,
        }


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


@task(name="crawl outlet", task_run_name="crawl {outlet}")
def crawl_task(outlet: str, run_dir: Path, max_articles: int, seen: set[str], proxy: str | None,
               delay: float | None) -> CrawlResult:
    logger = get_run_logger()
    result = run_crawl(outlet, run_dir / outlet, max_articles, seen, proxy=proxy, delay=delay)
    stats = result.stats
    progress.get().crawled(outlet, stats.get("fetched", 0))
    logger.info("%s: discovered %s, fetched %s article pages, %s requests, %s WARC file(s)",
                outlet, stats.get("discovered"), stats.get("fetched"), stats.get("requests"),
                len(result.warc_paths))
    return result


@task(name="extract WARC", task_run_name="extract {warc_path.name}")
def extract_task(warc_path: Path) -> list[ArticleRecord]:
    return list(extract_warc(warc_path))


@task(name="publish outlet", task_run_name="publish {outcome.slug}")
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


@task(name="flush spool")
def flush_task(spool: Spool, store: Store) -> int:
    """Upload the spool; files leave it only once the store confirmed their checksums."""
    result = spool.flush(store)
    if result.failed:
        key, reason = result.failed[0]
        raise StoreError(f"upload to {store.uri} failed, {result.remaining} file(s) kept in the spool for the next run: {key}: {reason}")
    return len(result.uploaded)


def _recover(workspace: Workspace, spool: Spool, store: Store, state: StateStore, logger) -> None:
    """Finish what an earlier, interrupted run left: upload its spool, then apply its state."""
    if spool.pending():
        logger.info("uploading %d file(s) left in the spool by an earlier run", len(spool.pending()))
        flush_task(spool, store)
    for run_id in run_state.apply_pending(workspace.pending, state):
        logger.info("completed the state commit of earlier run %s", run_id)


@flow(name="newsarchive", task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=False)
def archive(
    outlets: list[str] | None = None,
    max_articles: int = 50,
    store: str = "./archive",
    replica: str | None = None,
    delay: float | None = None,
) -> dict:
    """Archive new articles of ``outlets`` into ``store`` and return the run manifest.

    ``replica``: the URL of an outlet replica acting as HTTP proxy (offline runs).
    ``delay``: seconds between requests per outlet (default: each outlet's politeness).
    """
    logger = get_run_logger()
    slugs = parse_outlets(",".join(outlets) if outlets else None)
    target = open_store(store)
    workspace = workspace_for(store)
    spool = Spool(workspace.spool)
    started = _utc_now()
    run_id = layout.new_run_id(started, secrets.token_hex(4))
    run_dir = workspace.run_dir(run_id)
    with StateStore(workspace.state_db) as state:
        _recover(workspace, spool, target, state, logger)
        state.start_run(run_id, _iso(started))
        progress.get().start(slugs)
        crawls = {
            slug: crawl_task.submit(
                slug, run_dir, max_articles,
                state.seen_urls(slug) | run_state.pending_urls(workspace.pending, slug),
                replica, delay,
            )
            for slug in slugs
        }
        dedup = Deduplicator(state.seen_urls(), state.owner_of_text)
        near_dups = index_from_state(state.signatures())
        outcomes: dict[str, OutletOutcome] = {}
        archived: list[ArchivedArticle] = []
        staged: list[SpoolEntry] = []
        for slug in slugs:  # registry order: deterministic dedup decisions
            outcome = outcomes[slug] = OutletOutcome(slug)
            try:
                crawl = crawls[slug].result()
            except CrawlFailed as exc:
                outcome.error = str(exc)
                logger.error("%s: %s", slug, exc)
                progress.get().finished(slug, 0, outcome.error)
                continue
            stats = crawl.stats
            outcome.discovered = stats.get("discovered", 0)
            outcome.fetched = stats.get("fetched", 0)
            outcome.requests = stats.get("requests", 0)
            outcome.discovery_requests = stats.get("discovery_requests", 0)
            outcome.failures = list(stats.get("failed", []))
            records: list[ArticleRecord] = []
            for future in extract_task.map(crawl.warc_paths):
                records += future.result()
            extracted_urls = {r.url for r in records}
            not_extracted = max(0, outcome.fetched - len(extracted_urls))
            if not_extracted:
                outcome.failures.append({"url": None, "reason": f"{not_extracted} fetched page(s) gave no article text"})
            outcome.failed = len(stats.get("failed", [])) + not_extracted
            split = dedup.split(records)
            outcome.new = len(split.new)
            outcome.duplicate = len(split.duplicates)
            outcome.duplicates = [{"url": r.url, "duplicate_of": of} for r, of in split.duplicates]
            signatures = assign_clusters(near_dups, split.new)
            outcome.near_duplicate = sum(1 for r in split.new if r.cluster_id)
            outlet_archived, outlet_staged = publish_task(outcome, crawl, split.new, signatures, run_id,
                                                          started, run_dir, spool)
            archived += outlet_archived
            staged += outlet_staged
            logger.info("%s: %d new, %d duplicate, %d failed", slug, outcome.new, outcome.duplicate, outcome.failed)
            progress.get().finished(slug, outcome.new, None)

        finished = _utc_now()
        manifest_key = layout.manifest_key(run_id)
        manifest = {
            "run_id": run_id,
            "started": _iso(started),
            "finished": _iso(finished),
            "layout_version": layout.LAYOUT_VERSION,
            "record_version": RECORD_VERSION,
            "store": target.uri,
            "outlets": {slug: o.counts() for slug, o in outcomes.items()},
            "files": [{"key": e.key, "size": e.size, "sha256": e.sha256} for e in staged],
        }
        manifest_path = run_dir / "manifest.json"
        manifest_path.parent.mkdir(parents=True, exist_ok=True)
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        # Staged last, so uploaded after every file it names.
        spool.stage(manifest_key, manifest_path)
        run_state.write_pending(workspace.pending, run_id, _iso(finished), manifest_key, archived)
        flush_task(spool, target)
        run_state.apply_pending(workspace.pending, state)
    shutil.rmtree(run_dir, ignore_errors=True)
    return manifest
