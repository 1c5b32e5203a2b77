"""``get`` latency: closest_capture + fetch_record over a merged index, local store and SeaweedFS.

WARCs of small gzip-encoded pages are built and indexed into a local store and
into SeaweedFS (started on loopback for the run), one ``MergedIndex.add`` per
WARC as runs add them (the time that takes is the index's write cost); lookups
of random URLs at random dates are timed and the store requests each one makes
are counted (HTTP requests for SeaweedFS, store calls for the local store). The
first lookup, in a fresh reader, is reported apart. The baseline is the record
read alone (one ranged read of a capture already known).
"""
from __future__ import annotations

import io
import os
import random
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage import layout
from storage.cdxj import MergedIndex, index_warc
from storage.local import LocalStore
from storage import retrieval
from storage.retrieval import closest_capture, fetch_record
from storage.s3 import S3Store

DAY = datetime(2026, 11, 1, tzinfo=timezone.utc)


class CountingStore:
    """Counts the requests made to a store: HTTP requests for S3, calls otherwise (one request each)."""

    def __init__(self, inner) -> None:
        self.inner, self.uri, self.requests = inner, inner.uri, 0
        client = getattr(inner, "client", None)
        if client is not None:
            client.meta.events.register("before-send.s3", self._sent)

    def _sent(self, **_kwargs) -> None:
        self.requests += 1

    def __getattr__(self, name):
        method = getattr(self.inner, name)
        if getattr(self.inner, "client", None) is not None:
            return method

        def counted(*args, **kwargs):
            self.requests += 1
            result = method(*args, **kwargs)
            return list(result) if name == "list" else result

        return counted


def build_warcs(workdir: Path, captures: int, per_warc: int, urls: list[str]) -> tuple[list[Path], list[str]]:
    rng = random.Random(1)
    paths, captured = [], set()
    for w in range(captures // per_warc):
        path = workdir / f"bench-{w:05d}.warc.gz"
        with open(path, "wb") as fh:
            writer = WARCWriter(fh, gzip=True, warc_version="1.1")
            for i in range(per_warc):
                body = (f"<html><p>{w}-{i}</p>" + "lorem ipsum " * 200 + "</html>").encode()
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"),
                                                   ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
                date = f"2026-{1 + w % 12:02d}-{1 + w % 28:02d}T{i % 24:02d}:{i % 60:02d}:{w % 60:02d}Z"
                url = rng.choice(urls)
                captured.add(url)
                writer.write_record(writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=http,
                    warc_headers_dict={"WARC-Date": date}))
        paths.append(path)
    return paths, sorted(captured)


def load(store, warcs: list[Path]) -> float:
    start = time.perf_counter()
    index = MergedIndex(store)
    for path in warcs:
        key = layout.warc_key("bench", DAY, path.name)
        store.put_file(key, path)
        index.add([index_warc(path, key)])
    return time.perf_counter() - start


def lookups(store, urls: list[str], count: int) -> dict:
    counting = CountingStore(store)
    rng = random.Random(2)
    timings, requests, record_alone, first = [], [], [], {}
    for n in range(count + 1):
        url = rng.choice(urls)
        at = datetime(2026, rng.randint(1, 12), rng.randint(1, 28), tzinfo=timezone.utc)
        before = counting.requests
        start = time.perf_counter()
        capture = closest_capture(counting, [url], at)
        record = fetch_record(counting, capture)
        elapsed_ms = (time.perf_counter() - start) * 1000
        if record[:2] != b"\x1f\x8b":
            raise RuntimeError(f"lookup of {url} returned no gzip member")
        if n == 0:
            first = {"ms": elapsed_ms, "requests": counting.requests - before}
            continue
        timings.append(elapsed_ms)
        requests.append(counting.requests - before)
        start = time.perf_counter()
        fetch_record(store, capture)
        record_alone.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {"lookups": count, "median_ms": statistics.median(timings),
            "p95_ms": timings[max(0, int(len(timings) * 0.95) - 1)],
            "record_alone_median_ms": statistics.median(record_alone),
            "requests_per_lookup": statistics.mean(requests), "max_requests": max(requests), "first": first}


def measure(captures: int, count: int = 200, per_warc: int = 1000) -> dict:
    from tests.servers.s3 import SeaweedS3  # the test server: part of the source checkout

    urls = [f"https://www.example.com/2026/article-{n}" for n in range(captures // 3)]
    result: dict = {"captures": captures}
    with tempfile.TemporaryDirectory(prefix="bench-get-") as tmp:
        work = Path(tmp)
        warcs, urls = build_warcs(work, captures, min(per_warc, captures), urls)
        local = LocalStore(work / "archive")
        result["local"] = {"load_s": load(local, warcs), **lookups(local, urls, count)}
        retrieval._indexes.clear()
        with SeaweedS3(work / "seaweed") as server:
            os.environ.update(server.env())
            s3 = S3Store(server.bucket, "bench")
            result["seaweedfs"] = {"load_s": load(s3, warcs), **lookups(s3, urls, count)}
    return result
