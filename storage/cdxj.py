"""CDXJ indexes: one per WARC, and a merged, sorted index that lookups use.

Per-WARC index
    :func:`index_warc` runs the cdxj-indexer library over a local WARC and
    returns pywb-compatible lines ``<surt> <timestamp14> {json}`` (url, mime,
    status, digest, length, offset, filename), sorted, where ``filename`` is the
    WARC's store key: a lookup leads straight to a Range read of one record.
    The caller stores it at ``layout.cdxj_key(...)`` next to the WARC.

Merged index (``cdxj/_merged/``, keys from :mod:`storage.layout`)
    One sorted base segment, ZipNum-style, and the recent lines not merged into
    it yet:

    * ``segments/base-<sha>.cdxj.gz``: sorted CDXJ cut at line ends into blocks
      of about ``block_size`` bytes, each its own gzip member (``zcat`` gives
      the plain lines), named by content so a retried write is idempotent.
      Compressed blocks are a fifth of the bytes to read, and a store that
      compresses text itself (SeaweedFS does) need not inflate a whole chunk
      to serve a range of it;
    * ``manifests/<generation>.json``: the index in force, the summary: the
      base segment with its block index (``[first key, offset, length]`` of
      each gzip member) and the recent lines themselves, at most
      ``recent_max_bytes``. A
      new generation is written with a conditional put, so two concurrent
      writers cannot both win: the loser re-reads the winner's manifest and
      applies its change again on top;
    * ``head.json``: a copy of the newest manifest at a fixed key.

    Adding indexes writes a new generation whose recent lines include them;
    when the recent lines would outgrow ``recent_max_bytes``, they are merged
    into a new base segment (a streaming merge of sorted lines, dropping exact
    duplicates). Every line of one URL is therefore in one place, the recent
    lines or one contiguous byte range of the base, and a lookup is three
    requests, cold or warm: the head, one Range read of the blocks that can
    hold the URL, and the record itself. The price is on the writing side: each
    merge rewrites the base, about once per ``recent_max_bytes`` of new lines.
    Segments merged away stay readable for ``KEEP_GENERATIONS`` generations (a
    reader may hold an older manifest), then are deleted with old manifests.

    The head is written unconditionally after each commit, then checked
    against the listing of manifests and rewritten until it names the newest
    (two writers finishing together converge on the newest). While a writer
    is between its commit and its head write, or if it died there, readers see
    the previous generation until the next commit. Writers never read the
    head: they list the manifests. A reader that finds no head, or a head
    naming a segment already deleted, reads the newest manifest instead.
    Manifests of earlier versions (several plain ``.cdxj`` segments, each
    with a ``.idx`` block index object) are read as they are; the next
    addition merges them into one base.

    :func:`rebuild` recreates the merged index from all per-WARC indexes, the
    way back from any damage.
"""
from __future__ import annotations

import bisect
import hashlib
import heapq
import io
import json
import logging
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import surt
from cdxj_indexer.main import CDXJIndexer

from storage import layout
from storage.store import ConflictingObject, Store, StoreError

log = logging.getLogger(__name__)

BLOCK_SIZE = 32 * 1024
# Recent lines live in the manifest, which every lookup reads: a few hundred captures'
# worth keeps it small; more are merged into the base.
RECENT_MAX_BYTES = 128 * 1024
KEEP_GENERATIONS = 3
_WRITE_ATTEMPTS = 8


def index_warc(warc_path: Path, warc_key: str) -> bytes:
    """Sorted CDXJ lines for a local WARC, with ``filename`` set to its store key."""
    out = io.StringIO()
    CDXJIndexer(output=out, inputs=[str(warc_path)], filename=warc_key, sort=True).process_all()
    return out.getvalue().encode("utf-8")


def url_key(url: str) -> str:
    """The SURT form CDXJ lines are sorted by (the same function cdxj-indexer uses)."""
    try:
        return surt.surt(url)
    except Exception:  # what cdxj-indexer does for URLs surt cannot parse
        return url


Block = tuple[str, int, int]  # first "<surt> <timestamp>" of the block, its offset and length


@dataclass(frozen=True)
class Segment:
    name: str
    lines: int
    size: int
    first: str  # "<surt> <timestamp>" of the first and last lines
    last: str
    # The block index, inline in the manifest. Empty in manifests of earlier versions,
    # whose segments are plain text with their block index in the ``.idx`` object.
    blocks: tuple[Block, ...] = ()

    @property
    def gzip_blocks(self) -> bool:
        return bool(self.blocks)

    @property
    def cdxj_key(self) -> str:
        return layout.merged_index_segment_key(self.name, ".cdxj.gz" if self.gzip_blocks else ".cdxj")

    @property
    def idx_key(self) -> str:
        return layout.merged_index_segment_key(self.name, ".idx")

    def to_dict(self) -> dict:
        return {"name": self.name, "lines": self.lines, "size": self.size, "first": self.first,
                "last": self.last, "blocks": [list(b) for b in self.blocks]}

    @classmethod
    def from_dict(cls, raw: dict) -> Segment:
        return cls(raw["name"], raw["lines"], raw["size"], raw["first"], raw["last"],
                   tuple((b[0], b[1], b[2]) for b in raw.get("blocks", ())))


@dataclass(frozen=True)
class Manifest:
    generation: int = 0
    segments: tuple[Segment, ...] = ()  # one base segment (several in manifests of earlier versions)
    recent: tuple[str, ...] = ()  # sorted lines not merged into a segment yet
    retired: tuple[tuple[str, int], ...] = ()  # (segment name, generation it was merged away in)

    def to_json(self) -> bytes:
        return json.dumps({
            "generation": self.generation,
            "segments": [s.to_dict() for s in self.segments],
            "recent": list(self.recent),
            "retired": [list(r) for r in self.retired],
        }, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        raw = json.loads(data)
        return cls(raw["generation"], tuple(Segment.from_dict(s) for s in raw["segments"]),
                   tuple(raw.get("recent", ())), tuple((name, gen) for name, gen in raw["retired"]))


# What a change to the index makes of the manifest in force: the new segments, the new
# recent lines, and the segments it merged away.
Change = Callable[[Manifest], tuple[tuple[Segment, ...], tuple[str, ...], list[Segment]]]


@dataclass
class _Caches:
    manifests: dict[str, Manifest] = field(default_factory=dict)
    block_indexes: dict[str, tuple[list[str], list[int], list[int]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class MergedIndex:
    def __init__(self, store: Store, *, recent_max_bytes: int = RECENT_MAX_BYTES,
                 block_size: int = BLOCK_SIZE) -> None:
        self.store = store
        self.recent_max_bytes = recent_max_bytes
        self.block_size = block_size
        self._caches = _Caches()

    # -- reading -------------------------------------------------------------

    def current(self) -> Manifest:
        """The newest manifest, by listing the manifests (what writers build on)."""
        keys = list(self.store.list(layout.merged_index_manifests_prefix()))
        if not keys:
            return Manifest()
        newest = keys[-1]
        cached = self._caches.manifests.get(newest)
        if cached is None:
            cached = Manifest.from_json(self.store.get_bytes(newest))
            with self._caches.lock:
                self._caches.manifests = {newest: cached}  # immutable: the newest is all we need
        return cached

    def head(self) -> Manifest:
        """The manifest the head names (one request); the newest by listing when there is no head."""
        try:
            data = self.store.get_bytes(layout.merged_index_head_key())
        except StoreError:
            return self.current()
        return Manifest.from_json(data)

    def lookup(self, url_keys: Iterable[str]) -> list[str]:
        """Every line whose SURT key is one of ``url_keys``, sorted, without duplicates."""
        wanted = sorted(set(url_keys))
        try:
            return self._lookup(self.head(), wanted)
        except StoreError:
            # A compaction by another writer may have deleted what an older
            # manifest named: read the newest once more before giving up.
            return self._lookup(self.current(), wanted)

    def _lookup(self, manifest: Manifest, wanted: list[str]) -> list[str]:
        found = {line for key in wanted for line in _lines_with_key(manifest.recent, key)}
        reads = [read for segment in manifest.segments for read in self._ranges(segment, wanted)]
        if len(reads) > 1:
            # Ranges are independent: read them at once so latency is one round trip, not N.
            results = _reader_pool().map(lambda args: self._lines_in_range(*args), reads)
        else:
            results = [self._lines_in_range(*args) for args in reads]
        for lines in results:
            found.update(lines)
        return sorted(found)

    def _ranges(self, segment: Segment, wanted: list[str]) -> list[tuple[Segment, int, int, list[str]]]:
        """One ``(segment, offset, length, keys)`` per run of adjacent blocks that can hold ``keys``."""
        keys = [k for k in wanted if segment.first < k + "!" and segment.last >= k + " "]
        if not keys:
            return []
        firsts, offsets, lengths = self._block_index(segment)
        spans: list[list] = []
        for key in keys:
            prefix, upper = key + " ", key + "!"  # "!" follows " ": bounds lines of this key
            start = max(0, bisect.bisect_left(firsts, prefix) - 1)
            stop = bisect.bisect_left(firsts, upper)
            if stop <= start:
                continue
            if spans and start <= spans[-1][1]:  # the previous key's blocks reach this one's
                spans[-1][1] = max(spans[-1][1], stop)
                spans[-1][2].append(key)
            else:
                spans.append([start, stop, [key]])
        return [(segment, offsets[a], offsets[b - 1] + lengths[b - 1] - offsets[a], keys) for a, b, keys in spans]

    def _lines_in_range(self, segment: Segment, offset: int, length: int, keys: list[str]) -> list[str]:
        data = self.store.get_range(segment.cdxj_key, offset, length)
        text = _gunzip(data) if segment.gzip_blocks else data.decode("utf-8")
        prefixes = tuple(key + " " for key in keys)
        return [line for line in text.splitlines() if line.startswith(prefixes)]

    def _block_index(self, segment: Segment) -> tuple[list[str], list[int], list[int]]:
        cached = self._caches.block_indexes.get(segment.name)
        if cached is None:
            blocks = segment.blocks or json.loads(self.store.get_bytes(segment.idx_key))
            cached = ([b[0] for b in blocks], [b[1] for b in blocks], [b[2] for b in blocks])
            with self._caches.lock:
                self._caches.block_indexes[segment.name] = cached
        return cached

    # -- writing -------------------------------------------------------------

    def add(self, cdxj_blobs: Iterable[bytes]) -> Manifest:
        """Add per-WARC indexes to the recent lines, merging them into the base when they outgrow it."""
        lines = sorted({line for blob in cdxj_blobs for line in _cdxj_lines(blob)})
        if not lines:
            return self.current()

        def with_lines(manifest: Manifest) -> tuple[tuple[Segment, ...], tuple[str, ...], list[Segment]]:
            recent = tuple(_unique(heapq.merge(manifest.recent, lines)))
            if len(manifest.segments) <= 1 and _text_bytes(recent) <= self.recent_max_bytes:
                return manifest.segments, recent, []
            return self._merged(manifest.segments, recent), (), list(manifest.segments)

        return self._commit(with_lines)

    def compact(self) -> Manifest:
        """Merge the recent lines (and any segments of earlier versions) into one base segment."""
        def merge_all(manifest: Manifest) -> tuple[tuple[Segment, ...], tuple[str, ...], list[Segment]]:
            if len(manifest.segments) + bool(manifest.recent) <= 1:
                return manifest.segments, manifest.recent, []
            return self._merged(manifest.segments, manifest.recent), (), list(manifest.segments)

        return self._commit(merge_all)

    def _commit(self, change: Change) -> Manifest:
        for _ in range(_WRITE_ATTEMPTS):
            base = self.current()
            segments, recent, merged_away = change(base)
            generation = base.generation + 1
            still_retired = tuple(r for r in base.retired if r[1] > generation - 1 - KEEP_GENERATIONS)
            manifest = Manifest(generation, tuple(segments), tuple(recent),
                                still_retired + tuple((s.name, generation) for s in merged_away))
            key = layout.merged_index_manifest_key(generation)
            try:
                self.store.put_bytes(key, manifest.to_json())
            except ConflictingObject:
                continue  # another writer took this generation: redo on top of it
            with self._caches.lock:
                self._caches.manifests = {key: manifest}
            self._publish_head(manifest)
            self._collect_garbage(manifest)
            return manifest
        raise StoreError(f"{self.store.uri}: merged index is busy: gave up after {_WRITE_ATTEMPTS} attempts")

    def _publish_head(self, manifest: Manifest) -> None:
        """Copy ``manifest`` to the head, then make sure the head names the newest manifest:
        a writer that committed earlier may have written its head after ours."""
        for _ in range(_WRITE_ATTEMPTS):
            self.store.put_bytes(layout.merged_index_head_key(), manifest.to_json(), overwrite=True)
            newest = self.current()
            if newest.generation <= manifest.generation:
                return
            manifest = newest
        log.warning("%s: merged index head may trail the newest manifest (many writers at once)", self.store.uri)

    def _merged(self, segments: tuple[Segment, ...], recent: tuple[str, ...]) -> tuple[Segment, ...]:
        """One segment of the lines of ``segments`` and ``recent``, exact duplicates dropped."""
        if len(segments) == 1 and segments[0].gzip_blocks:
            return (self._merged_into(segments[0], recent),)
        streams = [_segment_text(self.store.get_bytes(s.cdxj_key), s).splitlines() for s in segments]
        lines = list(_unique(heapq.merge(*streams, recent)))
        return (self._write_segment(lines),) if lines else ()

    def _merged_into(self, base: Segment, recent: tuple[str, ...]) -> Segment:
        """``base`` with ``recent`` merged in. Each recent line goes to the last block whose
        first key is not above its own; blocks that get none are copied as they are (their
        gzip members are independent), the others are inflated, merged and cut again."""
        data = self.store.get_bytes(base.cdxj_key)
        firsts = [block[0] for block in base.blocks]
        routed: dict[int, list[str]] = {}
        for line in recent:
            routed.setdefault(max(0, bisect.bisect_right(firsts, _line_key(line)) - 1), []).append(line)
        members: list[tuple[str, bytes]] = []
        lines = base.lines
        for number, (first, offset, length) in enumerate(base.blocks):
            member = data[offset:offset + length]
            if number not in routed:
                members.append((first, member))
                continue
            old = _gunzip(member).splitlines()
            merged = list(_unique(heapq.merge(old, routed[number])))
            lines += len(merged) - len(old)
            members += [(_line_key(block[0]), _gzip_member(_text(block))) for block in self._blocks_of(merged)]
        return self._write_members(members, lines, base.last if not recent else max(base.last, _line_key(recent[-1])))

    def _write_segment(self, lines: list[str]) -> Segment:
        members = [(_line_key(block[0]), _gzip_member(_text(block))) for block in self._blocks_of(lines)]
        return self._write_members(members, len(lines), _line_key(lines[-1]))

    def _blocks_of(self, lines: list[str]) -> list[list[str]]:
        """``lines`` cut into blocks of at least ``block_size`` bytes (the last one may be shorter,
        but not under half of it unless it is the only one)."""
        blocks, block, size = [], [], 0
        for line in lines:
            block.append(line)
            size += len(line) + 1
            if size >= self.block_size:
                blocks.append(block)
                block, size = [], 0
        if block:
            if blocks and size < self.block_size // 2:
                blocks[-1] += block
            else:
                blocks.append(block)
        return blocks

    def _write_members(self, members: list[tuple[str, bytes]], lines: int, last: str) -> Segment:
        blocks, offset = [], 0
        for first, member in members:
            blocks.append((first, offset, len(member)))
            offset += len(member)
        data = b"".join(member for _, member in members)
        name = f"base-{hashlib.sha256(data).hexdigest()[:24]}"
        segment = Segment(name, lines, len(data), blocks[0][0], last, tuple(blocks))
        self.store.put_bytes(segment.cdxj_key, data)
        return segment

    def _collect_garbage(self, manifest: Manifest) -> None:
        horizon = manifest.generation - KEEP_GENERATIONS
        try:
            for name, generation in manifest.retired:
                if generation <= horizon:
                    for suffix in (".cdxj.gz", ".cdxj", ".idx"):  # the last two: segments of earlier versions
                        self.store.delete(layout.merged_index_segment_key(name, suffix))
            for key in self.store.list(layout.merged_index_manifests_prefix()):
                if int(key.rsplit("/", 1)[1].split(".")[0]) <= horizon:
                    self.store.delete(key)
        except StoreError as exc:  # garbage only: the next writer tries again
            log.warning("merged index clean-up incomplete: %s", exc)


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _reader_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="cdxj-lookup")
        return _pool


def rebuild(store: Store) -> Manifest:
    """Recreate the merged index from every per-WARC index as one base segment."""
    index = MergedIndex(store)
    keys = [k for k in store.list("cdxj/") if layout.is_warc_cdxj_key(k)]
    lines = sorted({line for key in keys for line in _cdxj_lines(store.get_bytes(key))})

    def replace_all(manifest: Manifest) -> tuple[tuple[Segment, ...], tuple[str, ...], list[Segment]]:
        return ((index._write_segment(lines),) if lines else ()), (), list(manifest.segments)

    manifest = index._commit(replace_all)
    referenced = {s.name for s in manifest.segments} | {name for name, _ in manifest.retired}
    for key in store.list(layout.MERGED_INDEX_PREFIX + "segments/"):
        if key.rsplit("/", 1)[1].split(".", 1)[0] not in referenced:
            store.delete(key)
    return manifest


def _segment_text(data: bytes, segment: Segment) -> str:
    if not segment.gzip_blocks:
        return data.decode("utf-8")
    return "".join(_gunzip(data[offset:offset + length]) for _, offset, length in segment.blocks)


def _gzip_member(data: bytes) -> bytes:
    """One gzip member, no name or time in its header, so the same lines give the same bytes
    and the same segment name. Level 1: a sixth of the size of CDXJ text, 8% more than level
    6 at less than half its time (a merge compresses every block it touches)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def _gunzip(members: bytes) -> str:
    """The text of one or more whole gzip members."""
    parts = []
    while members:
        inflater = zlib.decompressobj(31)
        parts.append(inflater.decompress(members))
        members = inflater.unused_data
    return b"".join(parts).decode("utf-8")


def _unique(lines: Iterable[str]) -> Iterator[str]:
    """Sorted ``lines`` without repeats."""
    previous = None
    for line in lines:
        if line != previous:
            yield line
        previous = line


def _text(lines: list[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _text_bytes(lines: Iterable[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _lines_with_key(sorted_lines: tuple[str, ...], key: str) -> list[str]:
    prefix = key + " "
    start = bisect.bisect_left(sorted_lines, prefix)
    stop = bisect.bisect_left(sorted_lines, key + "!", start)
    return list(sorted_lines[start:stop])


def _cdxj_lines(blob: bytes) -> Iterator[str]:
    for line in blob.decode("utf-8").splitlines():
        # Skip blank lines and header lines of other CDX flavours.
        if line and not line.startswith((" ", "!")):
            yield line


def _line_key(line: str) -> str:
    """``<surt> <timestamp>``: the part of a line that orders it."""
    return line.split(" {", 1)[0]
