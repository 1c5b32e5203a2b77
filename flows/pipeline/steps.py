"""The batch-level steps of a run, as one interface with a plain implementation.

The pipeline (``flows.pipeline.outlet``, ``flows.pipeline.run``) calls its steps
through ``Steps``: one crawl per outlet, one extraction per WARC, one publish per
outlet, one upload of the spool. ``PlainSteps`` calls the functions directly;
the Prefect flows (``flows.archive``) pass steps that run each as a Prefect task,
so the UI shows them, with retries and logs.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flows.extract import parallel
from flows.pipeline import progress
from flows.pipeline.crawl import CrawlResult, run_crawl
from flows.pipeline.outcome import OutletOutcome
from flows.records.article import ArticleRecord
from flows.records.jsonl import write_records
from storage import layout
from storage.cdxj import index_warc  # every run indexes its WARCs: imported while the fork server starts
from storage.spool import Spool
from storage.state import ArchivedArticle
from storage.store import Store, StoreError

if TYPE_CHECKING:
    from flows.extract.warc import WarcExtraction

# A crawl that runs longer than this is stopped and its outlet fails with a clear reason
# (politeness delays make a live crawl of thousands of pages take hours, not days).
CRAWL_TIMEOUT_SECONDS = float(os.environ.get("NEWSARCHIVE_CRAWL_TIMEOUT") or 6 * 3600)
# An outage is retried twice after these delays, then the files wait in the spool for the
# next run. NEWSARCHIVE_UPLOAD_RETRY_DELAYS="5,30" (seconds) tunes it; tests make it short.
UPLOAD_RETRY_DELAYS = [float(d) for d in os.environ.get("NEWSARCHIVE_UPLOAD_RETRY_DELAYS", "5,30").split(",") if d]
# Crawls running at once in this process (each a process of about 100 MB, with two
# extraction workers beside them): outlets beyond this wait for one to finish, while
# the others extract, deduplicate and publish. NEWSARCHIVE_CRAWLS_AT_ONCE sets another.
CRAWLS_AT_ONCE = int(os.environ.get("NEWSARCHIVE_CRAWLS_AT_ONCE") or 3)
_crawl_slots = threading.BoundedSemaphore(CRAWLS_AT_ONCE)


def crawl(outlet: str, run_dir: Path, max_articles: int, seen: set[str], proxy: str | None,
          delay: float | None, revisits: list | None = None, validators: list | None = None,
          now: datetime | None = None, since: datetime | None = None,
          logger: logging.Logger | logging.LoggerAdapter | None = None) -> CrawlResult:
    """Crawl one outlet in its own process, its WARC parts extracted as they are written;
    report progress and a log line."""
    with _crawl_slots, parallel.streaming(run_dir / outlet / "warc"):  # where run_crawl writes the WARCs
        result = run_crawl(outlet, run_dir / outlet, max_articles, seen, proxy=proxy, delay=delay,
                           revisits=revisits or [], validators=validators or [], now=now, since=since,
                           timeout=CRAWL_TIMEOUT_SECONDS)
    stats = result.stats
    progress.get().crawled(outlet, stats.get("fetched", 0))
    (logger or logging.getLogger(__name__)).info(
        "%s: discovered %s, fetched %s article pages, %s requests, %s WARC file(s)", outlet,
        stats.get("discovered"), stats.get("fetched"), stats.get("requests"), len(result.warc_paths))
    return result


def extract(warc_path: Path, signatures: bool = True) -> WarcExtraction:
    """The WARC's article pages, from worker processes (extraction is the CPU-bound step); the
    parts the crawl announced are under way already. Learned furniture is removed afterwards,
    over all the outlet's WARCs (flows.extract.furniture_store). ``signatures``: with the
    records' MinHash signatures, computed by the workers."""
    return parallel.extract_warc_parallel(warc_path, signatures=signatures)


def publish(outcome: OutletOutcome, crawl_result: CrawlResult, new_records: list[ArticleRecord],
            signatures: dict[str, str], run_id: str, started: datetime, run_dir: Path,
            furniture: list[tuple[str, bytes]] = ()) -> tuple[list[ArchivedArticle], list[tuple[str, Path]]]:
    """Finish the outlet's files for the store: its WARCs, their CDXJ indexes, its article records
    and the new versions of its learned furniture (``(key, bytes)``), as (key, path) pairs.
    Nothing is staged: a pending commit must name them first."""
    slug = outcome.slug
    staging = run_dir / slug / "staged"
    staging.mkdir(parents=True, exist_ok=True)
    warc_keys = {}
    files: list[tuple[str, Path]] = []
    for warc_path in crawl_result.warc_paths:
        key = layout.warc_key(slug, started, warc_path.name)
        warc_keys[warc_path.name] = key
        cdxj_path = staging / (warc_path.name + ".cdxj")
        cdxj_path.write_bytes(index_warc(warc_path, key))
        files.append((key, warc_path))
        files.append((layout.cdxj_key(slug, started, warc_path.name), cdxj_path))
    for number, (key, data) in enumerate(furniture):
        path = staging / f"furniture-{number}.json"
        path.write_bytes(data)
        files.append((key, path))
    archived = []
    if new_records:
        from flows.dedup.near import credited_slug  # numpy: loaded when there is something new

        articles_key = layout.articles_key(slug, started, run_id)
        for record in new_records:
            record.warc_key = warc_keys.get(record.warc_filename)
        records_path = staging / "articles.jsonl.gz"
        write_records(records_path, new_records)
        files.append((articles_key, records_path))
        archived = [
            ArchivedArticle(r.canonical_url, slug, r.text_sha256, articles_key, r.published,
                            credited_slug(r), signatures.get(r.canonical_url))
            for r in new_records
        ]
    return archived, files


def flush(spool: Spool, store: Store) -> int:
    """Upload the spool; files leave it only once the store confirmed their checksums."""
    result = spool.flush(store)
    if result.failed:
        key, reason = result.failed[0]
        raise StoreError(f"upload to {store.uri} failed, {result.remaining} file(s) kept in the spool "
                         f"for the next run: {key}: {reason}")
    return len(result.uploaded)


class PlainSteps:
    """The steps as plain calls in this process (retries of the upload included)."""

    def __init__(self, logger: logging.Logger | logging.LoggerAdapter | None = None) -> None:
        self.logger = logger or logging.getLogger("newsarchive")

    def crawl(self, *args, **kwargs) -> CrawlResult:
        return crawl(*args, logger=self.logger, **kwargs)

    def extract_all(self, warc_paths: Iterable[Path], signatures: bool = True) -> Iterator[WarcExtraction]:
        for path in warc_paths:
            yield extract(path, signatures)

    def publish(self, *args) -> tuple[list[ArchivedArticle], list[tuple[str, Path]]]:
        return publish(*args)

    def flush(self, spool: Spool, store: Store) -> int:
        for delay in UPLOAD_RETRY_DELAYS:
            try:
                return flush(spool, store)
            except StoreError as exc:
                self.logger.warning("%s; retrying in %.0f s", exc, delay)
                time.sleep(delay)
        return flush(spool, store)

    def outlet_finished(self, slug: str, counts: dict) -> None:
        """Where the outlet's counts go besides the manifest (Prefect: an artifact on its run)."""

    def run_finished(self, manifest: dict) -> None:
        """Where the run's manifest goes besides the store (Prefect: the run's artifacts)."""
