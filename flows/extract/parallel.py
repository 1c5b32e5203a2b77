"""Extraction in worker processes, so that it uses every core despite the GIL.

A WARC is cut at record boundaries into parts of about ``PART_BYTES``; a worker
extracts each part with the ordinary ``extract_pages`` over a copy of its bytes
(named like the whole file), and the offsets of records and unextracted pages are
shifted back to the whole file's. They come back in file order, as from
``extract_pages``. Learned furniture is no business of the workers: the caller
learns from all the pages and removes it afterwards (``flows.extract.warc.finish``),
so nothing learned travels to the workers.

``NEWSARCHIVE_EXTRACT_WORKERS`` sets the number of workers (default: one per
core); 1 extracts in the calling process.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from flows import fork_server
from flows.extract.warc import WarcExtraction, extract_pages

PART_BYTES = 2 * 1024 * 1024  # a few hundred pages: small enough to share out, large enough to amortise a task
# A WARC smaller than this (a dozen pages, or a run's feeds and sitemaps alone) is extracted
# in the calling process: starting the workers would cost more than it saves.
IN_PROCESS_BYTES = 256 * 1024

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def worker_count() -> int:
    value = os.environ.get("NEWSARCHIVE_EXTRACT_WORKERS", "")
    return max(1, int(value)) if value.strip() else (os.cpu_count() or 1)


def _shared_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=worker_count(), mp_context=fork_server.context())
        return _pool


def _discard_pool(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


@atexit.register
def _shutdown() -> None:
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)


def record_starts(path: Path) -> list[int]:
    """Offsets of every record in the file, then the file's size."""
    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        starts = [records.get_record_offset() for _ in records]
    return starts + [path.stat().st_size]


def parts(path: Path, part_bytes: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` byte ranges of whole records, each about ``part_bytes`` (``PART_BYTES``) long."""
    part_bytes = part_bytes or PART_BYTES
    starts = record_starts(path)
    ranges, begin = [], 0
    for offset in starts[1:]:
        if offset - begin >= part_bytes or offset == starts[-1]:
            ranges.append((begin, offset))
            begin = offset
    return [r for r in ranges if r[1] > r[0]]


def extract_part(path: Path, start: int, end: int, extracted_at: datetime | None = None) -> WarcExtraction:
    """The records of the bytes ``start:end`` of a WARC, with offsets into the whole file."""
    workdir = Path(tempfile.mkdtemp(prefix="extract-"))
    try:
        part = workdir / path.name  # records name the WARC they came from
        with open(path, "rb") as source, open(part, "wb") as target:
            source.seek(start)
            target.write(source.read(end - start))
        found = extract_pages(part, extracted_at)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for item in (*found.records, *found.unextracted):
        item.warc_offset += start
    return found


def extract_warc_parallel(path: Path, extracted_at: datetime | None = None) -> WarcExtraction:
    """``extract_pages(path)``, computed by the worker processes."""
    if worker_count() == 1 or path.stat().st_size < IN_PROCESS_BYTES:
        return extract_pages(path, extracted_at)
    ranges = parts(path)
    pool = _shared_pool()
    try:
        futures = [pool.submit(extract_part, path, start, end, extracted_at) for start, end in ranges]
        found = WarcExtraction()
        for future in futures:
            found.extend(future.result())
        return found
    except BrokenProcessPool:
        _discard_pool(pool)  # a worker died (killed, out of memory): the next call starts afresh
        raise
