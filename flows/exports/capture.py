"""One archived capture out of the store: the URL forms it may be indexed under, and
its WARC records as a file of their own.

Used by ``newsarchive get --warc`` and by the web app's downloads. The records are
read with Range requests (the capture's gzip member, then a small probe for the
request record written right after it), never a whole WARC.
"""
from __future__ import annotations

import zlib
from urllib.parse import urlsplit, urlunsplit

from storage.store import Store, StoreError

# A request record is a few hundred bytes; one read of this size after its response finds it.
_REQUEST_PROBE = 8192


def url_variants(url: str) -> list[str]:
    """The URL as given, its canonical form, and both with http and https.

    The crawler records ``http://<host>/...`` when it goes through a proxy; the
    canonical form is ``https``. Raises ``ValueError`` for what is not an http(s) URL.
    """
    from spiders.urls import canonical_url

    given = url.strip()
    if "://" not in given:
        given = "https://" + given
    parts = urlsplit(given)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    variants: list[str] = []
    for form in (given, canonical_url(given)):
        split = urlsplit(form)
        for scheme in ("http", "https"):
            candidate = urlunsplit((scheme, *split[1:]))
            if candidate not in variants:
                variants.append(candidate)
    return variants


def warc_records_of(store: Store, retrieved) -> list[bytes]:
    """A retrieved capture's records as gzip members, oldest first: for a revisit, its
    original response comes first; each response or revisit is followed by its request
    record when the crawler wrote one right after it."""
    pairs = [(retrieved.capture, retrieved.records[0])]
    if retrieved.original is not retrieved.capture and len(retrieved.records) > 1:
        pairs.insert(0, (retrieved.original, retrieved.records[1]))
    members: list[bytes] = []
    for capture, record in pairs:
        members.append(record)
        request = _request_after(store, capture, record)
        if request:
            members.append(request)
    return members


def _request_after(store: Store, capture, record: bytes) -> bytes | None:
    """The request record written right after ``record`` and concurrent to it, if any."""
    start = capture.offset + capture.length
    try:
        following = store.get_range(capture.warc_key, start, _REQUEST_PROBE)
    except StoreError:
        # Near the end of the file: read exactly what is left.
        info = store.head(capture.warc_key)
        if info is None or info.size <= start:
            return None
        following = store.get_range(capture.warc_key, start, min(info.size - start, _REQUEST_PROBE))
    member = _first_gzip_member(following)
    if member is None:
        return None
    request_headers, record_headers = _warc_headers(member), _warc_headers(record)
    if (request_headers.get("warc-type") == "request"
            and request_headers.get("warc-concurrent-to") == record_headers.get("warc-record-id")):
        return member
    return None


def _first_gzip_member(data: bytes) -> bytes | None:
    inflater = zlib.decompressobj(wbits=31)
    try:
        inflater.decompress(data)
    except zlib.error:
        return None
    if not inflater.eof:
        return None
    return data[: len(data) - len(inflater.unused_data)]


def _warc_headers(member: bytes) -> dict[str, str]:
    head = zlib.decompressobj(wbits=31).decompress(member, 65536).split(b"\r\n\r\n", 1)[0]
    headers = {}
    for line in head.decode("utf-8", "replace").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers
