"""CDXJ indexes: one per WARC, and a merged, sorted index that lookups use.

Per-WARC index
    :func:`index_warc` runs the cdxj-indexer library over a local WARC and
    returns pywb-compatible lines ``<surt> <timestamp14> {json}`` (url, mime,
    status, digest, length, offset, filename), sorted, where ``filename`` is the
    WARC's store key: a lookup leads straight to a Range read of one record.
    The caller stores it at ``layout.cdxj_key(...)`` next to the WARC.

Merged index (``cdxj/_merged/``, keys from :mod:`storage.layout`)
    A log-structured set of immutable, sorted segments, like an LSM tree:

    * ``segments/L<level>-<sha>.cdxj``: plain sorted CDXJ (pywb can read it as
      is), named by content so a retried write is idempotent;
    * ``segments/L<level>-<sha>.idx``: its block index, a JSON list of
      ``[first key, offset, length]`` per block of about ``block_size`` bytes
      cut at line ends (the ZipNum idea, uncompressed);
    * ``manifests/<generation>.json``: the segments in force. A new generation
      is written with a conditional put, so two concurrent writers cannot both
      win: the loser re-reads the winner's manifest and applies its change
      again on top.

    Adding indexes writes one level-0 segment. When ``fanout`` segments share
    a level they are merged (a streaming merge of sorted lines, dropping exact
    duplicates) into one segment of the next level, so there are at most
    ``(fanout - 1)`` segments per level and about ``log_fanout(N)`` levels,
    and each line is rewritten once per level. Segments merged away stay
    readable for ``KEEP_GENERATIONS`` generations (a reader may hold an older
    manifest), then are deleted together with old manifests.

    A lookup lists the manifests (one LIST), reads the newest manifest and each
    segment's block index once (both immutable, so cached), then per segment
    whose key range can hold the URL it binary-searches the block index and
    reads only the blocks that can hold matches (one Range read; segments are
    read in parallel). Lines found in several segments (a WARC indexed twice)
    are reported once.

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
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import surt
from cdxj_indexer.main import CDXJIndexer

from storage import layout
from storage.store import ConflictingObject, Store, StoreError

log = logging.getLogger(__name__)

FANOUT = 4
BLOCK_SIZE = 32 * 1024
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


@dataclass(frozen=True)
class Segment:
    name: str
    level: int
    lines: int
    size: int
    first: str  # "<surt> <timestamp>" of the first and last lines
    last: str

    @property
    def cdxj_key(self) -> str:
        return layout.merged_index_segment_key(self.name, ".cdxj")

    @property
    def idx_key(self) -> str:
        return layout.merged_index_segment_key(self.name, ".idx")


@dataclass(frozen=True)
class Manifest:
    generation: int = 0
    segments: tuple[Segment, ...] = ()
    retired: tuple[tuple[str, int], ...] = ()  # (segment name, generation it was merged away in)

    def to_json(self) -> bytes:
        return json.dumps({
            "generation": self.generation,
            "segments": [asdict(s) for s in self.segments],
            "retired": [list(r) for r in self.retired],
        }, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        raw = json.loads(data)
        return cls(raw["generation"], tuple(Segment(**s) for s in raw["segments"]),
                   tuple((name, gen) for name, gen in raw["retired"]))


@dataclass
class _Caches:
    manifests: dict[str, Manifest] = field(default_factory=dict)
    block_indexes: dict[str, tuple[list[str], list[int], list[int]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class MergedIndex:
    def __init__(self, store: Store, *, fanout: int = FANOUT, block_size: int = BLOCK_SIZE) -> None:
        if fanout < 2:
            raise ValueError("fanout must be at least 2")
        self.store = store
        self.fanout = fanout
        self.block_size = block_size
        self._caches = _Caches()

    # -- reading -------------------------------------------------------------

    def current(self) -> Manifest:
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

    def lookup(self, url_keys: Iterable[str]) -> list[str]:
        """Every line whose SURT key is one of ``url_keys``, sorted, without duplicates."""
        wanted = sorted(set(url_keys))
        try:
            return self._lookup(self.current(), wanted)
        except StoreError:
            # A compaction by another writer may have deleted what an older
            # manifest named: read the newest once more before giving up.
            return self._lookup(self.current(), wanted)

    def _lookup(self, manifest: Manifest, wanted: list[str]) -> list[str]:
        reads = []
        for segment in manifest.segments:
            for key in wanted:
                prefix, upper = key + " ", key + "!"  # "!" follows " ": bounds lines of this key
                if segment.first < upper and segment.last >= prefix:
                    reads.append((segment, prefix, upper))
        if len(reads) > 1:
            # Segments are independent: read them at once so latency is one round trip, not N.
            results = _reader_pool().map(lambda args: list(self._lines_in_segment(*args)), reads)
        else:
            results = [list(self._lines_in_segment(*args)) for args in reads]
        return sorted({line for lines in results for line in lines})

    def _lines_in_segment(self, segment: Segment, prefix: str, upper: str) -> Iterator[str]:
        firsts, offsets, lengths = self._block_index(segment)
        start = max(0, bisect.bisect_left(firsts, prefix) - 1)
        stop = bisect.bisect_left(firsts, upper)
        if stop <= start:
            return
        offset = offsets[start]
        length = offsets[stop - 1] + lengths[stop - 1] - offset
        data = self.store.get_range(segment.cdxj_key, offset, length).decode("utf-8")
        for line in data.splitlines():
            if line.startswith(prefix):
                yield line

    def _block_index(self, segment: Segment) -> tuple[list[str], list[int], list[int]]:
        cached = self._caches.block_indexes.get(segment.name)
        if cached is None:
            blocks = json.loads(self.store.get_bytes(segment.idx_key))
            cached = ([b[0] for b in blocks], [b[1] for b in blocks], [b[2] for b in blocks])
            with self._caches.lock:
                self._caches.block_indexes[segment.name] = cached
        return cached

    # -- writing -------------------------------------------------------------

    def add(self, cdxj_blobs: Iterable[bytes]) -> Manifest:
        """Add per-WARC indexes as one new segment, compacting as needed."""
        lines = sorted({line for blob in cdxj_blobs for line in _cdxj_lines(blob)})
        if not lines:
            return self.current()
        new_segment = self._write_segment(lines, level=0)
        return self._commit(lambda manifest: self._compacted(manifest.segments + (new_segment,)))

    def compact(self) -> Manifest:
        """Merge every segment into one (fewest reads per lookup)."""
        def merge_all(manifest: Manifest) -> tuple[tuple[Segment, ...], list[Segment]]:
            if len(manifest.segments) <= 1:
                return manifest.segments, []
            level = max(s.level for s in manifest.segments) + 1
            return (self._merge(manifest.segments, level),), list(manifest.segments)

        return self._commit(merge_all)

    def _commit(self, change) -> Manifest:
        for _ in range(_WRITE_ATTEMPTS):
            base = self.current()
            segments, merged_away = change(base)
            generation = base.generation + 1
            still_retired = tuple(r for r in base.retired if r[1] > generation - 1 - KEEP_GENERATIONS)
            manifest = Manifest(generation, tuple(segments),
                                still_retired + tuple((s.name, generation) for s in merged_away))
            try:
                self.store.put_bytes(layout.merged_index_manifest_key(generation), manifest.to_json())
            except ConflictingObject:
                continue  # another writer took this generation: redo on top of it
            self._collect_garbage(manifest)
            return manifest
        raise StoreError(f"{self.store.uri}: merged index is busy: gave up after {_WRITE_ATTEMPTS} attempts")

    def _compacted(self, segments: tuple[Segment, ...]) -> tuple[tuple[Segment, ...], list[Segment]]:
        merged_away: list[Segment] = []
        while True:
            by_level: dict[int, list[Segment]] = {}
            for segment in segments:
                by_level.setdefault(segment.level, []).append(segment)
            full = [level for level, group in sorted(by_level.items()) if len(group) >= self.fanout]
            if not full:
                return segments, merged_away
            group = by_level[full[0]]
            merged = self._merge(group, full[0] + 1)
            merged_away += group
            segments = tuple(s for s in segments if s not in group) + (merged,)

    def _merge(self, segments: Iterable[Segment], level: int) -> Segment:
        streams = [self.store.get_bytes(s.cdxj_key).decode("utf-8").splitlines() for s in segments]
        lines, previous = [], None
        for line in heapq.merge(*streams):
            if line != previous:
                lines.append(line)
            previous = line
        return self._write_segment(lines, level)

    def _write_segment(self, lines: list[str], level: int) -> Segment:
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        name = f"L{level}-{hashlib.sha256(data).hexdigest()[:24]}"
        blocks, block_start, offset = [], 0, 0
        for line in lines:
            if offset == block_start or offset - block_start >= self.block_size:
                if blocks:
                    blocks[-1][2] = offset - block_start
                blocks.append([_line_key(line), offset, 0])
                block_start = offset
            offset += len(line.encode("utf-8")) + 1
        blocks[-1][2] = offset - block_start
        segment = Segment(name, level, len(lines), len(data), _line_key(lines[0]), _line_key(lines[-1]))
        self.store.put_bytes(segment.cdxj_key, data)
        self.store.put_bytes(segment.idx_key, json.dumps(blocks, separators=(",", ":")).encode())
        return segment

    def _collect_garbage(self, manifest: Manifest) -> None:
        horizon = manifest.generation - KEEP_GENERATIONS
        try:
            for name, generation in manifest.retired:
                if generation <= horizon:
                    self.store.delete(layout.merged_index_segment_key(name, ".cdxj"))
                    self.store.delete(layout.merged_index_segment_key(name, ".idx"))
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
    """Recreate the merged index from every per-WARC index as one segment."""
    index = MergedIndex(store)
    keys = [k for k in store.list("cdxj/") if layout.is_warc_cdxj_key(k)]
    lines = sorted({line for key in keys for line in _cdxj_lines(store.get_bytes(key))})

    def replace_all(manifest: Manifest) -> tuple[tuple[Segment, ...], list[Segment]]:
        if not lines:
            return (), list(manifest.segments)
        level = max([s.level for s in manifest.segments] + [0]) + 1
        return (index._write_segment(lines, level),), list(manifest.segments)

    manifest = index._commit(replace_all)
    referenced = {s.name for s in manifest.segments} | {name for name, _ in manifest.retired}
    for key in store.list(layout.MERGED_INDEX_PREFIX + "segments/"):
        if key.rsplit("/", 1)[1].rsplit(".", 1)[0] not in referenced:
            store.delete(key)
    return manifest


def _cdxj_lines(blob: bytes) -> Iterator[str]:
    for line in blob.decode("utf-8").splitlines():
        # Skip blank lines and header lines of other CDX flavours.
        if line and not line.startswith((" ", "!")):
            yield line


def _line_key(line: str) -> str:
    """``<surt> <timestamp>``: the part of a line that orders it."""
    return line.split(" {", 1)[0]
