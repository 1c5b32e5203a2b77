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


_WP_PAGE = re.compile(r"^(?P<section>/(?:.*/)?)page/(?P<page>\d+)/$")


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

    def prerender(self) -> int:
        """Render and encode every live article's answer now, as a crawler asks for it (gzip
        accepted), so that serving it later only copies bytes, as a static server or a CDN
        does; the caches must hold them all. Returns how many were rendered."""
        count = 0
        for slug, outlet in self.replica.outlets.items():
            for entry in self.replica.live_entries(slug):
                self.respond("GET", f"http://{outlet.host}{entry.path}", {"accept-encoding": "gzip"})
                count += 1
        return count

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
            return self._moved(f"http://{outlet.host}{target}")
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
        if path == sitemaps.index_path and not query:
            if site.single_sitemap:
                return Page(200, "application/xml; charset=utf-8",
                            discovery.urlset(replica, slug, replica.live_entries(slug)), sitemaps.last_modified())
            return Page(200, "application/xml; charset=utf-8", sitemaps.index(), sitemaps.last_modified())
        child = sitemaps.child(full)
        if child is not None:
            return Page(200, "application/xml; charset=utf-8", child, sitemaps.last_modified(full))
        if path in site.pages and not query:
            return Page(200, HTML, site.site_page(replica, path, site.pages[path]).encode("utf-8"), BASE_TIME)
        listing = self._section_page(slug, path, query)
        if listing is not None:
            return listing
        # An article answers with any query (WordPress and the others ignore parameters they do
        # not know: ?utm_source=…, ?doing_wp_cron=…).
        entry = replica.entry_for_path(slug, full) or (replica.entry_for_path(slug, path) if query else None)
        if entry is not None:
            if entry.status == 410 and site.removed_to_home:
                return self._moved(f"http://{outlet.host}/")
            if entry.status == 410:
                return Page(410, HTML, b"<html><head><title>410 Gone</title></head><body><h1>Gone</h1></body></html>", entry.modified_at)
            return Page(200, HTML, replica.render_article(replica.article(slug, entry.rank)), entry.modified_at)
        current = site.current_path(full)
        if current is not None and replica.entry_for_path(slug, current) is not None:
            return self._moved(f"http://{outlet.host}{current}")  # an older URL form of a live article
        return Page(404, HTML, b"<html><head><title>404 Not Found</title></head><body><h1>Page not found</h1></body></html>")

    @staticmethod
    def _moved(location: str) -> Page:
        return Page(301, HTML, f'<html><body><a href="{location}">Moved Permanently</a></body></html>'.encode(),
                    location=location)

    def _section_page(self, slug: str, path: str, query: str) -> Page | None:
        """Page N of a listing: the home page or a section (a section path may have a query)."""
        site = self.replica.sites[slug]
        full = path + (f"?{query}" if query else "")
        base, number = full, 1
        match = _WP_PAGE.match(path) if site.wordpress_paging and not query else None
        if match:
            base, number = match["section"], int(match["page"])
            if base not in site.sections and base.rstrip("/") in site.sections:
                base = base.rstrip("/")
        elif query and not site.wordpress_paging and full not in site.sections and base != "/":
            values = parse_qs(query).get("page")
            if not values or not values[0].isdigit():
                return None
            rest = "&".join(part for part in query.split("&") if not part.startswith("page="))
            base, number = path + (f"?{rest}" if rest else ""), int(values[0])
        if base == "/" and (number == 1 or site.home_paged):
            return self._listing(slug, "/", "Home", self.replica.live_entries(slug), number)
        section = site.sections.get(base)
        if section is None or number < 1 or (number > 1 and not site.paged):
            return None
        key = (slug, base)
        if key not in self._sections:
            self._sections[key] = [e for e in self.replica.live_entries(slug) if section.wanted(e)]
        return self._listing(slug, base, section.heading, self._sections[key], number)

    def _listing(self, slug: str, path: str, heading: str, entries: list[Entry], number: int) -> Page:
        site = self.replica.sites[slug]
        size = site.page_size
        chunk = entries[(number - 1) * size:number * size]
        if number > 1 and not chunk:
            return Page(404, HTML, b"<html><body><h1>Page not found</h1></body></html>")
        paged = site.paged and (path != "/" or site.home_paged)
        count = max(1, -(-len(entries) // size)) if paged else 1
        has_next = number < count
        page = Listing(
            outlet=slug, heading=heading, path=site.page_path(path, number), entries=chunk,
            next_path=site.page_path(path, number + 1) if has_next else None,
            prev_path=site.page_path(path, number - 1) if number > 1 else None,
            number=number, pages=tuple((n, site.page_path(path, n)) for n in range(1, count + 1)) if paged else (),
            rel_next=site.rel_next,
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
