"""Read WARC files back: responses for extraction, every record for tools.

Bodies of responses are content-decoded (gzip, brotli, deflate) through
warcio's ``content_stream()``; the stored bytes stay as they were received.
``offset`` and ``length`` locate a record's gzip member in the file, which is
what an HTTP Range read or a CDXJ index needs.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

logger = logging.getLogger(__name__)

# Above the crawler's download limit (20 MiB): larger bodies never came from an accepted download.
MAX_BODY_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class WarcResponse:
    url: str
    date: datetime  # aware, UTC
    status: int
    headers: list[tuple[str, str]]  # HTTP headers as recorded, repeated ones kept
    body: bytes  # content-decoded
    offset: int
    length: int
    record_id: str
    payload_digest: str
    filename: str

    def header(self, name: str) -> str | None:
        """The last value of header ``name`` (case-insensitive), or None."""
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        return found[-1] if found else None


@dataclass(frozen=True)
class WarcRecord:
    """Any record. ``payload`` is the block after the HTTP headers (if any),
    exactly as stored: no content or transfer decoding."""

    rec_type: str
    url: str
    date: datetime
    record_id: str
    warc_headers: list[tuple[str, str]]
    http_headers: list[tuple[str, str]] | None
    status_line: str | None  # "200 OK" for responses, "GET /x HTTP/1.1" for requests
    payload: bytes
    offset: int
    length: int
    filename: str

    def warc_header(self, name: str) -> str | None:
        found = [value for key, value in self.warc_headers if key.lower() == name.lower()]
        return found[-1] if found else None


def parse_warc_date(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _status_line(record: ArcWarcRecord) -> str | None:
    if not record.http_headers:
        return None
    if record.rec_type == "request":
        return f"{record.http_headers.protocol} {record.http_headers.statusline}"
    return record.http_headers.statusline


def iter_records(path: str | os.PathLike) -> Iterator[WarcRecord]:
    """Every record in the file, in order."""
    name = Path(path).name
    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        for record in records:
            payload = record.raw_stream.read()
            yield WarcRecord(
                rec_type=record.rec_type,
                url=record.rec_headers.get_header("WARC-Target-URI") or "",
                date=parse_warc_date(record.rec_headers.get_header("WARC-Date")),
                record_id=record.rec_headers.get_header("WARC-Record-ID"),
                warc_headers=list(record.rec_headers.headers),
                http_headers=list(record.http_headers.headers) if record.http_headers else None,
                status_line=_status_line(record),
                payload=payload,
                offset=records.get_record_offset(),
                length=records.get_record_length(),
                filename=name,
            )


def iter_responses(path: str | os.PathLike, max_body: int = MAX_BODY_BYTES) -> Iterator[WarcResponse]:
    """The ``response`` records of a WARC file, bodies content-decoded.

    A response whose decoded body exceeds ``max_body`` bytes is skipped (and
    logged): a gzip bomb, a few hundred kilobytes as stored, must not be
    inflated into memory. The crawler refuses such responses too.
    """
    name = Path(path).name
    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        for record in records:
            if record.rec_type != "response" or not record.http_headers:
                continue
            body = record.content_stream().read(max_body + 1)
            if len(body) > max_body:
                logger.warning("skipping %s in %s: body over %d bytes decoded",
                               record.rec_headers.get_header("WARC-Target-URI"), name, max_body)
                continue
            yield WarcResponse(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                date=parse_warc_date(record.rec_headers.get_header("WARC-Date")),
                status=int(record.http_headers.get_statuscode() or 0),
                headers=list(record.http_headers.headers),
                body=body,
                offset=records.get_record_offset(),
                length=records.get_record_length(),
                record_id=record.rec_headers.get_header("WARC-Record-ID"),
                payload_digest=record.rec_headers.get_header("WARC-Payload-Digest") or "",
                filename=name,
            )
