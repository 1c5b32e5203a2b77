"""robots.txt, RSS feeds and sitemaps, computed from the catalogue on request."""
from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from html import escape

from spiders.replica.catalogue import BASE_TIME, Entry, Replica
from spiders.replica.outlet import SitemapUrl

FEED_SIZE = 50

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
URLSET_OPEN = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n')


def _http(replica: Replica, outlet: str, path: str) -> str:
    return f"http://{replica.outlets[outlet].host}{path}"


def robots(replica: Replica, outlet: str) -> bytes:
    site = replica.sites[outlet]
    lines = ["User-agent: *"]
    lines += [f"Allow: {path}" for path in site.robots_allow]
    lines += [f"Disallow: {path}" for path in site.robots_disallow]
    lines.append("")
    lines += [f"Sitemap: {_http(replica, outlet, site.sitemap_index)}"] if site.sitemap_index else []
    return ("\n".join(lines) + "\n").encode()


def feed(replica: Replica, outlet: str, path: str) -> bytes:
    site = replica.outlets[outlet]
    items = []
    for entry in replica.live_entries(outlet)[:FEED_SIZE]:
        article = replica.article(outlet, entry.rank)
        link = _http(replica, outlet, replica.sites[outlet].feed_link(entry.path))
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


def _url(replica: Replica, entry: Entry | SitemapUrl, news: bool, outlet: str) -> str:
    if isinstance(entry, SitemapUrl):
        return (f"<url><loc>{escape(_http(replica, outlet, entry.path))}</loc>"
                f"<lastmod>{entry.lastmod.isoformat()}</lastmod></url>")
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


def urlset(replica: Replica, outlet: str, entries: list[Entry | SitemapUrl]) -> bytes:
    news = replica.sites[outlet].news_sitemap
    return (XML_HEAD + URLSET_OPEN + "\n".join(_url(replica, e, news, outlet) for e in entries)
            + "\n</urlset>\n").encode("utf-8")


def _modified(item: Entry | SitemapUrl) -> datetime:
    return item.lastmod if isinstance(item, SitemapUrl) else item.modified_at


class Sitemaps:
    """One outlet's sitemap index and its children, as the outlet's site lays them out."""

    def __init__(self, replica: Replica, outlet: str):
        self.replica = replica
        self.outlet = outlet
        self.index_path = replica.sites[outlet].sitemap_index
        self._children: dict[str, list[Entry]] | None = None

    @property
    def children(self) -> dict[str, list[Entry | SitemapUrl]]:
        if self._children is None:
            self._children = self.replica.sites[self.outlet].sitemap_children(self.replica.live_entries(self.outlet))
        return self._children

    def index(self) -> bytes:
        site = self.replica.sites[self.outlet]
        rows = []
        for path, entries in self.children.items():
            lastmod = ""
            if site.index_lastmod and entries:
                moment = max(_modified(e) for e in entries).astimezone(site.zone)
                lastmod = f"<lastmod>{moment.isoformat()}</lastmod>"
            rows.append(f"<sitemap><loc>{escape(_http(self.replica, self.outlet, path))}</loc>{lastmod}</sitemap>")
        return (XML_HEAD + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + "\n".join(rows) + "\n</sitemapindex>\n").encode("utf-8")

    def child(self, path: str) -> bytes | None:
        entries = self.children.get(path)
        return urlset(self.replica, self.outlet, entries) if entries is not None else None

    def last_modified(self, path: str | None = None):
        entries = self.children.get(path) if path else [e for group in self.children.values() for e in group]
        return max((_modified(e) for e in entries or ()), default=BASE_TIME)
