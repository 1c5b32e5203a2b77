"""Extraction against the replica's ground truth, and reading articles back from a WARC."""
from __future__ import annotations

import gzip
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.extract.page import GENERIC, extract_html
from flows.extract.warc import extract_warc
from tests.quality.metric import page_score
from flows.records.article import normalized_text_hash
from spiders.outlets import SLUGS
from spiders.replica.catalogue import Replica

ARTICLES_PER_OUTLET = 50


@pytest.fixture(scope="module")
def replica() -> Replica:
    return Replica(articles_per_outlet=ARTICLES_PER_OUTLET, seed=1)


@pytest.mark.parametrize("outlet", SLUGS)
def test_every_replica_article_extracts_exactly(replica: Replica, outlet: str) -> None:
    truths = replica.articles(outlet)
    assert len(truths) == ARTICLES_PER_OUTLET
    problems = []
    for truth in truths:
        article = extract_html(replica.article_html(outlet, truth.index), truth.url)
        where = f"{outlet}#{truth.index}"
        if article is None:
            problems.append(f"{where}: nothing extracted")
            continue
        leaks = [snippet for snippet in replica.furniture(outlet) if snippet in article.text]
        if leaks:
            problems.append(f"{where}: boilerplate leaked {leaks}")
        page = page_score(truth.body, article.text)
        if page.recall < 0.99 or page.precision < 0.99:
            problems.append(f"{where}: 4-gram P {page.precision:.3f} R {page.recall:.3f}")
        if article.title != truth.title:
            problems.append(f"{where}: title {article.title!r} != {truth.title!r}")
        if not article.published or article.published[:10] != truth.published[:10]:
            problems.append(f"{where}: published {article.published!r} != {truth.published!r}")
        if article.authors != truth.authors:
            problems.append(f"{where}: authors {article.authors} != {truth.authors}")
        if article.original_source != truth.original_source:
            problems.append(f"{where}: original_source {article.original_source!r} != {truth.original_source!r}")
        if article.outlet != outlet:
            problems.append(f"{where}: outlet {article.outlet!r}")
    assert not problems, "\n".join(problems)


def test_credited_pages_carry_their_original_source(replica: Replica) -> None:
    """MENAFN's dateline and Global Research's "original source" line are metadata, not text."""
    menafn = next(t for t in replica.articles("menafn") if t.original_source)
    article = extract_html(replica.article_html("menafn", menafn.index), menafn.url)
    assert article.original_source == menafn.original_source
    assert "MENAFN-" not in article.text and menafn.original_source not in article.text.split("\n\n")[0][:80]

    syndicated = [t for t in replica.articles("globalresearch") if t.original_source == "South Front"]
    for truth in syndicated:
        article = extract_html(replica.article_html("globalresearch", truth.index), truth.url)
        assert article.original_source == "South Front"
        assert "original source" not in article.text.lower()


def test_published_is_timezone_aware_iso(replica: Replica) -> None:
    for outlet in SLUGS:
        truth = replica.articles(outlet)[0]
        article = extract_html(replica.article_html(outlet, truth.index), truth.url)
        assert datetime.fromisoformat(article.published).utcoffset() is not None
        assert datetime.fromisoformat(article.published) == datetime.fromisoformat(truth.published)


def test_canonical_url_is_the_live_article_url(replica: Replica) -> None:
    truth = replica.articles("sputnik")[0]
    fetched = truth.url.replace("https://sputnikglobe.com", "http://sputnikglobe.com") + "?utm_source=feed"
    article = extract_html(replica.article_html("sputnik", truth.index), fetched)
    assert article.canonical_url == truth.url


def test_unknown_hosts_take_the_generic_path() -> None:
    paragraphs = " ".join(f"<p>{'Sentence number %d of a long enough article body. ' % i * 6}</p>" for i in range(8))
    html = f"<html><head><title>Plain page</title></head><body><nav>Home About</nav><article><h1>Plain page</h1>{paragraphs}</article></body></html>"
    article = extract_html(html, "https://news.example.org/2024/05/plain-page")
    assert article is not None and article.outlet == GENERIC
    assert "Sentence number 7" in article.text and "Home About" not in article.text
    assert not article.text.startswith("Plain page")  # the headline is the title, not body


def test_the_generic_path_drops_a_list_of_links_inside_the_article() -> None:
    """A list whose words are links, with its label, is furniture on any site's page; the
    record counts its words as removed by structure."""
    body = [f"<p>{'Paragraph %d of the report on the harbour works, with its details. ' % i * 4}</p>" for i in range(8)]
    links = "\n".join(f'<li><a href="/2024/05/story-{i}">Story number {i} about the port</a></li>' for i in range(4))
    body.insert(4, f"<p><strong>More on this:</strong></p><ul>{links}</ul>")
    html = f"<html><head><title>Harbour works</title></head><body><article><h1>Harbour works</h1>{''.join(body)}</article></body></html>"
    article = extract_html(html, "https://news.example.org/2024/05/harbour-works")
    assert "Paragraph 7 of the report" in article.text and "Paragraph 0 of the report" in article.text
    assert "Story number" not in article.text and "More on this" not in article.text
    assert article.extra["removed_words"]["structure"] == 3 + 4 * 6


def test_a_page_without_text_is_not_an_article() -> None:
    assert extract_html(b"<html><body><nav>Home</nav></body></html>", "https://sputnikglobe.com/") is None


# --- WARC ------------------------------------------------------------------------------


def _response(writer: WARCWriter, url: str, body: bytes, status: str = "200 OK", gzipped: bool = False,
              content_type: str = "text/html; charset=utf-8") -> None:
    headers = [("Content-Type", content_type)]
    if gzipped:
        body = gzip.compress(body)
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    record = writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": "2026-11-21T08:30:00Z"},
    )
    writer.write_record(record)


def test_extract_warc_reads_articles_back_from_the_archive(replica: Replica, tmp_path: Path) -> None:
    sputnik, menafn = replica.articles("sputnik")[0], replica.articles("menafn")[1]
    path = tmp_path / "crawl-00000.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        _response(writer, sputnik.url, replica.article_html("sputnik", sputnik.index), gzipped=True)
        _response(writer, "https://sputnikglobe.com/world/", b"<html><body><p>A section page.</p></body></html>")
        _response(writer, menafn.url, replica.article_html("menafn", menafn.index))
        _response(writer, menafn.url + "-gone", b"<html><body><p>Not found.</p></body></html>", status="404 Not Found")
        _response(writer, "https://menafn.com/1234567/Feed", b"<rss/>", content_type="application/rss+xml")

    records = list(extract_warc(path))
    assert [r.url for r in records] == [sputnik.url, menafn.url]
    first, second = records
    assert first.outlet == "sputnik" and first.title == sputnik.title
    assert first.text == sputnik.body  # decoded from the gzip content-encoding
    assert first.text_sha256 == normalized_text_hash(sputnik.body)
    assert first.fetched_at == datetime(2026, 11, 21, 8, 30, tzinfo=timezone.utc).isoformat()
    assert first.warc_filename == path.name and first.warc_record_id.startswith("<urn:uuid:")
    assert first.warc_offset == 0 and second.warc_offset > first.warc_offset + first.warc_length
    assert second.original_source == menafn.original_source

    with open(path, "rb") as handle:  # offset and length locate the record's gzip member
        handle.seek(first.warc_offset)
        member = gzip.decompress(handle.read(first.warc_length))
    assert member.startswith(b"WARC/1.1") and first.warc_record_id.encode() in member


def test_a_day_only_date_is_midnight_utc_and_says_so() -> None:
    paragraphs = "".join(f"<p>{'A paragraph of an article that only prints its day. ' * 5}</p>" for _ in range(6))
    html = (
        "<html><head><title>Dated page</title></head><body><article><h1>Dated page</h1>"
        f"<p class='date'>Published on March 12, 2024</p>{paragraphs}</article></body></html>"
    )
    article = extract_html(html, "https://news.example.org/dated-page")
    assert article.published == "2024-03-12T00:00:00+00:00"
    assert article.extra["published_precision"] == "day"
    assert article.extra["published_offset_assumed"] == "UTC"


# --- dates without metadata ------------------------------------------------------------

_UNDATED_BODY = "".join(
    f"<p>Paragraph {i} says what the ministry said about the talks on the border and what comes next.</p>"
    for i in range(8)
)


@pytest.mark.parametrize(
    ("url", "html"),
    [
        # no date anywhere in the markup: htmldate reads it from the URL
        ("https://news.example.org/2024/03/12/talks-on-the-border",
         f"<html><head><title>Talks</title></head><body><article>{_UNDATED_BODY}</article></body></html>"),
        # a known outlet's page stripped of its metadata: htmldate reads the printed date
        ("https://www.globalresearch.ca/talks-on-the-border/5812345",
         "<html><head><title>Talks</title></head><body><div class='entry-content'>"
         f"<p class='meta'>Posted 12 March 2024</p>{_UNDATED_BODY}</div></body></html>"),
    ],
)
def test_without_date_metadata_htmldate_dates_the_page(url: str, html: str) -> None:
    from htmldate import find_date

    assert find_date(html, extensive_search=True, original_date=True, url=url) == "2024-03-12"
    article = extract_html(html, url)
    assert article.published == "2024-03-12T00:00:00+00:00"  # timezone-aware, midnight UTC
    assert article.extra["published_precision"] == "day"
    assert article.extra["published_offset_assumed"] == "UTC"


# --- dates on pages without outlet rules -------------------------------------------------

_STORY = "".join(f"<p>Paragraph {i} of the story about the talks on the border and what comes next.</p>" for i in range(8))


def test_without_outlet_rules_htmldate_picks_the_day_over_a_dated_meta_tag() -> None:
    """A CMS that stamps its "date" meta tag with the last update: htmldate's original date wins."""
    html = ("<html><head><title>Talks</title><meta name='date' content='2024-05-20T08:00:00+00:00'></head><body>"
            "<article><h1>Talks</h1><p class='byline'>Published <time datetime='2024-03-12T09:30:00+01:00'>12 March "
            f"2024</time></p>{_STORY}</article></body></html>")
    article = extract_html(html, "https://news.example.org/2024/03/12/talks")
    assert article.published[:10] == "2024-03-12"


def test_without_outlet_rules_a_structured_time_of_the_same_day_is_kept() -> None:
    html = ("<html><head><title>Talks</title><meta property='article:published_time' content='2024-03-12T09:30:00+01:00'>"
            f"</head><body><article><h1>Talks</h1>{_STORY}</article></body></html>")
    article = extract_html(html, "https://news.example.org/2024/03/12/talks")
    assert article.published == "2024-03-12T09:30:00+01:00" and article.extra["published_precision"] == "second"


def test_pages_read_one_after_another_keep_their_own_metadata() -> None:
    """The <meta> tags and JSON-LD are gathered once per page: the next page's fields are its own,
    and a page read again after another is read afresh."""
    from lxml import html

    from flows.extract.metadata import extract_page_metadata
    from spiders.outlet import ExtractionRules

    def page(title: str, author: str, tag: str) -> html.HtmlElement:
        return html.fromstring(
            f'<html><head><meta property="og:title" content=" "><meta name="og:title" content="{title}">'
            f'<meta name="author" content="{author}"><meta property="article:tag" content="{tag}">'
            f'<script type="application/ld+json">{{"@type": "NewsArticle", "articleSection": "{tag} news"}}</script>'
            f'</head><body><p>Text.</p></body></html>')

    first, second = page("First title", "Ann Smith", "Alpha"), page("Second title", "Bob Jones", "Beta")
    rules = ExtractionRules()
    for tree, title, author, tag in ((first, "First title", "Ann Smith", "Alpha"),
                                     (second, "Second title", "Bob Jones", "Beta"),
                                     (first, "First title", "Ann Smith", "Alpha")):
        meta = extract_page_metadata(tree, "https://example.org/a", rules, None)
        # (the blank og:title by property is passed over for the one by name, as before)
        assert (meta.title, meta.authors, meta.tags, meta.section) == (title, [author], [tag], f"{tag} news")
