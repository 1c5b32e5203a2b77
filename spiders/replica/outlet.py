"""What the replica needs to know to imitate one outlet's site, and where each outlet's is.

The replica engine (catalogue, discovery, routing, the wire) is generic: it walks the
outlet registry and, for each slug, loads ``spiders.replica.outlets.<slug>``, whose
``SITE`` describes the site as public evidence shows it: its cadence and ids, its URL
forms, its discovery endpoints, its transfer habits, its page templates and the page
furniture that must never become article text. A variation between sites is a class
attribute or a small method of ``OutletSite``, overridden where the site differs.
"""
from __future__ import annotations

import calendar
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cache
from typing import Any, ClassVar

from spiders.replica.words import SECTIONS_TAGS


@dataclass(frozen=True)
class Section:
    """A listing the site serves: a heading and which live articles it lists, newest first."""

    heading: str
    wanted: Callable[[Any], bool] = lambda entry: True  # Entry -> bool


@dataclass(frozen=True)
class SitemapUrl:
    """A URL a sitemap lists that is no live article of the catalogue: a WordPress page, or an
    archive link (an old article in its old URL form; the replica does not serve those)."""

    path: str
    lastmod: datetime
    current_path: str | None = None  # the article's path today, for an archive link in an old form


@dataclass
class EntryDraft:
    """An article's listing data while the catalogue builds it; ``OutletSite.describe`` fills in the outlet's part."""

    title: str
    place: str
    topic: str
    section: str | None
    tags: tuple[str, ...]
    published: datetime
    seeded: bool = False  # the text is one of the outlet's real seed texts
    authors: tuple[str, ...] = ()
    original_source: str | None = None
    original: tuple[str, int] | None = None  # (outlet, rank) of the article this one republishes
    extra: dict = field(default_factory=dict)


class OutletSite:
    """One outlet's site in the replica; a subclass per outlet sets what differs.

    (The methods receive the engine's objects: ``replica`` a ``catalogue.Replica``,
    ``art`` an ``Article``, ``entries`` ``Entry`` lists, ``page`` a ``templates.Listing``;
    this module imports none of them, so the engine can import it.)
    """

    slug: ClassVar[str]
    # -- the catalogue: how often it publishes, its article ids, its clock, its sections
    spacing: ClassVar[timedelta]  # average gap between two articles
    first_id: ClassVar[int]  # numeric id of the article at rank 0
    id_step: ClassVar[int] = 1
    zone: ClassVar[tzinfo] = timezone.utc  # how the outlet presents local time
    section_labels: ClassVar[tuple[str, ...]]  # section names an article may carry
    tag_pool: ClassVar[tuple[str, ...]] = SECTIONS_TAGS  # tags an article may carry
    title_salt: ClassVar[int]
    seed_ranks: ClassVar[tuple[int, ...]] = ()  # ranks whose text is a real seed text of this outlet
    # -- discovery: robots.txt, feeds, sitemaps, listings (paths with their query, if any). These
    # are the site's own, as the evidence shows them: never read from the outlet registry.
    robots_allow: ClassVar[tuple[str, ...]] = ()
    robots_disallow: ClassVar[tuple[str, ...]] = ()
    feeds: ClassVar[tuple[str, ...]] = ()
    sitemap_index: ClassVar[str | None] = None
    news_sitemap: ClassVar[bool] = False  # Google News tags (publication dates) in the sitemaps
    single_sitemap: ClassVar[bool] = False  # the "index" is one urlset listing every article
    index_lastmod: ClassVar[bool] = True  # the index gives each child's lastmod
    sitemap_since: ClassVar[tuple[int, int] | None] = None  # the index lists every month since (year, month)
    sections: ClassVar[dict[str, Section]] = {}
    page_size: ClassVar[int] = 20  # articles on one listing page
    paged: ClassVar[bool] = True  # listings have further pages (else page 1 only: "load more" by script)
    rel_next: ClassVar[bool] = True  # listings name their next page with rel=next
    wordpress_paging: ClassVar[bool] = False  # page N of a listing is <listing>/page/N/, not ?page=N
    home_paged: ClassVar[bool] = False  # the home page is paged too (WordPress: /page/N/)
    pages: ClassVar[dict[str, str]] = {}  # site pages that are not articles: path -> title
    # -- the wire
    server: ClassVar[str] = "nginx"
    chunked: ClassVar[bool] = False  # every response in chunked transfer coding
    gzip: ClassVar[bool] = True  # compresses when asked to
    removed_to_home: ClassVar[bool] = False  # a removed article redirects to the home page instead of 410
    # -- furniture: strings on this outlet's pages that must never be article text
    furniture: ClassVar[tuple[str, ...]] = ()

    def number(self, rank: int) -> int:
        """The numeric id of the article at ``rank``."""
        return self.first_id - rank * self.id_step

    def path(self, number: int, title: str, published: datetime) -> str:
        """The article's URL path (with its query, if any)."""
        raise NotImplementedError

    def describe(self, draft: EntryDraft, replica, rank: int, rng) -> None:
        """Set the outlet's own part of an article's listing data (authors, credits, copies)."""

    def generated_body(self, paragraphs: list[str]) -> list[str]:
        """A generated article text as the outlet prints it (with a fixed opening, say)."""
        return paragraphs

    def sitemap_child_path(self, year: int, month: int) -> str:
        """The monthly child sitemap of the index."""
        return f"/sitemap-{year}-{month:02d}.xml"

    def sitemap_children(self, live: list) -> dict[str, list]:
        """The index's children and what each lists (``Entry`` or ``SitemapUrl``), in index order.

        Default: one child per month, newest first; with ``sitemap_since``, every month from
        then on, oldest first, those without live articles listing ``archive_urls``.
        """
        children: dict[str, list] = {}
        for entry in live:
            local = entry.local_time()
            children.setdefault(self.sitemap_child_path(local.year, local.month), []).append(entry)
        if self.sitemap_since is None:
            return children
        year, month = self.sitemap_since
        newest = max((e.local_time() for e in live), default=None)
        end = (newest.year, newest.month) if newest else (year, month)
        ordered: dict[str, list] = {}
        while (year, month) <= end:
            path = self.sitemap_child_path(year, month)
            ordered[path] = children.get(path) or list(self.archive_urls(year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return ordered

    def archive_urls(self, year: int, month: int) -> tuple[SitemapUrl, ...]:
        """What a month before the catalogue's lists (old URL forms the evidence shows; none by default)."""
        return ()

    def feed_link(self, path: str) -> str:
        """An article's link as the feed prints it (some feeds add tracking parameters)."""
        return path

    def current_path(self, path: str) -> str | None:
        """For an older URL form of an article, its path today (the site redirects there); else None."""
        return None

    def page_path(self, path: str, number: int) -> str:
        """The path of page ``number`` of the listing at ``path``."""
        if number == 1:
            return path
        if self.wordpress_paging:
            return f"{path.rstrip('/')}/page/{number}/"
        return f"{path}{'&' if '?' in path else '?'}page={number}"

    def site_page(self, replica, path: str, title: str) -> str:
        """A site page that is not an article (``pages``)."""
        raise NotImplementedError

    def article(self, replica, art) -> str:
        raise NotImplementedError

    def listing(self, replica, page) -> str:
        raise NotImplementedError


def month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@cache
def outlet_site(slug: str) -> OutletSite:
    """The replica's description of the registry outlet ``slug`` (``spiders.replica.outlets.<slug>.SITE``)."""
    try:
        module = importlib.import_module(f"spiders.replica.outlets.{slug}")
    except ModuleNotFoundError as exc:
        raise LookupError(f"outlet {slug!r} has no replica site: add spiders/replica/outlets/{slug}.py") from exc
    return module.SITE
