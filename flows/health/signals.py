"""Extraction health of one outlet in one run, from the records its pages gave.

A site that changes its markup does not fail a run: the container disappears and
the text becomes the whole page, or the date stops being found, and the archive
quietly fills with bad text. These signals make such a change measurable: each
is a share of the run's article pages (or a word count), so that it can be set
beside the same signal in the outlet's earlier, healthy runs (``flows.health.drift``).
"""
from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from flows.extract.cleaning import word_count
from flows.records.article import ArticleRecord

# Which signals are shares of the pages (0..1), and which are word counts: drift
# detection compares the first by difference, the second by ratio.
SHARE_SIGNALS = (
    "container_matched", "title_filled", "date_filled", "authors_filled", "language_filled",
    "furniture_removed", "unextracted", "blocked", "duplicate", "near_duplicate",
)
WORD_SIGNALS = ("words_median",)


@dataclass
class ExtractionFacts:
    """What one record says about how it was extracted (read in one place: ``facts_of``)."""

    step: str  # "container", "page" (trafilatura over the whole page) or "generic"
    container_matched: bool
    words_removed_as_furniture: int


def facts_of(record: ArticleRecord) -> ExtractionFacts:
    """The extraction provenance a record carries (records written before it carry none)."""
    step = record.extraction_step or ("generic" if record.outlet == "generic" else "container")
    matched = record.container_matched if record.container_matched is not None else step == "container"
    removed = sum(int(v) for v in (record.extra.get("removed_words") or {}).values())
    return ExtractionFacts(step, bool(matched), removed)


@dataclass
class OutletHealth:
    """The health signals of one outlet's pages in one run."""

    pages: int = 0  # article pages fetched (records and unextracted pages together)
    records: int = 0
    container_matched: float | None = None  # share of records whose outlet container matched
    steps: dict[str, float] = field(default_factory=dict)  # share of records produced by each fallback step
    unextracted: float | None = None  # share of pages that gave no record
    unextracted_reasons: dict[str, int] = field(default_factory=dict)
    words_median: float | None = None
    words_spread: float | None = None  # interquartile range of words per article
    title_filled: float | None = None
    date_filled: float | None = None
    authors_filled: float | None = None
    language_filled: float | None = None
    furniture_removed: float | None = None  # share of the pages' words removed as furniture
    blocked: float | None = None  # share of article requests answered by a block or a challenge
    duplicate: float | None = None
    near_duplicate: float | None = None

    def signal(self, name: str) -> float | None:
        return getattr(self, name)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> OutletHealth:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def measure(records: Iterable[ArticleRecord], unextracted: Iterable[dict] = (), blocked: int = 0,
            duplicates: int = 0, near_duplicates: int = 0) -> OutletHealth:
    """The signals of a run's freshly extracted article records (revisits included, tombstones not).

    ``unextracted`` are the pages that gave no record (``{"url", "reason"}``), ``blocked`` the
    article requests answered by a block or challenge page, ``duplicates`` and
    ``near_duplicates`` the records dedup found to be copies.
    """
    records = [r for r in records if r.status == "ok"]
    unextracted = list(unextracted)
    pages = len(records) + len(unextracted)
    health = OutletHealth(pages=pages, records=len(records))
    counts = sorted(word_count(r.text) for r in records)
    facts = [facts_of(r) for r in records]
    n = len(records)
    if counts:
        health.words_median = float(statistics.median(counts))
        quartiles = statistics.quantiles(counts, n=4) if len(counts) > 1 else [counts[0]] * 3
        health.words_spread = float(quartiles[2] - quartiles[0])
    health.container_matched = _share(sum(f.container_matched for f in facts), n)
    health.steps = {step: _share(count, n) for step, count in sorted(Counter(f.step for f in facts).items())}
    health.unextracted = _share(len(unextracted), pages)
    health.unextracted_reasons = dict(Counter(u.get("reason", "unknown") for u in unextracted))
    health.title_filled = _share(sum(bool(r.title) for r in records), n)
    health.date_filled = _share(sum(bool(r.published) for r in records), n)
    health.authors_filled = _share(sum(bool(r.authors) for r in records), n)
    health.language_filled = _share(sum(bool(r.language) for r in records), n)
    removed = sum(f.words_removed_as_furniture for f in facts)
    health.furniture_removed = _share(removed, removed + sum(counts))
    health.blocked = _share(blocked, pages + blocked)
    health.duplicate = _share(duplicates, n)
    health.near_duplicate = _share(near_duplicates, n)
    return health
