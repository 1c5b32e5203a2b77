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
class Outlet:
    slug: str
    name: str
    base_url: str  # the live site, scheme and host, no trailing slash
    language: str
    former_domains: tuple[str, ...] = ()  # hosts the outlet used before (canonicalised away)
    extra_domains: tuple[str, ...] = ()  # other hosts that serve the same outlet
    sitemaps: tuple[str, ...] = ()  # paths of sitemap indexes or sitemaps
    feeds: tuple[str, ...] = ()  # paths of RSS/Atom feeds
    sections: tuple[str, ...] = ()  # paths of paginated section pages
    article_path: str = ""  # regex matched against the URL path (+query) of an article
    politeness: Politeness = field(default_factory=Politeness)
    schedule: str = "0 * * * *"  # cron (UTC) of its scheduled runs; the settings file may override it
    rules: tuple[ExtractionRules, ...] = (ExtractionRules(),)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def domains(self) -> tuple[str, ...]:
        """Every host this outlet answers on, current first."""
        return (self.host, *self.extra_domains, *self.former_domains)

    def url(self, path: str) -> str:
        return self.base_url + path

    def is_article(self, url: str) -> bool:
        parts = urlsplit(url)
        if (parts.hostname or "") not in self.domains:
            return False
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return re.search(self.article_path, target) is not None

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
