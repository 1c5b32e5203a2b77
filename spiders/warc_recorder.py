"""Scrapy extension that writes every HTTP exchange to WARC/1.1.

It listens to ``signals.response_downloaded``, which fires once per download
(robots.txt and every redirect hop included) before the downloader middlewares
touch the response, so the body is still exactly as received: gzip or brotli
content-encoding is kept.

What is recorded, and where it differs from the bytes on the wire:

* Request record: ``METHOD origin-form-target HTTP/1.1`` and the request
  headers after every downloader middleware, all values. ``Host`` (and
  ``Content-Length`` for a body), which Twisted adds itself, are added when
  absent. ``Proxy-Authorization`` is never recorded. When the request went
  through an HTTP proxy, the record still shows the origin-form target and
  ``WARC-Target-URI`` is the requested URL, not the proxy.
* Response record: protocol and status as received; the reason phrase is the
  standard one for the status (Scrapy does not keep the server's phrase).
  Every header value is kept, repeated ones (several ``Set-Cookie``) too.
* ``Transfer-Encoding``: the body reaches us with chunked transfer coding
  already removed, so it is recorded de-chunked. A record keeping
  ``Transfer-Encoding: chunked`` over a de-chunked body would be unreadable,
  so the header, if a download handler passes it on, is renamed
  ``X-Archive-Orig-Transfer-Encoding``. Scrapy's HTTP/1.1 handler (Twisted)
  drops the connection-control headers (``Transfer-Encoding``,
  ``Connection``, ``Keep-Alive``) itself and sets ``Content-Length`` from the
  length actually received, so with it a chunked response is recorded with
  neither header.
* ``WARC-IP-Address`` is the server's address, omitted when the request went
  through a proxy (the peer address would be the proxy's).

Downloads that fail before any response (DNS, refused connection, timeout)
leave no record; the spider counts them.

Revisits: a request carrying ``meta["revisit"]`` (an archived article fetched
again) whose answer is ``304 Not Modified``, or a 200 whose payload has the
digest of the stored one, is written as a ``revisit`` record (profile
identical-payload-digest, ``WARC-Refers-To-Target-URI`` and
``WARC-Refers-To-Date`` naming the stored response) holding only the HTTP
headers received. Any other answer is written in full.

Each article or revisit request gets ``meta["warc_records"]``: one entry per
hop (id, file, date, kind, status, payload digest, validators), which the
spider turns into the crawl's list of captures.

``NEWSARCHIVE_NOW`` (setting or environment, ISO 8601) shifts the clock of the
records to start at that moment: tests replay days of revisits in minutes.

Parts: every ``WARC_PART_BYTES`` or so of whole records, the recorder appends a
line ``<file name>\t<start>\t<end>`` to ``WARC_PARTS_FILE`` in the WARC
directory: a byte range of whole records of the file being written
(``<name>.open``, named by its final name) that another process may read
already. A file's parts follow each other from offset 0; what comes after the
last one is there to read once the file is closed. The flow extracts each part
while the crawl goes on.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response

from spiders.settings import NEWSARCHIVE_VERSION
from storage.warc_writer import OPEN_SUFFIX, HttpRequest, HttpResponse, WarcInfo, WarcWriter, utc_now, warc_date

logger = logging.getLogger(__name__)

RENAMED_PREFIX = "X-Archive-Orig-"
_RENAMED = frozenset({b"transfer-encoding"})
_NEVER_RECORDED = frozenset({b"proxy-authorization"})


def _header_pairs(headers: Headers, skip: frozenset[bytes] = frozenset()) -> list[tuple[str, str]]:
    """All (name, value) pairs of a Scrapy ``Headers``, repeated values kept."""
    pairs: list[tuple[str, str]] = []
    for name in headers.keys():
        lowered = name.lower()
        if lowered in skip:
            continue
        text = name.decode("latin-1")
        if lowered in _RENAMED:
            text = RENAMED_PREFIX + text
        pairs.extend((text, value.decode("latin-1")) for value in headers.getlist(name))
    return pairs


def _host_header(url: str) -> str:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def http_request(request: Request) -> HttpRequest:
    """The request as Twisted sends it (in origin form)."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = _header_pairs(request.headers, skip=_NEVER_RECORDED)
    names = {name.lower() for name, _ in headers}
    if "host" not in names:
        headers.insert(0, ("Host", _host_header(request.url)))
    if request.body and "content-length" not in names:
        headers.append(("Content-Length", str(len(request.body))))
    return HttpRequest(request.method, target, headers, request.body)


def http_response(response: Response) -> HttpResponse:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    return HttpResponse(
        status=response.status,
        reason=reason,
        headers=_header_pairs(response.headers),
        body=response.body,
        protocol=response.protocol or "HTTP/1.1",
    )


def payload_digest(body: bytes) -> str:
    """``WARC-Payload-Digest`` as warcio writes it: sha1, base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def clock_from(start: str | None) -> Callable[[], datetime]:
    """The real UTC clock, or one that starts at ``start`` (ISO 8601) and runs from there."""
    if not start:
        return utc_now
    origin = datetime.fromisoformat(start.replace("Z", "+00:00"))
    origin = origin if origin.tzinfo else origin.replace(tzinfo=timezone.utc)
    began = time.monotonic()
    return lambda: origin + timedelta(seconds=time.monotonic() - began)


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class PartAnnouncer:
    """Appends the parts of whole records written so far (see the module docstring)."""

    def __init__(self, path: Path, part_bytes: int) -> None:
        self.path, self.part_bytes = path, part_bytes
        self.name: str | None = None  # the file being written, by its final name
        self.start = 0  # where its next part begins

    def written(self, writer: WarcWriter) -> None:
        """After a record (pair) is written: announce a part once enough has accumulated."""
        current = writer.current_path
        if current is None:
            return
        name = current.name.removesuffix(OPEN_SUFFIX)
        if name != self.name:  # a new file (the first, or after a rotation)
            self.name, self.start = name, 0
        end = writer.flush()
        if end is not None and end - self.start >= self.part_bytes:
            with open(self.path, "a", encoding="utf-8") as parts:
                parts.write(f"{name}\t{self.start}\t{end}\n")
            self.start = end


class WarcRecorder:
    """Owns one ``WarcWriter`` per crawl; closes it when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.clock = clock_from(settings.get("NEWSARCHIVE_NOW"))
        self.writer = WarcWriter(
            Path(settings.get("WARC_DIR")),
            settings.get("WARC_PREFIX"),
            WarcInfo(
                software=f"newsarchive/{NEWSARCHIVE_VERSION}",
                is_part_of=settings.get("WARC_IS_PART_OF") or settings.get("BOT_NAME"),
                operator=settings.get("WARC_OPERATOR") or "",
                description="Crawl of a news outlet's recent articles; robots.txt obeyed.",
                extra=(("http-header-user-agent", settings.get("USER_AGENT") or ""),),
            ),
            max_bytes=settings.getint("WARC_MAX_BYTES"),
            clock=self.clock,
        )
        parts_file = settings.get("WARC_PARTS_FILE")
        self.parts = (PartAnnouncer(Path(settings.get("WARC_DIR")) / parts_file, settings.getint("WARC_PART_BYTES"))
                      if parts_file else None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorder:
        recorder = cls(crawler)
        # Scrapy holds signal receivers weakly: bound methods of this object,
        # which the extension manager keeps alive, are safe receivers.
        crawler.signals.connect(recorder.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        proxied = bool(request.meta.get("proxy"))
        ip_address = None if proxied or response.ip_address is None else str(response.ip_address)
        url = urldefrag(request.url)[0]
        date = self.clock()
        revisit = request.meta.get("revisit")
        stats = self.crawler.stats
        if revisit and self._payload_unchanged(response, revisit):
            digest = revisit["payload_digest"]
            record_id = self.writer.write_revisit(
                url,
                http_response(response),
                payload_digest=digest,
                refers_to_target_uri=revisit["refers_to_uri"],
                refers_to_date=revisit["refers_to_date"],
                date=date,
                request=http_request(request),
                ip_address=ip_address,
            )
            kind = "revisit"
            if stats is not None:
                stats.inc_value("warc/revisit_records")
        else:
            digest = payload_digest(response.body)
            record_id = self.writer.write_exchange(
                url, http_request(request), http_response(response), date=date, ip_address=ip_address
            )
            kind = "response"
            if stats is not None:
                stats.inc_value("warc/response_records")
        if self.parts is not None:
            self.parts.written(self.writer)
        if revisit or request.meta.get("article"):
            request.meta.setdefault("warc_records", []).append({
                "url": url, "status": response.status, "kind": kind, "record_id": record_id,
                "warc_filename": self.writer.current_path.name.removesuffix(OPEN_SUFFIX),
                "date": warc_date(date), "payload_digest": digest,
                "etag": _header(response, "ETag"), "last_modified": _header(response, "Last-Modified"),
            })

    @staticmethod
    def _payload_unchanged(response: Response, revisit: dict) -> bool:
        """304, or the same payload as the stored capture (when that capture is known)."""
        if not (revisit.get("payload_digest") and revisit.get("refers_to_uri") and revisit.get("refers_to_date")):
            return False
        if response.status == 304:
            return True
        return 200 <= response.status < 300 and payload_digest(response.body) == revisit["payload_digest"]

    def spider_closed(self, spider: Spider) -> None:
        self.writer.close()
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("warc/files", [path.name for path in self.writer.finished])
            stats.set_value("warc/bytes", sum(path.stat().st_size for path in self.writer.finished))
