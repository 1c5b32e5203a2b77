"""Article records from the responses kept in a WARC: the pages of known outlets that are articles.

Every article page a WARC holds ends as a record or as an ``unextracted`` entry with
its reason: none is dropped silently. Learned furniture is removed in a second, cheap
pass over the records (``finish``), once every page of the batch has been counted, so
that worker processes need not share what is being learned.

A page that blocked the crawler (a bot challenge served with status 200, see
``spiders.blocking``) stays in the WARC as served and never becomes a record: it is
listed with ``status: "blocked"`` and the evidence (the crawl counted it already).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flows.extract.cleaning import MIN_ARTICLE_WORDS, words
from flows.extract.furniture import FurnitureBook, passage_key
from flows.records.article import ArticleRecord, normalized_text_hash, paragraphs_of
from spiders.blocking import detect as detect_block
from spiders.outlets import outlet_for_host
from storage.warc_reader import iter_responses

if TYPE_CHECKING:  # the extractor (trafilatura, htmldate) is imported where pages are extracted
    from flows.extract.page import ExtractedArticle

_HTML_TYPE = re.compile(r"^\s*(text/html|application/xhtml\+xml)", re.IGNORECASE)


@dataclass
class UnextractedPage:
    """An article page that gave no record: shown as ``{"status": "unextracted", ...}``."""

    url: str
    outlet: str
    reason: str
    warc_filename: str
    warc_offset: int
    fetched_at: str | None
    status: str = "unextracted"

    def to_dict(self) -> dict:
        return {"status": self.status, "url": self.url, "outlet": self.outlet, "reason": self.reason,
                "warc_filename": self.warc_filename, "warc_offset": self.warc_offset, "fetched_at": self.fetched_at}


@dataclass
class WarcExtraction:
    """What a WARC's article pages gave: records (in file order) and the pages that gave none."""

    records: list[ArticleRecord] = field(default_factory=list)
    unextracted: list[UnextractedPage] = field(default_factory=list)
    # MinHash signatures the workers computed as they extracted (``flows.dedup.minhash``):
    # (WARC file, offset) -> (digest of the text they are of, the signature's bytes)
    signatures: dict[tuple[str, int], tuple[bytes, bytes]] = field(default_factory=dict)
    # responses read that are no article page (another URL of the outlet, a non-2xx status,
    # another host's file): counted, so that a page that gave nothing is never unexplained
    other_responses: int = 0

    def __iter__(self) -> Iterator[ArticleRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> ArticleRecord:
        return self.records[index]

    def extend(self, other: WarcExtraction) -> None:
        self.records += other.records
        self.unextracted += other.unextracted
        self.signatures.update(other.signatures)
        self.other_responses += other.other_responses


def _article_page(url: str, status: int) -> bool:
    """A 2xx response at a known outlet's article URL (or any 2xx of a host without rules)."""
    if not 200 <= status < 300:
        return False
    outlet = outlet_for_host(urlsplit(url).hostname)
    return outlet is None or outlet.is_article(url)


def _unwanted_type(url: str, content_type: str | None) -> str | None:
    """Why a response at an article URL is not read as a page: None for HTML. A known outlet's
    article URL answered with something else is reported; other hosts' files are just skipped."""
    if content_type and _HTML_TYPE.match(content_type):
        return None
    return f"not an HTML page (Content-Type: {content_type or 'none'})"


def _stamp(extracted_at: datetime | None) -> str:
    return (extracted_at or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")


def extract_pages(path: Path, extracted_at: datetime | None = None) -> WarcExtraction:
    """Every article page of a WARC, extracted without learned furniture (``finish`` removes it)."""
    found = WarcExtraction()
    stamp = _stamp(extracted_at)
    for response in iter_responses(path):
        if not _article_page(response.url, response.status):
            found.other_responses += 1
            continue
        outlet = outlet_for_host(urlsplit(response.url).hostname)
        wrong_type = _unwanted_type(response.url, response.header("Content-Type"))
        if wrong_type is not None:
            if outlet is not None:
                found.unextracted.append(UnextractedPage(response.url, outlet.slug, wrong_type, response.filename,
                                                         response.offset, response.date.isoformat()))
            else:
                found.other_responses += 1
            continue
        block = detect_block(response.status, response.headers, response.body, response.url)
        if block is not None:
            found.unextracted.append(UnextractedPage(response.url, outlet.slug if outlet else "generic",
                                                     f"blocked: {block.describe()}", response.filename,
                                                     response.offset, response.date.isoformat(), status="blocked"))
            continue
        # Imported at the first article page, not with this module: the flow's process imports
        # it to learn and remove furniture (``finish``), and reads a WARC here only where no
        # worker does (a run's feeds and sitemaps); the extractor's imports would cost it
        # about 0.1 s and some MB for nothing.
        from flows.extract.page import Unextracted, extract_page

        try:
            article = extract_page(response.body, response.url, fetched_at=response.date)
        except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others; its reason is kept
            article = Unextracted(response.url, outlet.slug if outlet else "generic",
                                  f"extraction failed: {type(exc).__name__}: {exc}")
        if isinstance(article, Unextracted):
            found.unextracted.append(UnextractedPage(article.url, article.outlet, article.reason, response.filename,
                                                     response.offset, response.date.isoformat()))
            continue
        found.records.append(_record(article, response, stamp))
    return found


def _record(article: ExtractedArticle, response, stamp: str) -> ArticleRecord:
    return ArticleRecord(
        url=response.url,
        canonical_url=article.canonical_url,
        outlet=article.outlet,
        title=article.title,
        authors=article.authors,
        published=article.published,
        language=article.language,
        text=article.text,
        tags=article.tags,
        section=article.section,
        original_source=article.original_source,
        warc_filename=response.filename,
        warc_offset=response.offset,
        warc_length=response.length,
        warc_record_id=response.record_id,
        fetched_at=response.date.isoformat(),
        text_sha256=normalized_text_hash(article.text),
        extracted_at=stamp,
        extra=article.extra,
        extraction_step=article.extraction_step,
        container_matched=article.container_matched,
        extractor_version=article.extractor_version,
        rules_version=article.rules_version,
        furniture_version=article.furniture_version,
    )


def _period(record: ArticleRecord) -> str | None:
    return record.rules_version.split("/", 1)[0] if record.rules_version else None


# A record's passage keys (``flows.extract.furniture.passage_key`` of each paragraph), by the
# record's id: computed once by ``learn_and_finish`` for both its passes over a batch.
PassageKeys = dict[int, list[str | None]]


def learn(book: FurnitureBook, records: Iterable[ArticleRecord], keys: PassageKeys | None = None) -> None:
    """Count the paragraphs of every record of a known outlet into its (outlet, period) entry."""
    for record in records:
        period = _period(record)
        if period is not None:
            book.entry(record.outlet, period).learn(record.canonical_url, paragraphs_of(record.text),
                                                    keys.get(id(record)) if keys is not None else None)


def finish(extraction: WarcExtraction, book: FurnitureBook | None, keys: PassageKeys | None = None) -> WarcExtraction:
    """Remove the learned furniture from records made by ``extract_pages``.

    A record left with too little text becomes an ``unextracted`` page, as the same page
    extracted alone with the same furniture would. ``keys``: the records' passage keys,
    if computed already.
    """
    # (a signature of a text that loses paragraphs here no longer matches its digest)
    done = WarcExtraction(unextracted=list(extraction.unextracted), signatures=extraction.signatures,
                          other_responses=extraction.other_responses)
    versions: dict[int, str] = {}  # an entry's version digests all it learned: once per entry, not per record
    for record in extraction.records:
        period = _period(record)
        entry = book.get(record.outlet, period) if book is not None and period is not None else None
        if entry is None:
            done.records.append(record)
            continue
        paragraphs = paragraphs_of(record.text)
        kept = entry.remove(paragraphs, keys.get(id(record)) if keys is not None else None)
        if len(kept) < len(paragraphs):  # (most records lose nothing: their text stands as extracted)
            after = len(words(" ".join(kept)))
            if after < MIN_ARTICLE_WORDS:
                done.unextracted.append(UnextractedPage(
                    record.url, record.outlet,
                    f"no article text (only learned furniture left; {after} words, fewer than {MIN_ARTICLE_WORDS})",
                    record.warc_filename, record.warc_offset, record.fetched_at))
                continue
            record.text = "\n\n".join(kept)
            record.text_sha256 = normalized_text_hash(record.text)
            learned = sum(len(p.split()) for p in paragraphs) - sum(len(p.split()) for p in kept)
            if learned:
                removed = dict(record.extra.get("removed_words", {}))
                removed["learned"] = learned
                record.extra["removed_words"] = dict(sorted(removed.items()))
        if id(entry) not in versions:
            versions[id(entry)] = entry.version
        record.furniture_version = versions[id(entry)]
        done.records.append(record)
    # file order: the unextracted pages of both kinds, by position
    done.unextracted.sort(key=lambda page: (page.warc_filename, page.warc_offset))
    return done


def learn_and_finish(extractions: Iterable[WarcExtraction], book: FurnitureBook | None = None
                     ) -> tuple[WarcExtraction, FurnitureBook]:
    """Learn from every page of the batch (into ``book``, or a new one), then clean every record."""
    book = book if book is not None else FurnitureBook()
    batch = WarcExtraction()
    for extraction in extractions:
        batch.extend(extraction)
    # Each paragraph's key once for both passes; the texts do not change between them. (Over
    # 6,808 replica pages with an appeal on every page: 3.2-3.6 s of CPU -> 2.6-2.9 s.)
    keys = {id(record): [passage_key(p) for p in paragraphs_of(record.text)]
            for record in batch.records if _period(record) is not None}
    learn(book, batch.records, keys)
    return finish(batch, book, keys), book


def extract_warc(path: Path, furniture: FurnitureBook | None = None,
                 extracted_at: datetime | None = None) -> WarcExtraction:
    """Article records of the 2xx HTML responses in a WARC (articles only for known outlets),
    cleaned with ``furniture`` (learned elsewhere) if given, and the pages that gave none."""
    return finish(extract_pages(path, extracted_at), furniture)
