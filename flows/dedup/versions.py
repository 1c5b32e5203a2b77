"""Versions of archived articles: what a revisit found, turned into records and state rows.

A revisit ends in one of three ways. The payload is unchanged (a 304, or the
same payload digest): the recorder wrote a WARC revisit record, and only the
capture is recorded. The payload changed: the response is a new capture, and if
the extracted text changed too, the article gets a new version whose record
carries a summary of the change. The article is gone (404, 410, or a redirect
to the home page): a tombstone version records when it vanished.

Previous versions are read back from the store (the article records are the
source of truth for texts); the state only knows their hashes.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from flows.records.jsonl import read_records
from flows.records.article import ArticleRecord, normalized_text_hash, paragraphs_of
from storage import layout
from storage.state import ArchivedArticle, CaptureRow, RevisitDue, Validator, VersionRow
from storage.store import Store, StoreError

GONE_STATUSES = (404, 410)


def diff_summary(old_text: str, new_text: str, previous_version: int) -> dict:
    """Paragraphs and words added and removed between two texts."""
    old, new = paragraphs_of(old_text), paragraphs_of(new_text)
    summary = {"previous_version": previous_version, "paragraphs_added": 0, "paragraphs_removed": 0,
               "words_added": 0, "words_removed": 0}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        summary["paragraphs_removed"] += i2 - i1
        summary["paragraphs_added"] += j2 - j1
        old_words, new_words = " ".join(old[i1:i2]).split(), " ".join(new[j1:j2]).split()
        for wtag, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False).get_opcodes():
            if wtag != "equal":
                summary["words_removed"] += a2 - a1
                summary["words_added"] += b2 - b1
    return summary


def describe_diff(diff: dict | None) -> str:
    """``+1/-1 paragraphs, +84/-79 words`` (empty when there is no diff)."""
    if not diff:
        return ""
    return (f"+{diff.get('paragraphs_added', 0)}/-{diff.get('paragraphs_removed', 0)} paragraphs, "
            f"+{diff.get('words_added', 0)}/-{diff.get('words_removed', 0)} words")


class PreviousRecords:
    """The latest stored record of archived articles, read from their ``articles/...`` objects."""

    def __init__(self, store: Store):
        self._store = store
        self._files: dict[str, dict[str, dict]] = {}

    def get(self, canonical_url: str, articles_key: str | None) -> dict | None:
        if not articles_key:
            return None
        if articles_key not in self._files:
            by_url: dict[str, dict] = {}
            try:
                for record in read_records(self._store.get_bytes(articles_key)):
                    known = by_url.get(record["canonical_url"])
                    if known is None or record.get("version", 1) >= known.get("version", 1):
                        by_url[record["canonical_url"]] = record
            except (StoreError, OSError, ValueError):
                by_url = {}
            self._files[articles_key] = by_url
        return self._files[articles_key].get(canonical_url)


def record_locations(warc_paths: Iterable[Path]) -> dict[str, tuple[str, int, int]]:
    """WARC-Record-ID -> (file name, offset, length) of every response record."""
    locations = {}
    for path in warc_paths:
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type == "response":
                    record_id = record.rec_headers.get_header("WARC-Record-ID")
                    records.read_to_end()
                    locations[record_id] = (path.name, records.get_record_offset(), records.get_record_length())
    return locations


@dataclass
class RevisitResult:
    """New version records (changed texts and tombstones), in revisit order."""
    records: list[ArticleRecord] = field(default_factory=list)
    changed: int = 0
    gone: int = 0


def _fetched_at(capture: dict) -> str:
    return capture["date"].replace("Z", "+00:00")


def new_versions(revisits: list[RevisitDue], extracted: list[ArticleRecord], captures: list[dict],
                 previous: PreviousRecords, latest: dict[str, VersionRow], warc_paths: list[Path],
                 now: datetime) -> RevisitResult:
    """The version records of what the revisits found: changed texts and tombstones."""
    result = RevisitResult()
    by_url = {r.canonical_url: r for r in extracted}
    gone = {c["canonical"]: c for c in captures if c.get("revisit") and c["kind"] == "gone"}
    locations = record_locations(warc_paths) if gone else {}
    for due in revisits:
        version = latest.get(due.canonical_url)
        if version is None or version.status != "ok":
            continue
        before = previous.get(due.canonical_url, version.articles_key)
        if due.canonical_url in gone:
            capture = gone[due.canonical_url]
            result.records.append(tombstone(due, version, before, capture, locations, now))
            result.gone += 1
            continue
        record = by_url.get(due.canonical_url)
        if record is None or record.text_sha256 == version.text_sha256:
            continue  # unchanged payload, or a new payload with the same text
        record.version = version.version + 1
        record.diff = diff_summary(before["text"], record.text, version.version) if before else None
        if before:
            record.cluster_id, record.original_url = before.get("cluster_id"), before.get("original_url")
        result.records.append(record)
        result.changed += 1
    return result


def tombstone(due: RevisitDue, version: VersionRow, before: dict | None, capture: dict,
              locations: dict[str, tuple[str, int, int]], now: datetime) -> ArticleRecord:
    """The record saying the article vanished: its last metadata, no text, when and how."""
    filename, offset, length = locations.get(capture["record_id"], (capture["warc_filename"], 0, 0))
    known = before or {}
    return ArticleRecord(
        url=capture["url"], canonical_url=due.canonical_url, outlet=version.outlet,
        title=known.get("title"), authors=list(known.get("authors") or []),
        published=known.get("published", version.published), language=known.get("language"),
        text="", tags=list(known.get("tags") or []), section=known.get("section"),
        original_source=known.get("original_source"),
        warc_filename=filename, warc_offset=offset, warc_length=length, warc_record_id=capture["record_id"],
        fetched_at=_fetched_at(capture), text_sha256=normalized_text_hash(""),
        extracted_at=now.isoformat(timespec="seconds"),
        cluster_id=known.get("cluster_id"), original_url=known.get("original_url"),
        version=version.version + 1, status="gone", gone_at=_fetched_at(capture), http_status=capture["status"],
    )


def capture_rows(captures: list[dict], outlet: str, warc_keys: dict[str, str], archived: set[str]) -> list[CaptureRow]:
    """State rows for the captures of archived articles (new ones and revisits)."""
    rows = []
    for capture in captures:
        if capture["canonical"] not in archived or not capture.get("record_id"):
            continue
        rows.append(CaptureRow(
            canonical_url=capture["canonical"], fetched_at=capture["date"], url=capture["url"], outlet=outlet,
            status=capture["status"], kind=capture["kind"], payload_digest=capture.get("payload_digest"),
            warc_key=warc_keys.get(capture["warc_filename"]), warc_record_id=capture["record_id"],
            etag=capture.get("etag"), last_modified=capture.get("last_modified"),
        ))
    return rows


def version_rows(records: list[ArticleRecord], articles_key: str) -> list[VersionRow]:
    return [VersionRow(
        canonical_url=r.canonical_url, version=r.version, outlet=r.outlet, status=r.status,
        fetched_at=r.fetched_at, text_sha256=None if r.status == "gone" else r.text_sha256,
        articles_key=articles_key, published=r.published, http_status=r.http_status, diff=r.diff,
    ) for r in records]


def text_archived(archived: list[ArchivedArticle], records: list[ArticleRecord]) -> list[ArchivedArticle]:
    """What the articles and texts tables learn: tombstones carry no text and change nothing there."""
    gone = {r.canonical_url for r in records if r.status == "gone"}
    return [a for a in archived if a.canonical_url not in gone]


def discovery_validators(outlet: str, stats: dict, failures: list[dict]) -> list[Validator]:
    """The validators to keep for the next crawl: only when this crawl missed nothing.

    A 304 next time means "nothing new since": that is true only if every article
    discovered behind these validators was fetched and extracted this time.
    """
    if not stats.get("complete") or any(not f.get("reason", "").startswith("revisit:") for f in failures):
        return []
    return [Validator(url, outlet, v.get("etag"), v.get("last_modified"), v.get("lastmod"))
            for url, v in sorted(stats.get("validators", {}).items())]


@dataclass
class StateChanges:
    """What the state learns from one outlet's crawl, besides the archived articles."""
    captures: list[CaptureRow]
    versions: list[VersionRow]
    validators: list[Validator]


def state_changes(outlet: str, stats: dict, warc_paths: list[Path], started: datetime, run_id: str,
                  stored: list[ArticleRecord], revisited: set[str], failures: list[dict]) -> StateChanges:
    warc_keys = {path.name: layout.warc_key(outlet, started, path.name) for path in warc_paths}
    archived = {r.canonical_url for r in stored if r.version == 1} | revisited
    articles_key = layout.articles_key(outlet, started, run_id)
    return StateChanges(
        captures=capture_rows(stats.get("captures", []), outlet, warc_keys, archived),
        versions=version_rows(stored, articles_key),
        validators=discovery_validators(outlet, stats, failures),
    )
