"""robots.txt, RSS feeds and sitemaps, computed from the catalogue on request."""
from __future__ import annotations

import calendar
from collections import OrderedDict
from email.utils import format_datetime
from html import escape

from tests.replica.catalogue import BASE_TIME, Entry, Replica

FEED_SIZE = 50
YOAST_PAGE = 1000  # South Front's Yoast sitemaps hold this many posts each, oldest first

DISALLOW = {
    "globalresearch": ("/wp-admin/", "/search", "/?s=", "/members/account/"),
    "mondialisation": ("/wp-admin/", "/search", "/?s=", "/members/account/"),
    "southfront": ("/wp-admin/", "/wp-includes/", "/?s=", "/search/"),
    "sputnik": ("/search/", "/services/", "/id/", "/export/"),
    "alwaght": ("/en/Search", "/Handlers/", "/ar/Search"),
    "menafn": ("/search", "/account/", "/cgi-bin/"),
}
# Sputnik's robots.txt disallows /export/ but allows its RSS archive explicitly.
ALLOW = {"globalresearch": ("/wp-admin/admin-ajax.php",), "sputnik": ("/export/rss2/",)}
NEWS_SITEMAPS = ("globalresearch", "mondialisation", "sputnik", "menafn")

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
URLSET_OPEN = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n')


def _http(replica: Replica, outlet: str, path: str) -> str:
    return f"http://{replica.outlets[outlet].host}{path}"


def robots(replica: Replica, outlet: str) -> bytes:
    lines = ["User-agent: *"]
    lines += [f"Allow: {path}" for path in ALLOW.get(outlet, ())]
    lines += [f"Disallow: {path}" for path in DISALLOW[outlet]]
    lines.append("")
    lines += [f"Sitemap: {_http(replica, outlet, path)}" for path in replica.outlets[outlet].sitemaps]
    return ("\n".join(lines) + "\n").encode()


def feed(replica: Replica, outlet: str, path: str) -> bytes:
    site = replica.outlets[outlet]
    items = []
    for entry in replica.live_entries(outlet)[:FEED_SIZE]:
        article = replica.article(outlet, entry.rank)
        link = _http(replica, outlet, entry.path)
        creator = ", ".join(entry.authors) or site.name
        categories = "".join(f"<category><![CDATA[{c}]]></category>" for c in ((entry.section,) if entry.section else ()) + entry.tags)
        items.append(
            f"<item><title>{escape(entry.title)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="true">{escape(link)}</guid>'
            f"<pubDate>{format_datetime(entry.local_time())}</pubDate><dc:creator><![CDATA[{creator}]]></dc:creator>"
            f"{categories}<description>{escape(article.paragraphs[0][:300])}</description></item>"
        )
    newest = replica.live_entries(outlet)[0].local_time() if replica.live_entries(outlet) else BASE_TIME
    return (
        XML_HEAD
        + '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>'
        f"<title>{escape(site.name)}</title><link>{escape(_http(replica, outlet, '/'))}</link>"
        f'<atom:link href="{escape(_http(replica, outlet, path))}" rel="self" type="application/rss+xml"/>'
        f"<description>{escape(site.name)} latest articles</description><language>{site.language}</language>"
        f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n" + "\n".join(items) + "\n</channel></rss>\n"
    ).encode("utf-8")


def _url(replica: Replica, entry: Entry, news: bool) -> str:
    parts = [f"<url><loc>{escape(_http(replica, entry.outlet, entry.path))}</loc>"
             f"<lastmod>{entry.local_time(entry.modified_at).isoformat()}</lastmod>"]
    if news:
        site = replica.outlets[entry.outlet]
        parts.append(
            f"<news:news><news:publication><news:name>{escape(site.name)}</news:name>"
            f"<news:language>{site.language}</news:language></news:publication>"
            f"<news:publication_date>{entry.local_time().isoformat()}</news:publication_date>"
            f"<news:title>{escape(entry.title)}</news:title></news:news>"
        )
    return "".join(parts) + "</url>"


def urlset(replica: Replica, entries: list[Entry]) -> bytes:
    news = bool(entries) and entries[0].outlet in NEWS_SITEMAPS
    return (XML_HEAD + URLSET_OPEN + "\n".join(_url(replica, e, news) for e in entries) + "\n</urlset>\n").encode("utf-8")


class Sitemaps:
    """One outlet's sitemap index and its children (monthly, or Yoast pages for South Front)."""

    def __init__(self, replica: Replica, outlet: str):
        self.replica = replica
        self.outlet = outlet
        self.index_path = replica.outlets[outlet].sitemaps[0]
        self._children: OrderedDict[str, list[Entry]] | None = None

    def child_path(self, year: int, month: int, number: int) -> str:
        if self.outlet == "sputnik":
            last = calendar.monthrange(year, month)[1]
            return f"/sitemap_article.xml?date_start={year}{month:02d}01&date_end={year}{month:02d}{last:02d}"
        if self.outlet == "southfront":
            return "/post-sitemap.xml" if number == 1 else f"/post-sitemap{number}.xml"
        if self.outlet == "alwaght":
            return f"/sitemap-en-{year}-{month:02d}.xml"
        return f"/sitemap-{year}-{month:02d}.xml"

    @property
    def children(self) -> OrderedDict[str, list[Entry]]:
        if self._children is None:
            children: OrderedDict[str, list[Entry]] = OrderedDict()
            live = self.replica.live_entries(self.outlet)
            if self.outlet == "southfront":
                oldest_first = live[::-1]
                for start in range(0, len(oldest_first), YOAST_PAGE):
                    children[self.child_path(0, 0, start // YOAST_PAGE + 1)] = oldest_first[start:start + YOAST_PAGE]
            else:
                for entry in live:
                    local = entry.local_time()
                    children.setdefault(self.child_path(local.year, local.month, 0), []).append(entry)
            self._children = children
        return self._children

    def index(self) -> bytes:
        rows = []
        for path, entries in self.children.items():
            lastmod = max(e.modified_at for e in entries)
            rows.append(f"<sitemap><loc>{escape(_http(self.replica, self.outlet, path))}</loc>"
                        f"<lastmod>{entries[0].local_time(lastmod).isoformat()}</lastmod></sitemap>")
        return (XML_HEAD + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + "\n".join(rows) + "\n</sitemapindex>\n").encode("utf-8")

    def child(self, path: str) -> bytes | None:
        entries = self.children.get(path)
        return urlset(self.replica, entries) if entries is not None else None

    def last_modified(self, path: str | None = None):
        entries = self.children.get(path) if path else [e for group in self.children.values() for e in group]
        return max((e.modified_at for e in entries), default=BASE_TIME)
