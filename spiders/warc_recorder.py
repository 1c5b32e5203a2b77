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
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response

from spiders.settings import NEWSARCHIVE_VERSION
from storage.warc_writer import HttpRequest, HttpResponse, WarcInfo, WarcWriter

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


class WarcRecorder:
    """Owns one ``WarcWriter`` per crawl; closes it when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
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
        )

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
        self.writer.write_exchange(
            urldefrag(request.url)[0],
            http_request(request),
            http_response(response),
            date=datetime.now(timezone.utc),
            ip_address=ip_address,
        )
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("warc/response_records")

    def spider_closed(self, spider: Spider) -> None:
        self.writer.close()
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("warc/files", [path.name for path in self.writer.finished])
            stats.set_value("warc/bytes", sum(path.stat().st_size for path in self.writer.finished))
