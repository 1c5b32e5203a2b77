"""CDXJ indexing, the merged index and retrieval by Range reads, on local and S3 stores."""
import contextlib
import gzip
import io
import json
import threading
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage import layout, retrieval
from storage.cdxj import Manifest, MergedIndex, index_warc, rebuild, url_key
from storage.local import LocalStore
from storage.s3 import S3Store
from storage.retrieval import (
    RetrievalError,
    closest_capture,
    fetch_record,
    list_captures,
    read_payload,
    retrieve,
)
from storage.spool import Spool

DAY = datetime(2026, 11, 1, tzinfo=timezone.utc)


def _page(n: int, version: int = 0) -> bytes:
    return f"<html><body><h1>Article {n}</h1><p>version {version}</p>{'text ' * 50}</body></html>".encode()


def write_warc(path: Path, captures: list[tuple[str, str, bytes]], revisits=()) -> dict[str, str]:
    """Write gzip-encoded responses (url, WARC-Date, body) and revisits (url, date, refers_to_date).

    Returns the payload digest of each response by (url, date).
    """
    digests = {}
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        for n, (url, date, body) in enumerate(captures):
            encoded = gzip.compress(body, mtime=0)
            http = StatusAndHeaders("200 OK", [
                ("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(encoded)))], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(encoded), http_headers=http,
                warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>"})
            writer.write_record(record)
            digests[(url, date)] = record.rec_headers.get_header("WARC-Payload-Digest")
        for url, date, refers_date, *refers_to in revisits:
            # A fourth item False writes a revisit without WARC-Refers-To-* headers.
            named = not refers_to or refers_to[0]
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_revisit_record(
                url, digests[(url, refers_date)], url, refers_date,
                http_headers=http, warc_headers_dict={"WARC-Date": date})
            if not named:
                record.rec_headers.remove_header("WARC-Refers-To-Target-URI")
                record.rec_headers.remove_header("WARC-Refers-To-Date")
            writer.write_record(record)
    return digests


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStore(tmp_path / "archive")
    request.applymarker(pytest.mark.integration)
    return request.getfixturevalue("s3_store")


def _archive(store, tmp_path: Path, name: str, captures, revisits=()) -> str:
    """Index a WARC and send both through the spool, as a run does."""
    warc = tmp_path / name
    write_warc(warc, captures, revisits)
    key = layout.warc_key("example", DAY, name)
    cdxj = tmp_path / (name + ".cdxj")
    cdxj.write_bytes(index_warc(warc, key))
    spool = Spool(tmp_path / "spool")
    spool.stage(layout.cdxj_key("example", DAY, name), cdxj)
    spool.stage(key, warc, move=False)
    result = spool.flush(store)
    assert result.ok and result.remaining == 0
    return key


def test_index_warc_lines_name_the_store_key(tmp_path):
    warc = tmp_path / "a.warc.gz"
    write_warc(warc, [("https://www.example.com/b", "2026-11-01T10:00:00Z", _page(1)),
                      ("https://www.example.com/a", "2026-11-01T10:00:01Z", _page(2))],
               revisits=[("https://www.example.com/b", "2026-11-01T11:00:00Z", "2026-11-01T10:00:00Z")])
    lines = index_warc(warc, "warc/example/2026/11/01/a.warc.gz").decode().splitlines()
    assert [line.split(" ")[:2] for line in lines] == [
        ["com,example)/a", "20261101100001"], ["com,example)/b", "20261101100000"],
        ["com,example)/b", "20261101110000"]]
    assert all('"filename": "warc/example/2026/11/01/a.warc.gz"' in line for line in lines)
    assert '"mime": "warc/revisit"' in lines[2]


def test_find_fetch_and_read_back(store, tmp_path):
    url = "https://www.example.com/news/1"
    first = _archive(store, tmp_path, "a.warc.gz", [
        (url, "2026-11-01T10:00:00Z", _page(1, 0)),
        ("https://www.example.com/other", "2026-11-01T10:00:05Z", _page(9)),
    ])
    second = _archive(store, tmp_path, "b.warc.gz", [(url, "2026-11-03T10:00:00Z", _page(1, 1))],
                      revisits=[])
    captures = list_captures(store, [url, "http://example.com/news/1?"])
    assert [(c.timestamp, c.warc_key) for c in captures] == [("20261101100000", first), ("20261103100000", second)]
    assert closest_capture(store, [url]).timestamp == "20261103100000"
    assert closest_capture(store, [url], datetime(2026, 11, 1, 23, tzinfo=timezone.utc)).warc_key == first
    assert closest_capture(store, [url], datetime(2026, 11, 2, 12)).warc_key == second  # naive = UTC
    assert closest_capture(store, ["https://www.example.com/never"]) is None

    record = fetch_record(store, captures[0])
    warc_bytes = (tmp_path / "a.warc.gz").read_bytes()
    assert record == warc_bytes[captures[0].offset:captures[0].offset + captures[0].length]
    assert zlib.decompressobj(31).decompress(record).startswith(b"WARC/1.1\r\n")
    headers, payload = read_payload(record)
    assert headers.get_statuscode() == "200"
    assert headers.get_header("Content-Encoding") == "gzip"
    assert payload == _page(1, 0)


def test_revisit_resolves_to_its_original(store, tmp_path):
    url = "https://www.example.com/news/2"
    key = _archive(store, tmp_path, "r.warc.gz", [(url, "2026-11-01T10:00:00Z", _page(2))],
                   revisits=[(url, "2026-11-05T10:00:00Z", "2026-11-01T10:00:00Z")])
    revisit = closest_capture(store, [url])
    assert revisit.is_revisit and revisit.timestamp == "20261105100000"
    with pytest.raises(RetrievalError, match="revisit record holds no payload"):
        read_payload(fetch_record(store, revisit))
    got = retrieve(store, revisit)
    assert got.original.timestamp == "20261101100000" and got.original.warc_key == key
    assert got.payload == _page(2)
    assert len(got.records) == 2 and got.records[0] == fetch_record(store, revisit)


def test_revisit_without_refers_to_date_uses_the_digest(tmp_path):
    store = LocalStore(tmp_path / "archive")
    url = "https://www.example.com/news/3"
    _archive(store, tmp_path, "d.warc.gz", [(url, "2026-11-01T10:00:00Z", _page(3)),
                                             (url, "2026-11-02T10:00:00Z", _page(3, 1))],
             revisits=[(url, "2026-11-06T10:00:00Z", "2026-11-01T10:00:00Z", False)])
    revisit = closest_capture(store, [url])
    record = fetch_record(store, revisit)
    assert b"WARC-Refers-To" not in zlib.decompressobj(31).decompress(record)
    got = retrieve(store, revisit)
    assert got.original.timestamp == "20261101100000"
    assert got.original.digest == revisit.digest
    assert got.payload == _page(3)


@contextlib.contextmanager
def requests_made(store):
    """``(store to use, requests sent)`` while the block runs: HTTP requests for S3, operations otherwise."""
    if isinstance(store, S3Store):
        made: list[str] = []

        def count(request, **_kwargs):
            made.append(f"{request.method} {request.url.split('?')[0].rsplit('/', 1)[-1]}")

        store.client.meta.events.register("before-send.s3", count)
        try:
            yield store, made
        finally:
            store.client.meta.events.unregister("before-send.s3", count)
    else:
        counting = CountingStore(store)
        yield counting, counting.calls


def _get(store, url: str) -> bytes:
    """``newsarchive get`` in one process: find the closest capture and read its record."""
    return fetch_record(store, closest_capture(store, [url]))


def test_a_lookup_is_three_requests_cold_or_warm(store, tmp_path):
    index = MergedIndex(store, recent_max_bytes=3000, block_size=300)  # merges and many blocks from little data
    for n in range(8):
        _add_warc_index(index, tmp_path, n)
    manifest = index.current()
    assert len(manifest.segments) == 1 and len(manifest.segments[0].blocks) > 3 and manifest.recent
    captured = [url for url, stamps in _expected(8).items() if stamps]
    for url in captured:
        retrieval._indexes.clear()  # a fresh process: nothing cached
        with requests_made(store) as (counted, made):
            assert _get(counted, url).startswith(b"\x1f\x8b")
        assert len(made) <= 3, (url, made)
        with requests_made(store) as (counted, made):
            _get(counted, url)  # warm: the same
        assert len(made) <= 3, (url, made)
    base = gzip.decompress(store.get_bytes(manifest.segments[0].cdxj_key)).decode()
    in_base = [url for url in captured if f"\n{url_key(url)} " in "\n" + base]
    with requests_made(store) as (counted, made):
        _get(counted, in_base[0])
    assert len(made) == 3, made  # the head, one range of the base, the record


class CountingStore:
    """A store that records which operations a caller used (each one request to S3)."""

    def __init__(self, inner) -> None:
        self.inner, self.uri, self.calls = inner, inner.uri, []
        self.client = getattr(inner, "client", None)

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


URLS = [f"https://www.example.com/a/{n}" for n in range(30)]


def _add_warc_index(index: MergedIndex, tmp_path: Path, n: int) -> None:
    warc = tmp_path / f"w{n}.warc.gz"
    captures = [(URLS[(n * 7 + i) % len(URLS)], f"2026-11-{1 + n:02d}T10:00:{i:02d}Z", _page(n, i)) for i in range(5)]
    write_warc(warc, captures)
    key = layout.warc_key("example", DAY, f"w{n}.warc.gz")
    index.store.put_file(key, warc)
    index.add([index_warc(warc, key)])


def _expected(n_warcs: int) -> dict[str, list[str]]:
    expected: dict[str, list[str]] = {url: [] for url in URLS}
    for n in range(n_warcs):
        for i in range(5):
            expected[URLS[(n * 7 + i) % len(URLS)]].append(f"202611{1 + n:02d}1000{i:02d}")
    return {url: sorted(ts) for url, ts in expected.items()}


def test_merges_keep_lookups_right(tmp_path):
    store = LocalStore(tmp_path / "archive")
    index = MergedIndex(store, recent_max_bytes=3000, block_size=300)
    merges = 0
    for n in range(11):
        before = index.current()
        _add_warc_index(index, tmp_path, n)
        manifest = index.current()
        assert len(manifest.segments) <= 1 and len("".join(manifest.recent)) <= 3000
        merges += bool(manifest.segments) and manifest.segments != before.segments
        expected = _expected(n + 1)
        for url in URLS:
            assert [c.timestamp for c in list_captures(store, [url])] == expected[url], (n, url)
    assert manifest.generation == 11 and merges >= 3
    assert MergedIndex(store).head() == manifest
    [base] = manifest.segments
    lines = gzip.decompress(store.get_bytes(base.cdxj_key)).decode().splitlines() + list(manifest.recent)
    keys = [line.split(" {")[0] for line in lines[:base.lines]]
    assert keys == sorted(keys) and [b[0] for b in base.blocks] == sorted(b[0] for b in base.blocks)
    assert len(lines) == len(set(lines)) == 55  # every capture once, through merges that copied untouched blocks
    segments = {k for k in store.list(layout.MERGED_INDEX_PREFIX + "segments/") if k.endswith(".cdxj")}
    live = {s.cdxj_key for s in manifest.segments} | {
        layout.merged_index_segment_key(name, ".cdxj") for name, _ in manifest.retired}
    assert segments <= live  # merged-away segments are deleted after a few generations
    assert len(list(store.list(layout.merged_index_manifests_prefix()))) <= 4

    compacted = index.compact()
    assert len(compacted.segments) == 1 and compacted.recent == () and compacted.segments[0].lines == 55
    for url in URLS:
        assert [c.timestamp for c in list_captures(store, [url])] == _expected(11)[url]


def test_adding_the_same_index_twice_reports_captures_once(tmp_path):
    store = LocalStore(tmp_path / "archive")
    index = MergedIndex(store)
    _add_warc_index(index, tmp_path, 0)
    _add_warc_index(index, tmp_path, 0)
    assert index.current().generation == 2
    assert [c.timestamp for c in list_captures(store, [URLS[0]])] == _expected(1)[URLS[0]]


def test_a_lookup_without_a_head_or_with_a_stale_one_still_finds_everything(tmp_path):
    store = LocalStore(tmp_path / "archive")
    index = MergedIndex(store, recent_max_bytes=3000, block_size=300)
    head_key = layout.merged_index_head_key()

    def found() -> dict[str, list[str]]:
        retrieval._indexes.clear()
        return {url: [c.timestamp for c in list_captures(store, [url])] for url in URLS}

    for n in range(4):
        _add_warc_index(index, tmp_path, n)
    store.delete(head_key)  # an index written before there were heads
    assert found() == _expected(4)
    _add_warc_index(index, tmp_path, 4)
    stale = store.get_bytes(layout.merged_index_manifest_key(4))
    store.put_bytes(head_key, stale, overwrite=True)  # a writer died between its commit and its head write
    assert found() != _expected(5)  # readers see the generation before...
    _add_warc_index(index, tmp_path, 5)
    assert found() == _expected(6)  # ...until the next commit puts the newest back
    for n in range(6, 10):
        _add_warc_index(index, tmp_path, n)
    store.put_bytes(head_key, stale, overwrite=True)
    assert all(store.head(s.cdxj_key) is None for s in Manifest.from_json(stale).segments)  # merged away, deleted
    assert found() == _expected(10)  # the head's segments are gone: the newest manifest is read instead


def test_manifests_of_the_earlier_layout_are_read_and_merged(tmp_path):
    """Several level segments, each with an ``.idx`` block index object, as written before."""
    store = LocalStore(tmp_path / "archive")
    index = MergedIndex(store)
    blobs = []
    for n in range(3):
        warc = tmp_path / f"w{n}.warc.gz"
        write_warc(warc, [(URLS[(n * 7 + i) % len(URLS)], f"2026-11-{1 + n:02d}T10:00:{i:02d}Z", _page(n, i))
                          for i in range(5)])
        key = layout.warc_key("example", DAY, f"w{n}.warc.gz")
        store.put_file(key, warc)
        blobs.append(index_warc(warc, key))
    segments = []
    for level, blob in enumerate(blobs[:2]):
        data = blob.replace(b"\r", b"")
        lines = data.decode().splitlines()
        name = f"L{level}-{level:024x}"
        store.put_bytes(layout.merged_index_segment_key(name, ".cdxj"), data)
        store.put_bytes(layout.merged_index_segment_key(name, ".idx"),
                        json.dumps([[lines[0].split(" {")[0], 0, len(data)]]).encode())
        segments.append({"name": name, "level": level, "lines": len(lines), "size": len(data),
                         "first": lines[0].split(" {")[0], "last": lines[-1].split(" {")[0]})
    store.put_bytes(layout.merged_index_manifest_key(1),
                    json.dumps({"generation": 1, "segments": segments, "retired": []}, indent=1).encode())
    for url in URLS:
        assert [c.timestamp for c in list_captures(store, [url])] == _expected(2)[url]
    manifest = index.add([blobs[2]])
    assert len(manifest.segments) == 1 and manifest.segments[0].blocks and manifest.recent == ()
    retrieval._indexes.clear()
    for url in URLS:
        assert [c.timestamp for c in list_captures(store, [url])] == _expected(3)[url]


def test_concurrent_writers_lose_nothing(tmp_path):
    store = LocalStore(tmp_path / "archive")
    errors = []

    def writer(first: int) -> None:
        index = MergedIndex(LocalStore(tmp_path / "archive"), recent_max_bytes=3000)
        try:
            for n in range(first, first + 3):
                _add_warc_index(index, tmp_path / str(first), n)
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = []
    for first in (0, 3):
        (tmp_path / str(first)).mkdir()
        threads.append(threading.Thread(target=writer, args=(first,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for url in URLS:
        assert [c.timestamp for c in list_captures(store, [url])] == _expected(6)[url]


def test_rebuild_from_per_warc_indexes(tmp_path):
    store = LocalStore(tmp_path / "archive")
    for n, name in enumerate(["x.warc.gz", "y.warc.gz"]):
        _archive(store, tmp_path, name, [(URLS[n], f"2026-11-0{n + 1}T10:00:00Z", _page(n))])
    for key in list(store.list(layout.MERGED_INDEX_PREFIX)):
        if "/segments/" in key:
            store.delete(key)  # damage: segments lost
    manifest = rebuild(store)
    assert len(manifest.segments) == 1 and manifest.segments[0].lines == 2
    assert [c.url for c in list_captures(store, URLS[:2])] == URLS[:2]


def test_a_writer_that_loses_the_race_redoes_its_change(tmp_path):
    store = LocalStore(tmp_path / "archive")
    other = MergedIndex(store)
    (tmp_path / "other").mkdir()

    class RacingStore(CountingStore):
        """Lets the other writer commit just before this writer's first manifest write."""

        raced = False

        def put_bytes(self, key, data, **kwargs):
            if "/manifests/" in key and not self.raced:
                self.raced = True
                _add_warc_index(other, tmp_path / "other", 1)
            return self.inner.put_bytes(key, data, **kwargs)

    racing = RacingStore(store)
    _add_warc_index(MergedIndex(racing), tmp_path, 0)
    assert racing.raced
    manifest = MergedIndex(store).current()
    assert manifest.generation == 2 and MergedIndex(store).head() == manifest
    for url in URLS:
        assert [c.timestamp for c in list_captures(store, [url])] == _expected(2)[url]


def test_a_head_written_late_by_an_earlier_writer_is_put_right(tmp_path):
    store = LocalStore(tmp_path / "archive")
    other = MergedIndex(store)
    (tmp_path / "other").mkdir()

    class LateHeadStore(CountingStore):
        """The other writer commits and writes its head just before this writer's head write."""

        raced = False

        def put_bytes(self, key, data, **kwargs):
            if key == layout.merged_index_head_key() and not self.raced:
                self.raced = True
                _add_warc_index(other, tmp_path / "other", 1)
            return self.inner.put_bytes(key, data, **kwargs)

    late = LateHeadStore(store)
    _add_warc_index(MergedIndex(late), tmp_path, 0)
    assert late.raced
    assert MergedIndex(store).head().generation == 2
    for url in URLS:
        assert [c.timestamp for c in list_captures(store, [url])] == _expected(2)[url]
