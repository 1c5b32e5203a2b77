"""Extraction in worker processes, so that it uses every core despite the GIL, and while the crawl goes on.

A WARC is cut at record boundaries into parts of about ``PART_BYTES``; a worker
extracts each part with the ordinary ``extract_pages`` over a copy of its bytes
(named like the whole file), and the offsets of records and unextracted pages are
shifted back to the whole file's. They come back in file order, as from
``extract_pages``. Learned furniture is no business of the workers: the caller
learns from all the pages and removes it afterwards (``flows.extract.warc.finish``),
so nothing learned travels to the workers.

While a crawl writes its WARC, its recorder announces parts of whole records
(``spiders.warc_recorder``): ``streaming(warc_dir)`` around the crawl hands each
to the workers as it is announced, and ``extract_warc_parallel`` of the finished
file then only waits for them and extracts what follows the last one.

The workers are spawned, not forked: they import the extractor alone, not the
flow's modules nor the crawls' Scrapy (about 25 MB less resident memory each).
``NEWSARCHIVE_EXTRACT_WORKERS`` sets the number of workers (default: one per
core); 1 extracts in the calling process.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from warcio.archiveiterator import ArchiveIterator

from spiders.settings import WARC_PARTS_FILE
from storage.warc_writer import OPEN_SUFFIX

if TYPE_CHECKING:  # flows.extract.warc brings trafilatura: imported where extraction happens
    from flows.extract.warc import WarcExtraction

PART_BYTES = 2 * 1024 * 1024  # a few hundred pages: small enough to share out, large enough to amortise a task
# A whole file is cut into at least two parts per worker, none smaller than this (some
# dozens of pages), so that a file of a few megabytes keeps every worker busy.
MIN_PART_BYTES = 256 * 1024
# A WARC smaller than this (a dozen pages, or a run's feeds and sitemaps alone) is extracted
# in the calling process: starting the workers would cost more than it saves.
IN_PROCESS_BYTES = 256 * 1024
POLL_SECONDS = 0.2  # how often the parts a crawl announced are read

log = logging.getLogger(__name__)
_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
# Parts already given to the workers, by the WARC's final path: (start, end, future), in file order.
_streamed: dict[Path, list[tuple[int, int, Future]]] = {}


def worker_count() -> int:
    value = os.environ.get("NEWSARCHIVE_EXTRACT_WORKERS", "")
    return max(1, int(value)) if value.strip() else (os.cpu_count() or 1)


def _shared_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=worker_count(), mp_context=multiprocessing.get_context("spawn"))
        return _pool


def _discard_pool(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def _ready() -> None:
    import flows.extract.page  # noqa: F401 - the extractor (trafilatura, htmldate, lxml), imported once per worker
    import flows.extract.warc  # noqa: F401


def start_workers() -> None:
    """Start the workers now: each imports the extractor (a second or so) while the caller is
    still importing its own modules and reading its first WARC, instead of after."""
    if worker_count() > 1:
        pool = _shared_pool()
        for _ in range(worker_count()):  # a task for which no worker is idle starts one
            pool.submit(_ready)


@atexit.register
def _shutdown() -> None:
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)


def record_starts(path: Path, start: int = 0) -> list[int]:
    """Offsets of every record in the file from ``start`` (a record boundary), then the file's size.

    A ``.warc.gz`` holds one gzip member per record: the members are found by inflating
    them with zlib alone, without parsing the records' WARC and HTTP headers (which cost
    warcio about 0.13 ms a record, in the process that shares the parts out). Another
    file (an uncompressed WARC) is read record by record with warcio.
    """
    with open(path, "rb") as handle:
        handle.seek(start)
        compressed = handle.read(2) == _GZIP_MAGIC
        handle.seek(start)
        if compressed:
            starts = _member_starts(handle, start)
        else:
            records = ArchiveIterator(handle)
            starts = [records.get_record_offset() for _ in records]  # warcio's are offsets in the file
    return starts + [path.stat().st_size]


_GZIP_MAGIC = b"\x1f\x8b"
_READ_BYTES = 1 << 20


def _member_starts(handle, position: int) -> list[int]:
    """Where each gzip member begins, from ``position`` (the start of one) to the end of the file."""
    starts: list[int] = []
    member = None
    data = b""
    while True:
        if not data:
            data = handle.read(_READ_BYTES)
            if not data:
                return starts
        if member is None:
            if not data.startswith(_GZIP_MAGIC[: len(data)]):
                return starts  # not a member: no record starts here (the part's reader meets it)
            starts.append(position)
            member = zlib.decompressobj(wbits=31)
        member.decompress(data)
        if member.eof:  # the member ends inside ``data``: the next one begins right after it
            rest = member.unused_data
            position += len(data) - len(rest)
            data, member = rest, None
        else:
            position += len(data)
            data = b""


def parts(path: Path, part_bytes: int | None = None, start: int = 0) -> list[tuple[int, int]]:
    """``(start, end)`` byte ranges of whole records from ``start``, each about ``part_bytes`` (``PART_BYTES``) long."""
    part_bytes = part_bytes or PART_BYTES
    starts = record_starts(path, start)
    ranges, begin = [], start
    for offset in starts[1:]:
        if offset - begin >= part_bytes or offset == starts[-1]:
            ranges.append((begin, offset))
            begin = offset
    return [r for r in ranges if r[1] > r[0]]


def extract_part(path: Path, start: int, end: int, extracted_at: datetime | None = None,
                 name: str | None = None, signatures: bool = True) -> WarcExtraction:
    """The records of the bytes ``start:end`` of a WARC, with offsets into the whole file.

    ``name`` is the WARC's final name when ``path`` is its ``.open`` file, which the
    crawl may rename to ``name`` at any moment. ``signatures``: compute each record's
    MinHash signature too (a run clusters every new record; a re-extraction only the changed).
    """
    from flows.extract.warc import extract_pages

    name = name or path.name
    workdir = Path(tempfile.mkdtemp(prefix="extract-"))
    try:
        part = workdir / name  # records name the WARC they came from
        try:
            source = open(path, "rb")
        except FileNotFoundError:
            source = open(path.with_name(name), "rb")  # closed and renamed meanwhile
        with source, open(part, "wb") as target:
            source.seek(start)
            target.write(source.read(end - start))
        found = extract_pages(part, extracted_at)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for item in (*found.records, *found.unextracted):
        item.warc_offset += start
    if not signatures:
        return found
    from flows.dedup.minhash import signature, text_digest  # numpy alone, not datasketch

    # computed here, in parallel, rather than in the flow's process once the outlet is done
    found.signatures = {(r.warc_filename, r.warc_offset): (text_digest(r.text), signature(r.text).tobytes())
                        for r in found.records}
    return found


def extract_warc_parallel(path: Path, extracted_at: datetime | None = None,
                          signatures: bool = True) -> WarcExtraction:
    """``extract_pages(path)``, computed by the worker processes (partly during the crawl), with
    the records' signatures if ``signatures`` (``extract_part``)."""
    from flows.extract.warc import WarcExtraction, extract_pages

    with _lock:
        streamed = _streamed.pop(path, [])
    if extracted_at is not None:  # the parts were extracted with the time they were: start again
        for _, _, future in streamed:
            future.cancel()
        streamed = []
    covered = streamed[-1][1] if streamed else 0
    if not streamed and (worker_count() == 1 or path.stat().st_size < IN_PROCESS_BYTES):
        return extract_pages(path, extracted_at)
    pool = _shared_pool()
    try:
        futures = [future for _, _, future in streamed]
        share = (path.stat().st_size - covered) // (2 * worker_count())
        futures += [pool.submit(extract_part, path, start, end, extracted_at, None, signatures)
                    for start, end in parts(path, max(MIN_PART_BYTES, min(PART_BYTES, share)), start=covered)]
        found = WarcExtraction()
        for future in futures:
            found.extend(future.result())
        return found
    except BrokenProcessPool:
        _discard_pool(pool)  # a worker died (killed, out of memory): the next call starts afresh
        raise


class _PartsReader:
    """Reads the parts a crawl announces in ``warc_dir`` and gives each to the workers."""

    def __init__(self, warc_dir: Path) -> None:
        self.warc_dir = warc_dir
        self.parts_file = warc_dir / WARC_PARTS_FILE
        self.read = 0  # bytes of the parts file taken
        self.given: dict[Path, list[tuple[int, int, Future]]] = {}
        self.broken: str | None = None  # why the parts given cannot be used

    def poll(self) -> None:
        if self.broken:
            return
        try:
            with open(self.parts_file, "rb") as handle:
                handle.seek(self.read)
                data = handle.read()
        except FileNotFoundError:
            return
        complete = data[:data.rfind(b"\n") + 1]  # a line being written is taken next time
        self.read += len(complete)
        try:
            for line in complete.decode("utf-8").splitlines():
                name, start, end = line.split("\t")
                final = self.warc_dir / name
                given = self.given.setdefault(final, [])
                if int(start) != (given[-1][1] if given else 0) or int(end) <= int(start):
                    raise ValueError(f"part {line!r} does not follow the previous one")
                future = _shared_pool().submit(extract_part, self.warc_dir / (name + OPEN_SUFFIX), int(start),
                                               int(end), None, name)
                given.append((int(start), int(end), future))
        except Exception as exc:  # noqa: BLE001 - the files are then extracted whole, as without parts
            self.broken = f"{self.parts_file}: {type(exc).__name__}: {exc}"

    def watch(self, stop: threading.Event) -> None:
        while not stop.wait(POLL_SECONDS):
            self.poll()

    def cancel(self) -> None:
        for given in self.given.values():
            for _, _, future in given:
                future.cancel()


@contextlib.contextmanager
def streaming(warc_dir: Path) -> Iterator[None]:
    """Around a crawl writing into ``warc_dir``: its announced parts go to the workers at once.

    When the block ends, the parts given are kept for ``extract_warc_parallel`` of each
    finished file; when it fails, or the parts did not add up, they are cancelled (the
    files are then extracted whole).
    """
    if worker_count() == 1:
        yield
        return
    reader, stop = _PartsReader(Path(warc_dir)), threading.Event()
    watcher = threading.Thread(target=reader.watch, args=(stop,), name=f"parts {warc_dir}", daemon=True)
    watcher.start()
    try:
        yield
    except BaseException:
        stop.set()
        watcher.join()
        reader.cancel()
        raise
    stop.set()
    watcher.join()
    reader.poll()  # what was announced last
    if reader.broken:
        log.warning("extracting whole files: %s", reader.broken)
        reader.cancel()
        return
    with _lock:
        _streamed.update(reader.given)
