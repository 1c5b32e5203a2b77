"""Find archived captures of a URL and read them back with Range requests.

The caller passes URL variants (canonical and as fetched): storage does not
canonicalise URLs. A capture found in the merged CDXJ index names its WARC
key, offset and length, so reading it is one ranged read of exactly one
gzip member. A revisit record (identical payload) resolves to its original:
first through its ``WARC-Refers-To-Target-URI`` and ``WARC-Refers-To-Date``,
else through a capture of the same URLs with the same payload digest.
"""
from __future__ import annotations

import io
import json
import weakref
from dataclasses import dataclass
from datetime import datetime, timezone

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_timestamp, timestamp_to_datetime

from storage.cdxj import MergedIndex, url_key
from storage.store import Store, StoreError

_GZIP_MAGIC = b"\x1f\x8b"


class RetrievalError(StoreError):
    """A capture cannot be found or read back as a WARC record."""


@dataclass(frozen=True)
class Capture:
    timestamp: str  # 14 digits, UTC
    url: str
    status: int | None
    mime: str
    digest: str
    warc_key: str
    offset: int
    length: int
    is_revisit: bool

    @property
    def when(self) -> datetime:
        return timestamp_to_datetime(self.timestamp).replace(tzinfo=timezone.utc)

    @classmethod
    def from_cdxj(cls, line: str) -> Capture:
        _surt, timestamp, fields = line.split(" ", 2)
        data = json.loads(fields)
        status = data.get("status")
        return cls(
            timestamp=timestamp, url=data["url"], status=int(status) if status and status.isdigit() else None,
            mime=data.get("mime", ""), digest=data.get("digest", ""), warc_key=data["filename"],
            offset=int(data["offset"]), length=int(data["length"]), is_revisit=data.get("mime") == "warc/revisit",
        )


@dataclass(frozen=True)
class Retrieved:
    """A capture read back: what the server sent, and the WARC records it came from."""
    capture: Capture
    original: Capture  # the capture holding the payload (itself unless a revisit)
    http_headers: StatusAndHeaders
    payload: bytes  # content-decoded (no gzip/br, no chunking)
    records: tuple[bytes, ...]  # raw gzip members: the capture's record, then its original's if a revisit


# One index reader per store object, so block indexes of earlier versions' segments are read once.
_indexes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def merged_index_for(store: Store) -> MergedIndex:
    try:
        index = _indexes.get(store)
        if index is None:
            index = _indexes[store] = MergedIndex(store)
        return index
    except TypeError:  # a store that cannot be weakly referenced
        return MergedIndex(store)


def list_captures(store: Store, url_variants: list[str]) -> list[Capture]:
    """Every capture of any of the URL variants, oldest first."""
    keys = {url_key(url) for url in url_variants if url}
    lines = merged_index_for(store).lookup(keys)
    captures = {}
    for line in lines:
        capture = Capture.from_cdxj(line)
        captures[(capture.warc_key, capture.offset)] = capture
    return sorted(captures.values(), key=lambda c: (c.timestamp, c.warc_key, c.offset))


def closest_capture(store: Store, url_variants: list[str], at: datetime | None = None) -> Capture | None:
    """The capture nearest to ``at`` (the newest when ``at`` is None); ties go to the later one."""
    captures = list_captures(store, url_variants)
    if not captures:
        return None
    if at is None:
        return captures[-1]
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return min(reversed(captures), key=lambda c: abs((c.when - at).total_seconds()))


def fetch_record(store: Store, capture: Capture) -> bytes:
    """The capture's WARC record: exactly one gzip member, by one ranged read."""
    data = store.get_range(capture.warc_key, capture.offset, capture.length)
    if not data.startswith(_GZIP_MAGIC):
        raise RetrievalError(
            f"{store.uri}: {capture.warc_key} at {capture.offset} is not a gzip member (stale index?)")
    return data


def read_payload(record_bytes: bytes) -> tuple[StatusAndHeaders, bytes]:
    """The HTTP headers and content-decoded payload of one response record."""
    record = _parse(record_bytes)
    if record.rec_type == "revisit":
        raise RetrievalError("a revisit record holds no payload: read its original (see retrieve)")
    return record.http_headers, record.content_stream().read()


def original_of(store: Store, capture: Capture, url_variants: list[str] = ()) -> Capture:
    """The capture holding a revisit's payload (the capture itself if not a revisit)."""
    if not capture.is_revisit:
        return capture
    record = _parse(fetch_record(store, capture))
    target = record.rec_headers.get_header("WARC-Refers-To-Target-URI")
    refers_date = record.rec_headers.get_header("WARC-Refers-To-Date")
    candidates = list_captures(store, [capture.url, *url_variants, *([target] if target else [])])
    originals = [c for c in candidates if not c.is_revisit]
    if refers_date:
        wanted_ts = iso_date_to_timestamp(refers_date)
        exact = [c for c in originals if c.timestamp == wanted_ts and (not target or c.url == target)]
        if exact:
            return exact[0]
    same_payload = [c for c in originals if capture.digest and c.digest == capture.digest
                    and c.timestamp <= capture.timestamp]
    if same_payload:
        return same_payload[-1]
    raise RetrievalError(f"{store.uri}: the original of the revisit of {capture.url} at {capture.timestamp} "
                         "is not in the index")


def retrieve(store: Store, capture: Capture, url_variants: list[str] = ()) -> Retrieved:
    """Read a capture back, following a revisit to its original payload."""
    record_bytes = fetch_record(store, capture)
    if not capture.is_revisit:
        headers, payload = read_payload(record_bytes)
        return Retrieved(capture, capture, headers, payload, (record_bytes,))
    original = original_of(store, capture, url_variants)
    original_bytes = fetch_record(store, original)
    original_headers, payload = read_payload(original_bytes)
    # The revisit's own HTTP headers describe that later response, when recorded.
    headers = _parse(record_bytes).http_headers or original_headers
    return Retrieved(capture, original, headers, payload, (record_bytes, original_bytes))


def _parse(record_bytes: bytes):
    records = ArchiveIterator(io.BytesIO(record_bytes), arc2warc=False)
    try:
        record = next(records)
    except StopIteration:
        raise RetrievalError("no WARC record in the bytes read") from None
    return record
