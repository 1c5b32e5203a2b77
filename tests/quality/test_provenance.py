"""Every record says what produced it; re-extraction is reproducible; no article page is lost."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import jsonschema
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.cli.main import main as cli
from flows.extract.furniture_store import latest_keys, learn_and_finish_in_store, load_book
from flows.extract.page import EXTRACTOR_VERSION, extract_html
from flows.extract.warc import extract_pages, extract_warc, learn_and_finish
from flows.pipeline.outcome import OutletOutcome
from flows.records.jsonl import write_records
from spiders.replica.catalogue import Replica
from storage.local import LocalStore

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "flows" / "records" / "article_record.schema.json").read_text())
EPOCH = 313  # generated furniture, so that learning has something to find
EMPTY_ARTICLE = "https://alwaght.net/en/News/123456/Empty-Page"
PDF_ARTICLE = "https://menafn.com/1109399999/A-Pdf-At-An-Article-Url"


def _write(writer: WARCWriter, url: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    writer.write_record(writer.create_warc_record(
        url, "response", payload=BytesIO(body), http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": "2026-11-21T08:30:00Z"}))


@pytest.fixture(scope="module")
def warc(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("warc") / "crawl-00000.warc.gz"
    replica = Replica(12, furniture_epoch=EPOCH)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        for slug in ("southfront", "menafn", "sputnik"):
            for truth in replica.articles(slug):
                _write(writer, truth.url, replica.article_html(slug, truth.index))
        _write(writer, EMPTY_ARTICLE, b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
        _write(writer, PDF_ARTICLE, b"%PDF-1.4 ...", content_type="application/pdf")
        _write(writer, "https://menafn.com/rss/menafn_Politics.xml", b"<rss/>", content_type="application/rss+xml")
    return path


def _bytes(records, path: Path) -> bytes:
    write_records(path, records)
    return path.read_bytes()


def test_reextracting_a_warc_with_the_same_versions_gives_byte_identical_records(warc: Path, tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "archive")
    when = datetime(2026, 12, 1, tzinfo=timezone.utc)
    first, written = learn_and_finish_in_store(store, ["southfront", "menafn", "sputnik"], [extract_pages(warc, when)])
    assert len(written) == 3  # one learned version per outlet (and period)
    again, written_again = learn_and_finish_in_store(store, ["southfront", "menafn", "sputnik"],
                                                     [extract_pages(warc, when)])
    assert written_again == []  # the same pages teach nothing new: the versions stay
    assert {r.extracted_at for r in first.records} == {"2026-12-01T00:00:00+00:00"}  # the given time, not the clock
    assert _bytes(again.records, tmp_path / "a.jsonl.gz") == _bytes(first.records, tmp_path / "b.jsonl.gz")
    # a single page extracted later with the stored furniture gives the record's text
    book = load_book(store, ["southfront"])
    record = next(r for r in first.records if r.outlet == "southfront" and r.extra["removed_words"].get("learned"))
    page = next(p for p in Replica(12, furniture_epoch=EPOCH).articles("southfront") if p.url == record.url)
    alone = extract_html(Replica(12, furniture_epoch=EPOCH).article_html("southfront", page.index), page.url,
                         fetched_at=datetime(2026, 11, 21, 8, 30, tzinfo=timezone.utc), furniture=book)
    assert alone.text == record.text and alone.furniture_version == record.furniture_version


def test_records_name_their_versions_and_step_and_follow_the_schema(warc: Path) -> None:
    found, book = learn_and_finish([extract_pages(warc)])
    assert found.records
    for record in found.records:
        jsonschema.validate(record.to_dict(), SCHEMA)
        assert record.extractor_version == EXTRACTOR_VERSION
        assert record.rules_version and record.furniture_version
        assert record.furniture_version == book.get(record.outlet, record.rules_version.split("/")[0]).version
        assert record.extraction_step in ("container", "page") and isinstance(record.container_matched, bool)
    # MENAFN's old table layout has no container: those pages come from the whole page, and say so
    menafn = [r for r in found.records if r.outlet == "menafn"]
    assert {r.extraction_step for r in menafn} == {"container", "page"}
    assert all(r.container_matched == (r.extraction_step == "container") for r in menafn)


def test_every_article_page_is_a_record_or_an_unextracted_entry_with_its_reason(warc: Path) -> None:
    found = extract_warc(warc)
    assert len(found.records) == 36
    reasons = {page.url: page.reason for page in found.unextracted}
    assert set(reasons) == {EMPTY_ARTICLE, PDF_ARTICLE}  # the feed is no article page
    assert "no article text" in reasons[EMPTY_ARTICLE] and "application/pdf" in reasons[PDF_ARTICLE]
    assert found.other_responses == 1  # the feed: counted, not an article page and not lost


def test_the_extract_command_prints_unextracted_pages_and_writes_the_learned_furniture(
        warc: Path, tmp_path: Path, capsys) -> None:
    store = tmp_path / "archive"
    args = ["extract", "--store", str(store), "--extracted-at", "2026-12-01T00:00:00Z", str(warc)]
    assert cli(args) == 0
    output = capsys.readouterr()
    first = output.out
    assert "36 record(s), 2 unextracted page(s), 1 other response(s)" in output.err
    lines = [json.loads(line) for line in first.splitlines()]
    unextracted = [line for line in lines if line.get("status") == "unextracted"]
    assert {line["url"] for line in unextracted} == {EMPTY_ARTICLE, PDF_ARTICLE}
    assert all(line["reason"] for line in unextracted)
    assert len(lines) - len(unextracted) == 36
    assert set(latest_keys(LocalStore(store), "southfront")) == {"start"}
    assert cli(args) == 0
    assert capsys.readouterr().out == first  # byte-identical on a second run
    assert cli(["furniture", "--outlet", "southfront", "--store", str(store)]) == 0
    listing = capsys.readouterr().out
    assert "learned from 12 page(s)" in listing and "furniture" in listing.splitlines()[1]


def test_the_manifest_counts_unextracted_pages_with_their_reasons() -> None:
    outcome = OutletOutcome("alwaght", fetched=5)
    outcome.count_unextracted([{"status": "unextracted", "url": EMPTY_ARTICLE, "reason": "no article text"}], 3)
    counts = outcome.counts()
    assert counts["unextracted"] == 2 and counts["failed"] == 2  # one with its reason, one missing from the WARCs
    assert counts["failures"][0]["url"] == EMPTY_ARTICLE and counts["failures"][0]["reason"] == "no article text"
    assert "not found in the crawl's WARCs" in counts["failures"][1]["reason"]
