"""Article metadata: title, authors, dates, language, tags, section, canonical URL.

Outlet rules (XPaths) come first, then the page's own structured metadata
(JSON-LD, Open Graph, ``article:*`` and ``itemprop`` tags), then trafilatura's and
htmldate's heuristics.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property

from htmldate import find_date
from lxml import html
from trafilatura.metadata import extract_metadata as trafilatura_metadata
from trafilatura.settings import Document

from flows.extract.cleaning import normalize_space, xpath
from spiders.outlet import ExtractionRules
from spiders.urls import canonical_url as canonicalize

_BYLINE_PREFIX = re.compile(
    r"^\s*(?:by|par|articles?\s+(?:by|par)|written\s+by|author|auteur)\s*[:\-–]?\s+", re.IGNORECASE
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\sand\s|\set\s)\s*")
_AUTHOR_SUFFIX = re.compile(r"[.,]\s*(?:sputnik(?:\s+international)?|global research|mondialisation\.ca)\s*$", re.IGNORECASE)
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "publish-date",
    "publication_date",
    "date",
    "dc.date",
    "DC.date.issued",
    "sailthru.date",
)
_PUBLISHED_ITEMPROP = ("datePublished", "dateCreated")
_ARTICLE_TYPES = re.compile(r"(Article|Posting|Report|Blog)", re.IGNORECASE)


@dataclass
class Published:
    value: str  # ISO 8601 with offset
    precision: str  # "second" when the page states a time, "day" when only the day is known
    offset_stated: bool = True  # False when the page gave no offset and UTC was assumed


@dataclass
class PageMetadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: Published | None = None
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    section: str | None = None
    canonical_url: str = ""


class _PageFacts:
    """What the fields read from a page over and over, gathered once: the ``content`` of its
    ``<meta>`` tags by (attribute, value), and its JSON-LD article. (A page's fields asked
    for them about twenty times, each a scan of the whole tree, and parsed the JSON-LD five
    times.) The page must not change between the fields' reads: none of them changes it."""

    def __init__(self, tree: html.HtmlElement) -> None:
        self.tree = tree
        self.meta: dict[tuple[str, str], list[str]] = {}
        for element in tree.getroottree().getroot().iter("meta"):  # document order, as //meta
            content = element.get("content")
            if content is None:
                continue
            for attribute in _META_ATTRIBUTES:
                value = element.get(attribute)
                if value is not None:
                    self.meta.setdefault((attribute, value), []).append(content)

    @cached_property
    def article(self) -> dict:
        for item in _json_ld_objects(self.tree):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
                return item
        return {}


_META_ATTRIBUTES = ("property", "name", "itemprop")
_facts: _PageFacts | None = None  # the last page's (a page's fields are read one after the other)


def _page_facts(tree: html.HtmlElement) -> _PageFacts:
    global _facts
    facts = _facts  # (read once: threads extracting other pages may replace it meanwhile)
    if facts is None or facts.tree is not tree:
        facts = _facts = _PageFacts(tree)
    return facts


def _meta(tree: html.HtmlElement, *names: str) -> str | None:
    """The first non-blank ``content`` of a ``<meta>`` named ``names[0]`` (by property, name or
    itemprop), else of ``names[1]``, and so on."""
    meta = _page_facts(tree).meta
    for name in names:
        for attribute in _META_ATTRIBUTES:
            for value in meta.get((attribute, name), ()):
                if value.strip():
                    return normalize_space(value)
    return None


def _json_ld_objects(tree: html.HtmlElement) -> Iterator[dict]:
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
                yield item


def _json_ld_article(tree: html.HtmlElement) -> dict:
    return _page_facts(tree).article


def _texts(tree: html.HtmlElement, xpaths: Iterable[str]) -> list[str]:
    values: list[str] = []
    for expression in xpaths:
        for node in xpath(expression)(tree):
            text = node if isinstance(node, str) else node.text_content()
            text = normalize_space(str(text))
            if text:
                values.append(text)
        if values:
            break  # the first XPath that finds something wins
    return values


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


# --- title -----------------------------------------------------------------------------


class Heuristics:
    """trafilatura's metadata heuristics for one page, run the first time a field needs them.

    They cost about a third of an outlet page's extraction time, and most pages state
    their title, authors and tags in markup the rules or structured metadata read first.
    """

    def __init__(self, tree: html.HtmlElement, url: str) -> None:
        self._tree, self._url = tree, url

    @cached_property
    def _document(self) -> Document:
        return trafilatura_metadata(self._tree, default_url=self._url)

    @property
    def title(self) -> str | None:
        return self._document.title

    @property
    def author(self) -> str | None:
        return self._document.author

    @property
    def tags(self) -> list[str]:
        return list(self._document.tags or [])


def extract_title(tree: html.HtmlElement, rules: ExtractionRules, heuristics: Heuristics) -> str | None:
    found = _texts(tree, rules.title_xpaths)
    if found:
        return found[0]
    headline = _json_ld_article(tree).get("headline")
    if isinstance(headline, str) and headline.strip():
        return normalize_space(headline)
    og_title = _meta(tree, "og:title", "twitter:title")
    if og_title:
        return og_title
    return heuristics.title


# --- authors ---------------------------------------------------------------------------


def clean_author(name: str) -> str:
    name = _BYLINE_PREFIX.sub("", normalize_space(name))
    name = _AUTHOR_SUFFIX.sub("", name)
    return name.strip(" .,:;|-–—")


def split_authors(byline: str) -> list[str]:
    return [a for a in (clean_author(part) for part in _AUTHOR_SPLIT.split(clean_author(byline))) if a]


def _json_ld_authors(article: dict) -> list[str]:
    raw = article.get("author")
    items = raw if isinstance(raw, list) else [raw]
    names = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            if item.get("@type") != "Organization":  # the publisher is not an author
                names.append(item["name"])
        elif isinstance(item, str):
            names.append(item)
    return names


def extract_authors(tree: html.HtmlElement, rules: ExtractionRules, heuristics: Heuristics) -> list[str]:
    if rules.author_xpaths:
        found = _texts(tree, rules.author_xpaths)
        if found:
            return _unique(a for byline in found for a in split_authors(byline))
    names = _json_ld_authors(_json_ld_article(tree))
    if not names:
        meta = _meta(tree, "author", "article:author", "dc.creator", "sailthru.author")
        if meta and not meta.startswith("http"):
            names = [meta]
    # The outlet's byline markup is known: no byline there means no author, not a guess.
    if not names and not rules.author_xpaths and heuristics.author:
        names = [heuristics.author]
    return _unique(a for byline in names for a in split_authors(byline))


# --- dates -----------------------------------------------------------------------------


def parse_datetime(value: str) -> Published | None:
    """ISO 8601 (or ``YYYY-MM-DD``) -> offset-aware ISO; a missing offset is taken as UTC."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", value) else value)
    except ValueError:
        match = re.match(r"(\d{4})[-/](\d\d)[-/](\d\d)", value)
        if not match:
            return None
        parsed = datetime(int(match[1]), int(match[2]), int(match[3]))
        return Published(parsed.replace(tzinfo=timezone.utc).isoformat(), "day", offset_stated=False)
    precision = "day" if re.fullmatch(r"\d{4}-\d\d-\d\d", value) else "second"
    if parsed.tzinfo is None:
        return Published(parsed.replace(tzinfo=timezone.utc).isoformat(), precision, offset_stated=False)
    return Published(parsed.isoformat(), precision)


def _structured_dates(tree: html.HtmlElement, rules: ExtractionRules) -> Iterator[str]:
    for node in (n for expression in rules.date_xpaths for n in xpath(expression)(tree)):
        yield node if isinstance(node, str) else (node.get("datetime") or node.get("content") or node.text_content())
    article = _json_ld_article(tree)
    if isinstance(article.get("datePublished"), str):
        yield article["datePublished"]
    meta = _meta(tree, *_PUBLISHED_META)
    if meta:
        yield meta
    for itemprop in _PUBLISHED_ITEMPROP:
        for node in tree.xpath(f'//*[@itemprop="{itemprop}"]'):
            yield node.get("datetime") or node.get("content") or ""


def extract_published(tree: html.HtmlElement, rules: ExtractionRules, url: str | None,
                      rules_known: bool = True, source: bytes | str | None = None) -> Published | None:
    """The publication date: the outlet's rules and the page's structured metadata first.

    A page without outlet rules takes its day from htmldate (``original_date``), which
    weighs a page's many date signals better than a fixed order of meta tags can (a
    "date" meta tag or a JSON-LD block may date an update, a listing or the site);
    the structured metadata then only adds the time and offset when it names that day.
    htmldate reads ``source`` (the page as served) when given: its own parse of the page
    dates more pages right than the tree parsed for trafilatura does.
    """
    # A date with its offset beats one without (a bare "2026-11-20T15:00" may be local time).
    candidates = [p for p in (parse_datetime(str(c)) for c in _structured_dates(tree, rules)) if p]
    if not rules_known:
        day = find_date(source if source is not None else tree, extensive_search=True, original_date=True, url=url)
        if day:
            same_day = [p for p in candidates if p.value[:10] == day]
            stated = [p for p in same_day if p.offset_stated]
            return (stated or same_day or [parse_datetime(day)])[0]
    for published in candidates:
        if published.offset_stated:
            return published
    if candidates:
        return candidates[0]
    day = find_date(tree, extensive_search=True, original_date=True, url=url)
    return parse_datetime(day) if day else None


# --- the rest --------------------------------------------------------------------------


def extract_language(tree: html.HtmlElement, default: str | None) -> str | None:
    for value in tree.xpath("/html/@lang | /html/@xml:lang") + [_meta(tree, "og:locale", "language") or ""]:
        value = str(value).strip()
        if value:
            return re.split(r"[-_]", value)[0].lower()
    return default


def _tag_values(node) -> list[str]:
    if isinstance(node, str):
        return [t for t in (normalize_space(v) for v in node.split(",")) if t]
    text = normalize_space(node.text_content())
    return [text] if text else []


def extract_tags(tree: html.HtmlElement, rules: ExtractionRules, heuristics: Heuristics) -> list[str]:
    # An attribute (a meta tag's content) holds a comma-separated list.
    found: list[str] = []
    for expression in rules.tag_xpaths:
        found = [t for node in xpath(expression)(tree) for t in _tag_values(node)]
        if found:
            break  # the first XPath that finds something wins
    if not found:
        found = [normalize_space(t) for t in _page_facts(tree).meta.get(("property", "article:tag"), ())]
    if not found:
        keywords = _json_ld_article(tree).get("keywords")
        if isinstance(keywords, str):
            found = keywords.split(",")
        elif isinstance(keywords, list):
            found = [k for k in keywords if isinstance(k, str)]
    if not found:
        found = heuristics.tags
    return _unique(normalize_space(t).strip(" ,#") for t in found)


def extract_section(tree: html.HtmlElement, rules: ExtractionRules) -> str | None:
    found = _texts(tree, rules.section_xpaths)
    if found:
        return found[0]
    section = _meta(tree, "article:section")
    if section:
        return section
    article_section = _json_ld_article(tree).get("articleSection")
    if isinstance(article_section, list):
        article_section = article_section[0] if article_section else None
    return normalize_space(article_section) if isinstance(article_section, str) else None


def extract_canonical(tree: html.HtmlElement, url: str) -> str:
    for candidate in tree.xpath('//link[@rel="canonical"]/@href') + [_meta(tree, "og:url") or ""]:
        candidate = str(candidate).strip()
        if candidate.startswith(("http://", "https://")):
            try:
                return canonicalize(candidate)
            except ValueError:
                continue
    return canonicalize(url)


def extract_page_metadata(
    tree: html.HtmlElement, url: str, rules: ExtractionRules, default_language: str | None,
    rules_known: bool = True, source: bytes | str | None = None,
) -> PageMetadata:
    heuristics = Heuristics(tree, url)
    return PageMetadata(
        title=extract_title(tree, rules, heuristics),
        authors=extract_authors(tree, rules, heuristics),
        published=extract_published(tree, rules, url, rules_known, source),
        language=extract_language(tree, default_language),
        tags=extract_tags(tree, rules, heuristics),
        section=extract_section(tree, rules),
        canonical_url=extract_canonical(tree, url),
    )
