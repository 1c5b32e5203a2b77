"""Latency of closest_capture + fetch_record on an index of about 10,000 captures.

Run: ``python -m tests.bench_retrieval [--captures 10000] [--lookups 200]``
Builds WARCs of small gzip-encoded pages, indexes them into a local store and
into SeaweedFS (started on loopback for the run), then times lookups of random
URLs and counts store requests per lookup.
"""
from __future__ import annotations

import argparse
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
from storage.retrieval import closest_capture, fetch_record
from storage.s3 import S3Store
from tests.s3server import SeaweedS3

DAY = datetime(2026, 11, 1, tzinfo=timezone.utc)


class CountingStore:
    def __init__(self, inner) -> None:
        self.inner, self.uri, self.requests = inner, inner.uri, 0

    def __getattr__(self, name):
        method = getattr(self.inner, name)

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


def measure(name: str, store, urls: list[str], lookups: int) -> None:
    counting = CountingStore(store)
    rng = random.Random(2)
    timings, requests = [], []
    for n in range(lookups + 1):
        url = rng.choice(urls)
        at = datetime(2026, rng.randint(1, 12), rng.randint(1, 28), tzinfo=timezone.utc)
        before = counting.requests
        start = time.perf_counter()
        capture = closest_capture(counting, [url], at)
        record = fetch_record(counting, capture)
        elapsed = time.perf_counter() - start
        assert record[:2] == b"\x1f\x8b"
        if n == 0:
            print(f"{name}: first lookup (reads manifest and block indexes) {elapsed * 1000:.1f} ms, "
                  f"{counting.requests - before} requests")
            continue
        timings.append(elapsed * 1000)
        requests.append(counting.requests - before)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{name}: {lookups} lookups: median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
          f"requests per lookup {statistics.mean(requests):.2f} (max {max(requests)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=10_000)
    parser.add_argument("--per-warc", type=int, default=100)
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()
    urls = [f"https://www.example.com/2026/article-{n}" for n in range(args.captures // 3)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        warcs, urls = build_warcs(tmp, args.captures, args.per_warc, urls)
        local = LocalStore(tmp / "archive")
        print(f"local: indexed {args.captures} captures in {len(warcs)} WARCs in {load(local, warcs):.1f} s, "
              f"{len(MergedIndex(local).current().segments)} segments")
        measure("local", local, urls, args.lookups)
        with SeaweedS3(tmp / "seaweed") as server:
            os.environ.update(server.env())
            s3 = S3Store(server.bucket, "bench")
            print(f"seaweedfs: indexed in {load(s3, warcs):.1f} s")
            measure("seaweedfs", s3, urls, args.lookups)


if __name__ == "__main__":
    main()
