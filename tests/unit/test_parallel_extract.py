"""Extraction in worker processes gives exactly what extraction in this process gives."""
from __future__ import annotations

import gzip
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.dedup.minhash import signature, text_digest
from flows.extract import parallel as parallel_extract
from flows.extract.warc import extract_warc
from spiders.replica.catalogue import Replica


def _write_warc(path: Path, replica: Replica) -> None:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        for slug in ("sputnik", "menafn", "globalresearch"):
            for truth in replica.articles(slug):
                body = replica.article_html(slug, truth.index)
                headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
                writer.write_record(writer.create_warc_record(
                    truth.url, "response", payload=BytesIO(body),
                    http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                    warc_headers_dict={"WARC-Date": "2026-11-21T08:30:00Z"}))


def _comparable(records) -> list[dict]:
    return [{k: v for k, v in r.to_dict().items() if k != "extracted_at"} for r in records]


@pytest.fixture(scope="module")
def warc(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("warc") / "newsarchive-bench-00000.warc.gz"
    _write_warc(path, Replica(articles_per_outlet=8, seed=1))
    return path


def test_parts_cover_the_file_at_record_boundaries(warc: Path) -> None:
    ranges = parallel_extract.parts(warc, part_bytes=20_000)
    assert len(ranges) > 2
    assert ranges[0][0] == 0 and ranges[-1][1] == warc.stat().st_size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    starts = set(parallel_extract.record_starts(warc))
    assert all(start in starts for start, _ in ranges)


@pytest.mark.parametrize("compressed", [True, False])
def test_record_starts_from_a_record_inside_the_file_are_the_files_own(warc: Path, tmp_path: Path,
                                                                       compressed: bool) -> None:
    # the end of a crawl's WARC is cut into parts from the last part announced: its offsets
    # must be the file's, so that the parts are real records and not past the end
    path = warc if compressed else tmp_path / "plain.warc"
    if not compressed:
        path.write_bytes(gzip.decompress(warc.read_bytes()))
    everything = parallel_extract.record_starts(path)
    assert len(everything) > 20 and everything[0] == 0 and everything[-1] == path.stat().st_size
    middle = everything[len(everything) // 2]
    assert parallel_extract.record_starts(path, middle) == everything[len(everything) // 2:]
    ranges = parallel_extract.parts(path, part_bytes=20_000, start=middle)
    assert len(ranges) > 1 and ranges[0][0] == middle and ranges[-1][1] == path.stat().st_size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    assert {offset for part in ranges for offset in part} <= set(everything)  # no part starts inside a record


def test_record_starts_stop_at_what_is_not_a_member(warc: Path, tmp_path: Path) -> None:
    path = tmp_path / "trailing.warc.gz"
    path.write_bytes(warc.read_bytes() + b"not gzip")
    assert parallel_extract.record_starts(path)[:-1] == parallel_extract.record_starts(warc)[:-1]


def test_workers_give_the_same_records_with_whole_file_offsets(warc: Path, monkeypatch) -> None:
    monkeypatch.setattr(parallel_extract, "PART_BYTES", 20_000)
    monkeypatch.setattr(parallel_extract, "MIN_PART_BYTES", 20_000)
    monkeypatch.setattr(parallel_extract, "IN_PROCESS_BYTES", 0)
    monkeypatch.setenv("NEWSARCHIVE_EXTRACT_WORKERS", "2")
    assert len(parallel_extract.parts(warc)) > 2
    expected = list(extract_warc(warc))
    assert len(expected) == 24
    found = parallel_extract.extract_warc_parallel(warc)
    assert _comparable(found) == _comparable(expected)
    # each record's MinHash signature came back with it, of its text, under its whole-file offset
    assert set(found.signatures) == {(r.warc_filename, r.warc_offset) for r in found}
    for record in found:
        digest, values = found.signatures[(record.warc_filename, record.warc_offset)]
        assert digest == text_digest(record.text) and values == signature(record.text).tobytes()
    # a re-extraction asks for none: the workers spend no time on them
    without = parallel_extract.extract_warc_parallel(warc, signatures=False)
    assert without.signatures == {} and _comparable(without) == _comparable(expected)
    first = found[-1]
    with open(warc, "rb") as handle:  # the offset locates the record in the whole file
        handle.seek(first.warc_offset)
        assert first.warc_record_id.encode() in gzip.decompress(handle.read(first.warc_length))


def test_a_small_warc_is_extracted_without_starting_the_workers(warc: Path, monkeypatch) -> None:
    """A no-op run's WARC holds only feeds and sitemaps: no worker process is started for it."""
    monkeypatch.setattr(parallel_extract, "_pool", None)
    monkeypatch.setattr(parallel_extract, "IN_PROCESS_BYTES", warc.stat().st_size + 1)
    monkeypatch.setenv("NEWSARCHIVE_EXTRACT_WORKERS", "2")
    found = parallel_extract.extract_warc_parallel(warc)
    assert parallel_extract._pool is None
    assert _comparable(found) == _comparable(extract_warc(warc))


class _ThreadPool:
    """The worker pool in threads of this process, noting for each part whether the crawl
    was still writing its file when the part was handed over."""

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(max_workers=2)
        self.given: list[tuple[str, int, bool]] = []

    def submit(self, fn, path, start, end, extracted_at=None, name=None, signatures=True):
        self.given.append((name or path.name, start, path.name.endswith(".open") and path.exists()))
        return self.pool.submit(fn, path, start, end, extracted_at, name, signatures)


def test_a_whole_file_is_shared_out_to_every_worker(warc: Path, monkeypatch) -> None:
    """A file of a few megabytes (an outlet's WARC in ``reextract``) is cut into two parts per
    worker or so, not into one 2 MB part that keeps one worker busy and the other idle."""
    pool = _ThreadPool()
    monkeypatch.setattr(parallel_extract, "_shared_pool", lambda: pool)
    monkeypatch.setattr(parallel_extract, "IN_PROCESS_BYTES", 0)
    monkeypatch.setattr(parallel_extract, "MIN_PART_BYTES", 1)  # the fixture's file is some dozens of KB
    monkeypatch.setenv("NEWSARCHIVE_EXTRACT_WORKERS", "2")
    assert warc.stat().st_size < parallel_extract.PART_BYTES
    found = parallel_extract.extract_warc_parallel(warc)
    assert len(pool.given) >= 3
    assert _comparable(found) == _comparable(extract_warc(warc))


def test_parts_announced_during_the_crawl_are_extracted_before_it_ends(tmp_path, monkeypatch) -> None:
    import time

    from spiders.warc_recorder import PartAnnouncer
    from storage.warc_writer import HttpRequest, HttpResponse, WarcInfo, WarcWriter

    pool = _ThreadPool()
    monkeypatch.setattr(parallel_extract, "_shared_pool", lambda: pool)
    monkeypatch.setattr(parallel_extract, "POLL_SECONDS", 0.01)
    monkeypatch.setenv("NEWSARCHIVE_EXTRACT_WORKERS", "2")
    warc_dir = tmp_path / "warc"
    replica = Replica(articles_per_outlet=8, seed=1)
    pages = [(t.url, replica.article_html(slug, t.index)) for slug in ("sputnik", "menafn", "globalresearch")
             for t in replica.articles(slug)]
    writer = WarcWriter(warc_dir, "newsarchive-test", WarcInfo(software="test", is_part_of="test"))
    announcer = PartAnnouncer(warc_dir / "warc-parts.tsv", part_bytes=20_000)
    with parallel_extract.streaming(warc_dir):
        for url, body in pages:  # what the recorder does for each response
            writer.write_exchange(url, HttpRequest("GET", "/", [("Host", "x")], b""), HttpResponse(
                200, "OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))], body))
            announcer.written(writer)
        deadline = time.monotonic() + 30
        while not pool.given and time.monotonic() < deadline:  # the watcher takes the parts announced
            time.sleep(0.01)
        final = writer.close()
    assert len(pool.given) > 2 and all(still_open for _, _, still_open in pool.given[:1])
    lines = (warc_dir / "warc-parts.tsv").read_text().splitlines()
    assert [int(line.split("\t")[1]) for line in lines][0] == 0
    found = parallel_extract.extract_warc_parallel(final)  # the announced parts, then the rest
    assert parallel_extract._streamed == {}
    assert _comparable(found) == _comparable(extract_warc(final)) and len(found) == 24
    assert [start for name, start, _ in pool.given] == [0] + [int(l.split("\t")[2]) for l in lines][:len(pool.given) - 1]


def test_parts_that_do_not_follow_each_other_are_dropped_and_the_file_extracted_whole(tmp_path, monkeypatch,
                                                                                       warc: Path) -> None:
    pool = _ThreadPool()
    monkeypatch.setattr(parallel_extract, "_shared_pool", lambda: pool)
    monkeypatch.setenv("NEWSARCHIVE_EXTRACT_WORKERS", "2")
    monkeypatch.setattr(parallel_extract, "IN_PROCESS_BYTES", 0)
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    copy = warc_dir / warc.name
    copy.write_bytes(warc.read_bytes())
    starts = parallel_extract.record_starts(copy)
    (warc_dir / "warc-parts.tsv").write_text(f"{copy.name}\t0\t{starts[2]}\n{copy.name}\t{starts[3]}\t{starts[5]}\n")
    with parallel_extract.streaming(warc_dir):
        pass
    assert copy not in parallel_extract._streamed
    assert _comparable(parallel_extract.extract_warc_parallel(copy)) == _comparable(extract_warc(copy))
