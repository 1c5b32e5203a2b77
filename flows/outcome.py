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
    requests: int = 0
    discovery_requests: int = 0
    error: str | None = None  # why the outlet as a whole failed
    failures: list[dict] = field(default_factory=list)  # pages that failed, with their reasons
    duplicates: list[dict] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)  # {key, size, sha256} staged for the store

    def absorb_crawl(self, stats: dict) -> None:
        self.discovered = stats.get("discovered", 0)
        self.fetched = stats.get("fetched", 0)
        self.requests = stats.get("requests", 0)
        self.discovery_requests = stats.get("discovery_requests", 0)
        self.failures = list(stats.get("failed", []))
        self.failed = len(self.failures)

    def count_unextracted(self, extracted_pages: int) -> None:
        """Fetched article pages that gave no article text count as failed."""
        missing = max(0, self.fetched - extracted_pages)
        if missing:
            self.failures.append({"url": None, "reason": f"{missing} fetched page(s) gave no article text"})
            self.failed += missing

    def counts(self) -> dict:
        counts = asdict(self)
        counts.pop("slug")
        return counts
