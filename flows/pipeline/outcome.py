"""What one outlet's part of a run did: the counts in the manifest and the run summary."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class OutletOutcome:
    slug: str
    discovered: int = 0
    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    near_duplicate: int = 0  # new articles that are copies of a story archived from another page
    failed: int = 0
    unextracted: int = 0  # fetched article pages that gave no article text (in failures, with reasons)
    requests: int = 0
    discovery_requests: int = 0
    not_modified: int = 0  # feeds and sitemaps that answered 304 or were skipped by their lastmod
    revisited: int = 0  # archived articles fetched again on the revisit schedule
    changed: int = 0  # revisits that found a new text: a new version
    gone: int = 0  # revisits that found the article removed: a tombstone version
    blocked: int = 0  # answers that blocked the crawler (403, 429, a bot challenge): see ``blocks``
    error: str | None = None  # why the outlet as a whole failed
    blocks: list[dict] = field(default_factory=list)  # the evidence: url, status, server, marker
    # Extraction health: {"verdict", "findings", "signals", "baseline", "note"} (flows.health)
    health: dict | None = None
    degraded: list[str] = field(default_factory=list)  # drifted signals, one line each, with both values
    failures: list[dict] = field(default_factory=list)  # pages that failed, with their reasons
    duplicates: list[dict] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)  # {key, size, sha256} staged for the store

    def absorb_crawl(self, stats: dict) -> None:
        self.discovered = stats.get("discovered", 0)
        self.fetched = stats.get("fetched", 0)
        self.requests = stats.get("requests", 0)
        self.discovery_requests = stats.get("discovery_requests", 0)
        self.not_modified = stats.get("not_modified", 0) + stats.get("unchanged_sitemaps", 0)
        self.failures = list(stats.get("failed", []))
        self.failed = len(self.failures)
        # Discovery requests that failed (a feed, a sitemap, a section page): listed, not counted as articles.
        self.failures += [{**f, "stage": "discovery"} for f in stats.get("discovery_failures", [])]
        self.blocks = list(stats.get("blocked", []))
        self.blocked = len(self.blocks)

    def count_unextracted(self, pages: list[dict], extracted_pages: int) -> None:
        """Fetched article pages that gave no article text count as failed, each with its reason
        (``{"status": "unextracted", "url", "reason", ...}``); pages fetched but found in no WARC too."""
        self.unextracted = len(pages)
        self.failures += [{**page, "stage": "extraction"} for page in pages]
        missing = max(0, self.fetched - extracted_pages - len(pages))
        if missing:
            self.failures.append({"url": None, "stage": "extraction", "status": "unextracted",
                                  "reason": f"{missing} fetched page(s) not found in the crawl's WARCs"})
            self.unextracted += missing
        self.failed += self.unextracted

    def counts(self) -> dict:
        counts = asdict(self)
        counts.pop("slug")
        return counts
