"""What each outlet host answers for a path, and how the answer is put on the wire.

``Site.respond`` maps one request to the complete response bytes: routing by host
and path, redirects from former and ``www.`` hosts, ETag / Last-Modified with
conditional GET, gzip and chunked transfer coding per outlet. ``faults`` is the
hook for fault injection: a page registered there for a path replaces the normal
answer on every host.
"""
from __future__ import annotations

import gzip
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from threading import Lock
from urllib.parse import parse_qs, urlsplit

from spiders.replica import discovery
from spiders.replica.catalogue import BASE_TIME, Entry, Replica
from spiders.replica.templates import Listing

PAGE_SIZE = 20
HTML = "text/html; charset=utf-8"
REASONS = {200: "OK", 301: "Moved Permanently", 304: "Not Modified", 404: "Not Found", 405: "Method Not Allowed",
           410: "Gone", 500: "Internal Server Error", 502: "Bad Gateway"}


@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: bytes
    last_modified: datetime | None = None
    location: str | None = None


_WP_PAGE = re.compile(r"^(?P<section>/.*/)page/(?P<page>\d+)/$")


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(BASE_TIME.tzinfo), usegmt=True)


def _text(status: int, message: str) -> Page:
    return Page(status, "text/plain; charset=utf-8", message.encode())


def _chunked(body: bytes, size: int = 8192) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


class _Lru(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size
        self.lock = Lock()

    def get_or(self, key, build):
        with self.lock:
            if key in self:
                self.move_to_end(key)
                return self[key]
        value = build()
        with self.lock:
            self[key] = value
            if len(self) > self.size:
                self.popitem(last=False)
        return value


class Site:
    """The six outlets' hosts as one HTTP origin (reached through the proxy protocol)."""

    def __init__(self, replica: Replica, cache_size: int = 4096):
        self.replica = replica
        self.faults: dict[str, Page] = {}
        self._sitemaps = {slug: discovery.Sitemaps(replica, slug) for slug in replica.outlets}
        self._sections: dict[tuple[str, str], list[Entry]] = {}
        self._pages = _Lru(cache_size)
        self._encoded = _Lru(cache_size)
        self._lock = Lock()

    def warm(self) -> None:
        """Build every outlet's catalogue index (not its pages) ahead of the first requests."""
        for slug in self.replica.outlets:
            with self._lock:
                self.replica.entry_for_path(slug, "/")

    # -- routing -------------------------------------------------------------------
    def page(self, host: str, target: str) -> Page:
        return self._pages.get_or((host, target), lambda: self._route(host, target))

    def _route(self, host: str, target: str) -> Page:
        parts = urlsplit(target)
        path, query = parts.path or "/", parts.query
        if path in self.faults:
            return self.faults[path]
        outlet = self.replica.outlet_for_host(host)
        if outlet is None:
            return _text(502, f"replica: unknown host {host!r}\n")
        if host != outlet.host:
            location = f"http://{outlet.host}{target}"
            return Page(301, HTML, f'<html><body><a href="{location}">Moved Permanently</a></body></html>'.encode(), location=location)
        slug = outlet.slug
        with self._lock:  # catalogue building is not thread-safe; it is quick after the first call
            return self._route_outlet(slug, path, query)

    def _route_outlet(self, slug: str, path: str, query: str) -> Page:
        replica = self.replica
        outlet = replica.outlets[slug]
        full = path + (f"?{query}" if query else "")
        if path == "/robots.txt":
            return Page(200, "text/plain; charset=utf-8", discovery.robots(replica, slug), BASE_TIME)
        site = replica.sites[slug]
        if full in site.feeds:
            live = replica.live_entries(slug)
            return Page(200, "application/rss+xml; charset=utf-8", discovery.feed(replica, slug, full),
                        max((e.modified_at for e in live[:discovery.FEED_SIZE]), default=BASE_TIME))
        sitemaps = self._sitemaps[slug]
        if path == sitemaps.index_path:
            if site.single_sitemap:
                return Page(200, "application/xml; charset=utf-8", discovery.urlset(replica, replica.live_entries(slug)), sitemaps.last_modified())
            return Page(200, "application/xml; charset=utf-8", sitemaps.index(), sitemaps.last_modified())
        child = sitemaps.child(full)
        if child is not None:
            return Page(200, "application/xml; charset=utf-8", child, sitemaps.last_modified(full))
        if path == "/" and not query:
            return self._listing(slug, "/", "Home", replica.live_entries(slug), 1)
        listing = self._section_page(slug, path, query)
        if listing is not None:
            return listing
        entry = replica.entry_for_path(slug, full)
        if entry is not None:
            if entry.status == 410 and site.removed_to_home:
                location = f"http://{outlet.host}/"
                return Page(301, HTML, f'<html><body><a href="{location}">Moved Permanently</a></body></html>'.encode(), location=location)
            if entry.status == 410:
                return Page(410, HTML, b"<html><head><title>410 Gone</title></head><body><h1>Gone</h1></body></html>", entry.modified_at)
            return Page(200, HTML, replica.render_article(replica.article(slug, entry.rank)), entry.modified_at)
        return Page(404, HTML, b"<html><head><title>404 Not Found</title></head><body><h1>Page not found</h1></body></html>")

    def _section_page(self, slug: str, path: str, query: str) -> Page | None:
        site = self.replica.sites[slug]
        number = 1
        match = _WP_PAGE.match(path) if site.wordpress_paging else None
        if match:
            path, number = match["section"], int(match["page"])
        elif query:
            values = parse_qs(query).get("page")
            if not values or not values[0].isdigit() or site.wordpress_paging:
                return None
            number = int(values[0])
        section = site.sections.get(path)
        if section is None or number < 1:
            return None
        key = (slug, path)
        if key not in self._sections:
            self._sections[key] = [e for e in self.replica.live_entries(slug) if section.wanted(e)]
        return self._listing(slug, path, section.heading, self._sections[key], number)

    def _listing(self, slug: str, path: str, heading: str, entries: list[Entry], number: int) -> Page:
        site = self.replica.sites[slug]
        chunk = entries[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
        if number > 1 and not chunk:
            return Page(404, HTML, b"<html><body><h1>Page not found</h1></body></html>")
        has_next = path != "/" and number * PAGE_SIZE < len(entries)
        page = Listing(
            outlet=slug, heading=heading, path=site.page_path(path, number), entries=chunk,
            next_path=site.page_path(path, number + 1) if has_next else None,
            prev_path=site.page_path(path, number - 1) if number > 1 else None,
        )
        return Page(200, HTML, site.listing(self.replica, page).encode("utf-8"), max((e.modified_at for e in chunk), default=BASE_TIME))

    # -- the wire ----------------------------------------------------------------------
    def respond(self, method: str, target: str, headers: dict[str, str]) -> bytes:
        """The complete HTTP/1.1 response (status line, headers, body) to one proxied request."""
        if method == "CONNECT":
            return self._message(405, [("Content-Type", "text/plain; charset=utf-8"), ("Allow", "GET, HEAD")], b"CONNECT not supported\n")
        if method not in ("GET", "HEAD"):
            return self._message(405, [("Content-Type", "text/plain; charset=utf-8"), ("Allow", "GET, HEAD")], b"method not allowed\n")
        parts = urlsplit(target)
        if parts.scheme and parts.netloc:
            host, path = parts.hostname or "", parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            host, path = headers.get("host", "").split(":")[0], target
        host = host.lower()
        page = self.page(host, path or "/")
        outlet = self.replica.outlet_for_host(host)
        slug = outlet.slug if outlet else ""
        site = self.replica.sites.get(slug)
        use_gzip = site is not None and site.gzip and "gzip" in headers.get("accept-encoding", "") and page.status == 200
        body, etag = self._encoded.get_or((host, path, use_gzip), lambda: self._encode(page, use_gzip))
        out = [("Server", site.server if site else "replica"), ("Content-Type", page.content_type)]
        if page.location:
            out.append(("Location", page.location))
        if page.status in (200, 410):
            out += [("ETag", etag), ("Last-Modified", _http_date(page.last_modified or BASE_TIME))]
        if page.status == 200:
            out.append(("Vary", "Accept-Encoding"))
            if self._not_modified(headers, etag, page.last_modified or BASE_TIME):
                return self._message(304, [h for h in out if h[0] != "Content-Type"], b"", head_only=True)
        if use_gzip:
            out.append(("Content-Encoding", "gzip"))
        chunked = site is not None and site.chunked
        return self._message(page.status, out, body, head_only=method == "HEAD", chunked=chunked)

    @staticmethod
    def _encode(page: Page, use_gzip: bool) -> tuple[bytes, str]:
        digest = hashlib.blake2b(page.body, digest_size=10).hexdigest()
        if use_gzip:
            # level 1 is nginx's default gzip_comp_level
            return gzip.compress(page.body, compresslevel=1, mtime=0), f'W/"{digest}"'
        return page.body, f'"{digest}"'

    @staticmethod
    def _not_modified(headers: dict[str, str], etag: str, last_modified: datetime) -> bool:
        bare = etag.removeprefix("W/")
        if "if-none-match" in headers:
            tags = {tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")}
            return bare in tags or "*" in tags
        if "if-modified-since" in headers:
            try:
                since = parsedate_to_datetime(headers["if-modified-since"])
            except (TypeError, ValueError):
                return False
            return last_modified.replace(microsecond=0) <= since
        return False

    @staticmethod
    def _message(status: int, headers: list[tuple[str, str]], body: bytes, head_only: bool = False, chunked: bool = False) -> bytes:
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}", f"Date: {formatdate(usegmt=True)}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if status != 304:
            lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if head_only or status == 304:
            return head
        return head + (_chunked(body) if chunked else body)
