"""Write WARC/1.1 files: one gzip member per record, rotation by size, atomic close.

A file is written as ``<name>.open`` and renamed to ``<name>`` only after it is
flushed and fsynced, so an interrupted crawl leaves ``.open`` files that no
reader or uploader takes for a finished WARC. Every file starts with a
``warcinfo`` record that names the software and the outlet, never a host,
path or credential.

Record ids, dates and the file-name token are injectable so that tests can pin
them and compare written bytes exactly.
"""
from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter as _WarcioWriter

from storage.durable import fsync_dir

WARC_VERSION = "WARC/1.1"
WARC_1_1_SPEC = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
DEFAULT_MAX_BYTES = 1024**3
OPEN_SUFFIX = ".open"

Headers = Sequence[tuple[str, str]]


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def warc_date(when: datetime) -> str:
    """ISO 8601 in UTC with microseconds (WARC/1.1 allows sub-second precision)."""
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return datetime_to_iso_date(when, use_micros=True)


@dataclass(frozen=True)
class HttpRequest:
    """An HTTP request as sent: ``method target HTTP/1.1`` plus all header lines."""

    method: str
    target: str  # origin-form: path and query
    headers: Headers = ()
    body: bytes = b""
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class HttpResponse:
    """An HTTP response as received: status line, all header lines, body bytes."""

    status: int
    reason: str = ""
    headers: Headers = ()
    body: bytes = b""
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class WarcInfo:
    """Fields of the ``warcinfo`` record that opens every file."""

    software: str
    is_part_of: str  # the outlet slug
    operator: str = ""  # who runs the crawl: a contact URL
    description: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=())

    def fields(self) -> list[tuple[str, str]]:
        pairs = [
            ("software", self.software),
            ("format", "WARC File Format 1.1"),
            ("conformsTo", WARC_1_1_SPEC),
            ("isPartOf", self.is_part_of),
            ("operator", self.operator),
            ("description", self.description),
            *self.extra,
        ]
        return [(name, value) for name, value in pairs if value]


class WarcWriter:
    """Append records to rotating WARC/1.1 files in ``directory``.

    File names follow the IIPC pattern
    ``<prefix>-<YYYYmmddHHMMSSfff>-<serial>-<token>.warc.gz``. A file is
    rotated once it has grown past ``max_bytes``; a request/response pair is
    never split across files.
    """

    def __init__(
        self,
        directory: str | os.PathLike,
        prefix: str,
        info: WarcInfo,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        record_id: Callable[[], str] = new_record_id,
        clock: Callable[[], datetime] = utc_now,
        token: Callable[[], str] = lambda: secrets.token_hex(3),
    ) -> None:
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self.directory = Path(directory)
        self.prefix = prefix
        self.info = info
        self.max_bytes = max_bytes
        self._record_id = record_id
        self._clock = clock
        self._token = token
        self._serial = 0
        self._file: BinaryIO | None = None
        self._name = ""
        self._warcio = _WarcioWriter(None, gzip=True, warc_version=WARC_VERSION)
        self.finished: list[Path] = []  # closed files, in order

    # -- files ------------------------------------------------------------

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` file being written, if any."""
        return self.directory / (self._name + OPEN_SUFFIX) if self._file else None

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        now = self._clock().astimezone(timezone.utc)
        stamp = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"
        self._name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self._token()}.warc.gz"
        self._serial += 1
        self._file = open(self.directory / (self._name + OPEN_SUFFIX), "xb")
        self._write_warcinfo()

    def close(self) -> Path | None:
        """Flush, fsync and rename the current file to its final name."""
        if self._file is None:
            return None
        handle, self._file = self._file, None
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        final = self.directory / self._name
        os.replace(self.directory / (self._name + OPEN_SUFFIX), final)
        fsync_dir(self.directory, if_openable=True)  # a no-op where directories cannot be opened
        self.finished.append(final)
        return final

    def flush(self) -> int | None:
        """Hand what was written to the OS (no fsync) and return the size of the ``.open`` file:
        a record boundary, up to which another process can read whole records now."""
        if self._file is None:
            return None
        self._file.flush()
        return self._file.tell()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _ensure_open(self) -> BinaryIO:
        if self._file is not None and self._file.tell() >= self.max_bytes:
            self.close()
        if self._file is None:
            self._open()
        assert self._file is not None
        return self._file

    # -- records ----------------------------------------------------------

    def _headers(self, record_id: str | None, when: datetime | None, extra: dict[str, str]) -> dict[str, str]:
        return {
            "WARC-Record-ID": record_id or self._record_id(),
            "WARC-Date": warc_date(when or self._clock()),
            **extra,
        }

    def _write(self, out: BinaryIO, record: ArcWarcRecord) -> None:
        self._warcio._write_warc_record(out, record)

    def _write_warcinfo(self) -> None:
        assert self._file is not None
        payload = "".join(f"{name}: {value}\r\n" for name, value in self.info.fields()).encode("utf-8")
        record = self._warcio.create_warc_record(
            "",
            "warcinfo",
            payload=BytesIO(payload),
            length=len(payload),
            warc_content_type="application/warc-fields",
            warc_headers_dict=self._headers(None, None, {"WARC-Filename": self._name}),
        )
        self._write(self._file, record)

    def write_exchange(
        self,
        url: str,
        request: HttpRequest,
        response: HttpResponse,
        *,
        date: datetime | None = None,
        ip_address: str | None = None,
        response_id: str | None = None,
        request_id: str | None = None,
    ) -> str:
        """Write a response record and its request record; return the response record id.

        The request record carries ``WARC-Concurrent-To`` = the response's id.
        """
        out = self._ensure_open()
        extra = {"WARC-IP-Address": ip_address} if ip_address else {}
        when = date or self._clock()
        response_headers = self._headers(response_id, when, extra)
        http = StatusAndHeaders(
            f"{response.status} {response.reason}".rstrip(),
            list(response.headers),
            protocol=response.protocol,
        )
        resp = self._warcio.create_warc_record(
            url,
            "response",
            payload=BytesIO(response.body),
            length=len(response.body),
            warc_headers_dict=response_headers,
            http_headers=http,
        )
        self._write(out, resp)
        self._write(out, self._request_record(url, request, when, extra, response_headers["WARC-Record-ID"],
                                              request_id))
        return response_headers["WARC-Record-ID"]

    def _request_record(self, url: str, request: HttpRequest, when: datetime, extra: dict,
                        concurrent_to: str, record_id: str | None):
        """The request record of a response or revisit record, ``WARC-Concurrent-To`` it."""
        http = StatusAndHeaders(
            f"{request.method} {request.target} {request.protocol}",
            list(request.headers),
            is_http_request=True,
        )
        return self._warcio.create_warc_record(
            url,
            "request",
            payload=BytesIO(request.body),
            length=len(request.body),
            warc_headers_dict=self._headers(record_id, when, {**extra, "WARC-Concurrent-To": concurrent_to}),
            http_headers=http,
        )

    def write_revisit(
        self,
        url: str,
        response: HttpResponse,
        *,
        payload_digest: str,
        refers_to_target_uri: str,
        refers_to_date: datetime | str,
        refers_to: str | None = None,
        date: datetime | None = None,
        record_id: str | None = None,
        request: HttpRequest | None = None,
        ip_address: str | None = None,
    ) -> str:
        """Write an identical-payload-digest revisit (HTTP headers only, no body), and the
        ``request`` that got it, if given, as for a response."""
        out = self._ensure_open()
        when = date or self._clock()
        network = {"WARC-IP-Address": ip_address} if ip_address else {}
        extra = {**network, **({"WARC-Refers-To": refers_to} if refers_to else {})}
        headers = self._headers(record_id, when, extra)
        http = StatusAndHeaders(
            f"{response.status} {response.reason}".rstrip(),
            list(response.headers),
            protocol=response.protocol,
        )
        record = self._warcio.create_revisit_record(
            url,
            payload_digest,
            refers_to_target_uri,
            refers_to_date if isinstance(refers_to_date, str) else warc_date(refers_to_date),
            http_headers=http,
            warc_headers_dict=headers,
        )
        self._write(out, record)
        if request is not None:
            self._write(out, self._request_record(url, request, when, network, headers["WARC-Record-ID"], None))
        return headers["WARC-Record-ID"]
