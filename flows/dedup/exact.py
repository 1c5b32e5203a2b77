"""Exact dedup: one record per canonical URL, one per normalised text.

Decisions are made against the state of earlier runs plus what this run has
already accepted (outlets are processed in registry order, so the outcome of a
run is deterministic).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flows.records.article import ArticleRecord


@dataclass
class DedupResult:
    new: list[ArticleRecord] = field(default_factory=list)
    duplicates: list[tuple[ArticleRecord, str]] = field(default_factory=list)  # (record, duplicate of)


class Deduplicator:
    def __init__(self, seen_urls: set[str], text_owners: Callable[[Iterable[str]], dict[str, str]]):
        """``text_owners(sha256s) -> {sha256: canonical URL}`` looks up earlier runs (in one go)."""
        self._seen_urls = seen_urls
        self._text_owners = text_owners
        self._run_texts: dict[str, str] = {}

    def split(self, records: Iterable[ArticleRecord]) -> DedupResult:
        result = DedupResult()
        records = list(records)
        earlier = self._text_owners(r.text_sha256 for r in records if r.canonical_url not in self._seen_urls)
        for record in records:
            if record.canonical_url in self._seen_urls:
                result.duplicates.append((record, record.canonical_url))
                continue
            owner = self._run_texts.get(record.text_sha256) or earlier.get(record.text_sha256)
            if owner is not None and owner != record.canonical_url:
                result.duplicates.append((record, owner))
                continue
            self._seen_urls.add(record.canonical_url)
            self._run_texts[record.text_sha256] = record.canonical_url
            result.new.append(record)
        return result
