"""Article records from the responses kept in a WARC: the pages of known outlets that are articles."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from flows.extract.page import extract_html
from flows.records.article import ArticleRecord, normalized_text_hash
from spiders.outlets import outlet_for_host
from storage.warc_reader import iter_responses

_HTML_TYPE = re.compile(r"^\s*(text/html|application/xhtml\+xml)", re.IGNORECASE)


def _wanted(url: str, status: int, content_type: str | None) -> bool:
    if not 200 <= status < 300 or not content_type or not _HTML_TYPE.match(content_type):
        return False
    outlet = outlet_for_host(urlsplit(url).hostname)
    return outlet is None or outlet.is_article(url)


def extract_warc(path: Path) -> Iterator[ArticleRecord]:
    """Article records of the 2xx HTML responses in a WARC (articles only for known outlets)."""
    for response in iter_responses(path):
        if not _wanted(response.url, response.status, response.header("Content-Type")):
            continue
        article = extract_html(response.body, response.url, fetched_at=response.date)
        if article is None:
            continue
        yield ArticleRecord(
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
            extracted_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            extra=article.extra,
        )
