"""The declarative description of one news outlet.

An outlet is data: where to discover articles, which URLs are articles, how
politely to fetch, and which extraction rules apply at which time. Spiders and
extractors read these fields; they never hard-code an outlet.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Politeness:
    """Per-outlet fetch limits (Scrapy slot settings)."""

    concurrency: int = 2  # parallel requests to this outlet's hosts
    delay: float = 0.5  # seconds between requests on one slot (AutoThrottle start)


@dataclass(frozen=True)
class ExtractionRules:
    """Rules for one period of an outlet's markup (a site redesign adds a version).

    ``prune_xpaths`` remove page furniture before trafilatura runs;
    ``drop_paragraphs`` are regular expressions matched (search, case-insensitive)
    against each extracted paragraph; a matching paragraph is removed;
    ``stop_paragraphs`` end the body: the matching paragraph and all after it go;
    ``original_source_patterns`` find the outlet a page credits, and the matched
    credit is removed from the body text.
    """

    valid_from: date | None = None  # inclusive; None = since ever
    valid_until: date | None = None  # exclusive; None = still valid
    prune_xpaths: tuple[str, ...] = ()
    drop_paragraphs: tuple[str, ...] = ()
    stop_paragraphs: tuple[str, ...] = ()
    body_xpath: str | None = None  # the article container, when known
    author_xpaths: tuple[str, ...] = ()
    tag_xpaths: tuple[str, ...] = ()
    section_xpaths: tuple[str, ...] = ()
    original_source_patterns: tuple[str, ...] = ()  # regex with one group: the credited outlet
    title_xpaths: tuple[str, ...] = ()  # the headline, when page metadata is unreliable
    date_xpaths: tuple[str, ...] = ()  # publication date nodes (datetime/content attribute or text)

    def applies_on(self, day: date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        if self.valid_until and day >= self.valid_until:
            return False
        return True


@dataclass(frozen=True)
class UrlRewrite:
    """An older URL form of an outlet's articles, rewritten to the form the site uses today.

    ``pattern`` is matched (``re.fullmatch``) against the URL's path with its query
    (``/path?query``); ``replacement`` (``re`` template syntax) is the current path, query
    included if it has one. ``lowercase`` lowers the result (a slug that was once printed
    in capitals). One article, however its URL was printed, then has one canonical key.
    """

    pattern: str
    replacement: str
    lowercase: bool = False

    def apply(self, target: str) -> str | None:
        """The current form of ``target`` (path with query), or None when it is not this form."""
        match = re.fullmatch(self.pattern, target)
        if match is None:
            return None
        rewritten = match.expand(self.replacement)
        return rewritten.lower() if self.lowercase else rewritten


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    base_url: str  # the live site, scheme and host, no trailing slash
    language: str
    former_domains: tuple[str, ...] = ()  # hosts the outlet used before (canonicalised away)
    extra_domains: tuple[str, ...] = ()  # other hosts that serve the same outlet
    sitemaps: tuple[str, ...] = ()  # paths of sitemap indexes or sitemaps
    feeds: tuple[str, ...] = ()  # paths of RSS/Atom feeds
    sections: tuple[str, ...] = ()  # paths (with their query, if any) of section or listing pages
    article_path: str = ""  # regex matched against the URL path (never the query) of an article
    url_rewrites: tuple[UrlRewrite, ...] = ()  # older URL forms of articles -> the current form
    not_articles: tuple[str, ...] = ()  # regexes of paths that match article_path but are no articles
    skip_sitemaps: tuple[str, ...] = ()  # regexes (search) of child sitemap URLs never read
    politeness: Politeness = field(default_factory=Politeness)
    schedule: str = "0 * * * *"  # cron (UTC) of its scheduled runs; the settings file may override it
    rules: tuple[ExtractionRules, ...] = (ExtractionRules(),)

    # (computed once per outlet: every link and every URL key asks for them)
    @cached_property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @cached_property
    def domains(self) -> tuple[str, ...]:
        """Every host this outlet answers on, current first."""
        return (self.host, *self.extra_domains, *self.former_domains)

    def url(self, path: str) -> str:
        return self.base_url + path

    def current_target(self, path: str, query: str = "") -> str:
        """``path?query`` in the article's current form when an older form is recognised, else as given."""
        target = path + (f"?{query}" if query else "")
        for rewrite in self.url_rewrites:
            rewritten = rewrite.apply(target)
            if rewritten is not None:
                return rewritten
        return target

    def article_path_of(self, url: str) -> str | None:
        """The path of the article ``url`` names, in its current form (no query), or None.

        The query never decides: links to articles carry tracking and cache-busting
        parameters (``?utm_source=…``, ``?doing_wp_cron=…``), unless an older URL form
        keeps the article's id in it (a rewrite reads that first).
        """
        parts = urlsplit(url)
        if (parts.hostname or "").lower() not in self.domains:
            return None
        path = self.current_target(parts.path, parts.query).split("?", 1)[0]
        if re.search(self.article_path, path) is None:
            return None
        if any(re.search(pattern, path) for pattern in self.not_articles):
            return None
        return path

    def is_article(self, url: str) -> bool:
        return self.article_path_of(url) is not None

    def reads_sitemap(self, url: str) -> bool:
        """False for a child sitemap the outlet's ``skip_sitemaps`` name (it lists no articles)."""
        return not any(re.search(pattern, url) for pattern in self.skip_sitemaps)

    def rules_for(self, day: date | None) -> ExtractionRules:
        """The rule version in force on ``day`` (the newest version when unknown)."""
        if day is not None:
            for version in self.rules:
                if version.applies_on(day):
                    return version
        return self.rules[-1]

    def with_base_url(self, base_url: str) -> Outlet:
        base_url = base_url.rstrip("/")
        host = urlsplit(base_url).hostname or ""
        if not urlsplit(base_url).scheme or not host:
            raise ValueError(f"base URL must be scheme://host, got {base_url!r}")
        extra = self.extra_domains if host == self.host else (self.host, *self.extra_domains)
        return replace(self, base_url=base_url, extra_domains=tuple(dict.fromkeys(extra)))


def base_url_override(slug: str, environ: os._Environ | dict | None = None) -> str | None:
    """``NEWSARCHIVE_BASE_URL_<SLUG>`` overrides an outlet's base URL."""
    env = os.environ if environ is None else environ
    return env.get(f"NEWSARCHIVE_BASE_URL_{slug.upper()}") or None
