"""Pieces every outlet's pages share: escaping, links, slugs, head metadata, JSON-LD, pagination."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from html import escape

from spiders.replica.catalogue import Article, Entry, Replica

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")


def slugify(title: str, keep_case: bool = False) -> str:
    ascii_title = unicodedata.normalize("NFKD", title.replace("œ", "oe").replace("Œ", "Oe")).encode("ascii", "ignore").decode()
    ascii_title = ascii_title.replace("'", "")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")
    return slug if keep_case else slug.lower()


def esc(text: str) -> str:
    return escape(text, quote=True)


def href(replica: Replica, outlet: str, path: str) -> str:
    """Links inside replica pages use http: the crawler reaches the replica through a plain HTTP proxy."""
    return f"http://{replica.outlets[outlet].host}{path}"


def paragraphs_html(paragraphs: list[str] | tuple[str, ...]) -> str:
    return "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)


def head_meta(replica: Replica, article: Article, site_name: str, description: str, locale: str = "en_US") -> str:
    entry = article.entry
    lines = [
        f'<meta name="description" content="{esc(description)}">',
        f'<link rel="canonical" href="{esc(entry.url)}">',
        f'<meta property="og:locale" content="{locale}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(entry.title)}">',
        f'<meta property="og:description" content="{esc(description)}">',
        f'<meta property="og:url" content="{esc(entry.url)}">',
        f'<meta property="og:site_name" content="{esc(site_name)}">',
        f'<meta property="article:published_time" content="{entry.local_time().isoformat()}">',
        f'<meta property="article:modified_time" content="{entry.local_time(entry.modified_at).isoformat()}">',
    ]
    if entry.section:
        lines.append(f'<meta property="article:section" content="{esc(entry.section)}">')
    lines += [f'<meta property="article:tag" content="{esc(tag)}">' for tag in entry.tags]
    if entry.authors:
        lines.append(f'<meta name="author" content="{esc(", ".join(entry.authors))}">')
    return "\n".join(lines)


def json_ld(article: Article, publisher: str, logo: str, description: str) -> str:
    entry = article.entry
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": entry.url},
        "headline": entry.title,
        "description": description,
        "datePublished": entry.local_time().isoformat(),
        "dateModified": entry.local_time(entry.modified_at).isoformat(),
        "author": [{"@type": "Person", "name": name} for name in entry.authors] or {"@type": "Organization", "name": publisher},
        "publisher": {"@type": "Organization", "name": publisher, "logo": {"@type": "ImageObject", "url": logo}},
        "keywords": ", ".join(entry.tags),
    }
    if entry.section:
        data["articleSection"] = entry.section
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def neighbours(replica: Replica, entry: Entry, count: int) -> list[Entry]:
    """Older live articles of the same outlet, for related and most-read boxes."""
    found: list[Entry] = []
    rank = entry.rank + 1
    while len(found) < count and rank < replica.articles_per_outlet:
        other = replica.entry(entry.outlet, rank)
        if other.status == 200:
            found.append(other)
        rank += 1
    return found


def recent(replica: Replica, outlet: str, count: int) -> list[Entry]:
    return replica.live_entries(outlet)[:count]


def french_date(moment) -> str:
    return f"{moment.day} {MONTHS_FR[moment.month - 1]} {moment.year}"


@dataclass(frozen=True)
class Listing:
    """One page of a paginated listing (home page or section)."""

    outlet: str
    heading: str
    path: str  # this page's path (with its page part)
    entries: list[Entry]
    next_path: str | None
    prev_path: str | None
    number: int = 1
    pages: tuple[tuple[int, str], ...] = ()  # (number, path) of every page, when the listing is paged
    rel_next: bool = True  # the site names the next page with rel=next (in <head> and on the pager)

    def head_links(self, replica: Replica) -> str:
        if not self.rel_next:
            return ""
        links = []
        if self.prev_path:
            links.append(f'<link rel="prev" href="{esc(href(replica, self.outlet, self.prev_path))}">')
        if self.next_path:
            links.append(f'<link rel="next" href="{esc(href(replica, self.outlet, self.next_path))}">')
        return "\n".join(links)

    def numbered_pager(self, replica: Replica, next_label: str = "Next »", prev_label: str = "« Previous") -> str:
        """WordPress's numbered page links (``paginate_links``): no rel attribute, as the
        evidence shows WordPress sections (Bootstrap's ul.pagination > li.page-item > a.page-link)."""
        if len(self.pages) < 2:
            return ""
        link = lambda path: esc(href(replica, self.outlet, path))  # noqa: E731
        items = []
        if self.prev_path:
            items.append(f'<li class="page-item"><a class="page-link" aria-label="{esc(prev_label)}" href="{link(self.prev_path)}">{esc(prev_label)}</a></li>')
        for number, path in self.pages:
            if number == self.number:
                items.append(f'<li class="page-item active"><span class="page-link current">{number}</span></li>')
            else:
                items.append(f'<li class="page-item"><a class="page-link" href="{link(path)}">{number}</a></li>')
        if self.next_path:
            items.append(f'<li class="page-item"><a class="page-link" aria-label="{esc(next_label)}" href="{link(self.next_path)}">{esc(next_label)}</a></li>')
        return f'<nav class="navigation pagination" role="navigation"><ul class="pagination">{"".join(items)}</ul></nav>'

    def pager(self, replica: Replica, older: str = "Older posts", newer: str = "Newer posts") -> str:
        if not self.pages:
            return ""
        parts = ['<nav class="pagination navigation">']
        if self.prev_path:
            parts.append(f'<a class="prev" rel="prev" href="{esc(href(replica, self.outlet, self.prev_path))}">{newer}</a>')
        if self.next_path:
            parts.append(f'<a class="next" rel="next" href="{esc(href(replica, self.outlet, self.next_path))}">{older}</a>')
        parts.append("</nav>")
        return "".join(parts)
