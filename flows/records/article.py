"""The article record: what downstream tools read from ``articles/...jsonl.gz``.

``RECORD_VERSION`` changes when a field is renamed, removed or changes meaning;
adding an optional field does not change it.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field, fields

RECORD_VERSION = 1

def paragraphs_of(text: str) -> list[str]:
    """The paragraphs of a record's ``text`` (they are separated by a blank line)."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def normalized_text_hash(text: str) -> str:
    """sha256 of the text with Unicode NFKC, case folded and white space collapsed."""
    # str.split() splits on the white space \s matches: the same as collapsing \s+ and stripping
    folded = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


@dataclass
class ArticleRecord:
    url: str  # the URL as fetched (the WARC-Target-URI)
    canonical_url: str  # one key per article (spiders.urls.canonical_url)
    outlet: str  # registry slug, or "generic" for hosts without rules
    title: str | None
    authors: list[str]
    published: str | None  # ISO 8601 with timezone
    language: str | None
    text: str  # paragraphs separated by a blank line
    tags: list[str]
    section: str | None
    original_source: str | None  # the outlet the page credits, if any
    warc_filename: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    fetched_at: str  # WARC-Date of the response, ISO 8601
    text_sha256: str  # normalized_text_hash(text)
    extracted_at: str
    warc_key: str | None = None  # the store key of the WARC holding the response
    cluster_id: str | None = None  # near-duplicate cluster (its lowest canonical URL), if any
    original_url: str | None = None  # canonical URL of the cluster's original, if this is a copy
    record_version: int = RECORD_VERSION
    extra: dict = field(default_factory=dict)
    version: int = 1  # 1 for the first capture; one more each time a revisit finds the text changed
    status: str = "ok"  # "ok", or "gone" for the tombstone of a vanished article (text empty)
    diff: dict | None = None  # for version 2 and later: what changed since the previous version
    gone_at: str | None = None  # for a tombstone: when the article was found gone
    http_status: int | None = None  # for a tombstone: 404, 410, or the redirect's status
    # provenance: what produced the text (optional; absent from records written before them)
    extraction_step: str | None = None  # "container", "page" (whole page) or "generic": the chain's step
    container_matched: bool | None = None  # the outlet's article container was found on the page
    extractor_version: str | None = None  # flows.extract.page.EXTRACTOR_VERSION
    rules_version: str | None = None  # "<period>/<digest>" of the outlet's rules version; None without rules
    furniture_version: str | None = None  # the learned furniture applied (its digest), if any

    def to_dict(self) -> dict:
        """The fields by name, for JSON (shallow: ``dataclasses.asdict`` would copy every list and dict)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
