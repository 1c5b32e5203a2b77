"""The probe's checks, as plain functions of an outlet and its ``ProbeClient``.

``probe_outlet`` runs them in order: robots.txt, every discovery endpoint of the
registry (feeds, sitemaps, sections), one sample article, then the verdict.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from lxml import etree, html as lxml_html
from protego import Protego

from flows.extract.page import extract_html
from flows.probe.http import Fetched, ProbeClient
from flows.probe.results import ArticleCheck, EndpointCheck, OutletProbe, RobotsCheck
from flows.probe.verdict import AGENT, judge
from spiders.outlet import Outlet
from spiders.spider import parse_date
from spiders.urls import canonical_url, date_in_url

_BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "blockquote", "td", "figcaption")
_XML_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


# -- robots.txt ------------------------------------------------------------------------

def check_robots(client: ProbeClient) -> tuple[RobotsCheck, Protego | None]:
    """robots.txt as the crawler reads it (Scrapy's parser, Protego): absent or unreadable allows all."""
    fetched = client.get(client.url("/robots.txt"))
    check = RobotsCheck(fetched.final_url or fetched.url, fetched.status, fetched.error)
    if fetched.block is not None:
        check.block = fetched.block.to_dict()
        return check, None
    if not fetched.ok:
        return check, None
    check.found = True
    return check, Protego.parse(fetched.body.decode("utf-8", "replace"))


def allowed(robots: Protego | None, url: str) -> bool:
    return robots is None or robots.can_fetch(url, AGENT)


# -- discovery -------------------------------------------------------------------------

def _xml(body: bytes) -> etree._Element:
    root = etree.fromstring(body, parser=etree.XMLParser(**_XML_PARSER))
    if root is None:
        raise ValueError("empty document")
    return root


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def feed_items(body: bytes) -> list[tuple[str, datetime | None]]:
    """(link, date) of every RSS 2.0 item or Atom entry; ValueError when it is neither."""
    root = _xml(body)
    items: list[tuple[str, datetime | None]] = []
    if _local(root.tag) == "rss":
        for item in root.iter("item"):
            link = (item.findtext("link") or item.findtext("guid") or "").strip()
            date = item.findtext("pubDate") or item.findtext("{http://purl.org/dc/elements/1.1/}date")
            if link:
                items.append((link, parse_date(date)))
    elif _local(root.tag) == "feed":
        atom = "{http://www.w3.org/2005/Atom}"
        for entry in root.iter(f"{atom}entry"):
            links = [a.get("href") for a in entry.iter(f"{atom}link") if a.get("rel") in (None, "alternate")]
            date = entry.findtext(f"{atom}published") or entry.findtext(f"{atom}updated")
            if links and links[0]:
                items.append((links[0].strip(), parse_date(date)))
    else:
        raise ValueError(f"not RSS or Atom (root <{_local(root.tag)}>)")
    return items


def sitemap_entries(body: bytes) -> tuple[str, list[tuple[str, datetime | None]]]:
    """("index" or "urlset", [(loc, date)]): the date is the news publication date, else lastmod."""
    root = _xml(body)
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        raise ValueError(f"not a sitemap (root <{kind}>)")
    entries = []
    for node in root:
        loc = node.findtext("{*}loc")
        if not loc:
            continue
        date = node.findtext("{*}news/{*}publication_date") or node.findtext("{*}lastmod")
        entries.append((loc.strip(), parse_date(date)))
    return ("index" if kind == "sitemapindex" else "urlset"), entries


def page_links(body: bytes, url: str) -> list[str]:
    tree = lxml_html.fromstring(body)
    return [urljoin(url, href.strip()) for href in tree.xpath("//a/@href") if href.strip()]


def _count(check: EndpointCheck, outlet: Outlet, found: list[tuple[str, datetime | None]]) -> None:
    on_outlet = [(u, d) for u, d in found if (urlsplit(u).hostname or "").lower() in outlet.domains]
    check.candidates = len(on_outlet)
    articles = [(u, d) for u, d in on_outlet if outlet.is_article(u)]
    check.articles = len(articles)
    check.article_urls = articles
    dates = [d for _, d in on_outlet if d is not None]
    check.newest = max(dates).isoformat() if dates else None


def _answer(check: EndpointCheck, fetched: Fetched) -> bool:
    check.status, check.error = fetched.status, fetched.error
    if fetched.block is not None:
        check.block = fetched.block.to_dict()
    return fetched.ok


def check_endpoint(client: ProbeClient, robots: Protego | None, kind: str, path: str) -> EndpointCheck:
    outlet = client.outlet
    url = client.url(path)
    check = EndpointCheck(kind, path, url, allowed=allowed(robots, url))
    if not check.allowed:
        check.note = f"not fetched: robots.txt forbids {AGENT}"
        return check
    fetched = client.get(url)
    if not _answer(check, fetched):
        return check
    try:
        if kind == "feed":
            _count(check, outlet, feed_items(fetched.body))
        elif kind == "section":
            _count(check, outlet, [(link, None) for link in page_links(fetched.body, fetched.final_url or url)])
        else:
            _check_sitemap(client, robots, check, fetched)
        check.parses = True
    except (ValueError, etree.LxmlError) as exc:
        check.parses = False
        check.note = f"does not parse: {str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__}"
    return check


def _check_sitemap(client: ProbeClient, robots: Protego | None, check: EndpointCheck, fetched: Fetched) -> None:
    """A urlset is counted; an index's newest child (by lastmod, else the dates in its URL) is read and counted."""
    kind, entries = sitemap_entries(fetched.body)
    if kind == "urlset":
        _count(check, client.outlet, entries)
        return
    children = [(loc, date) for loc, date in entries if client.outlet.reads_sitemap(loc)
                and (urlsplit(loc).hostname or "").lower() in client.outlet.domains]
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    children.sort(key=lambda c: c[1] or date_in_url(c[0]) or oldest, reverse=True)
    if not children:
        check.note = f"index of {len(entries)} sitemap(s), none on the outlet's hosts listing articles"
        return
    newest = children[0][0]
    check.note = f"index of {len(entries)} sitemap(s); read the newest: {newest}"
    child_url = client.fetch_url(newest)
    if not allowed(robots, child_url):
        check.note += f" (not fetched: robots.txt forbids {AGENT})"
        return
    child = client.get(child_url)
    if not child.ok:
        check.note += f" ({child.problem()})"
        if child.block is not None:
            check.block = child.block.to_dict()
        return
    _, urls = sitemap_entries(child.body)
    _count(check, client.outlet, urls)


# -- the sample article ----------------------------------------------------------------

def sample_url(endpoints: list[EndpointCheck]) -> str | None:
    """The newest dated article found (feeds, sitemaps), else the first one a section lists."""
    dated = [(d, u) for e in endpoints for u, d in e.article_urls if d is not None]
    if dated:
        return max(dated)[1]
    return next((u for e in endpoints for u, _ in e.article_urls), None)


def _block_texts(tree) -> list[str]:
    return [" ".join(node.text_content().split()) for node in tree.iter(*_BLOCK_TAGS)]


def rules_fired(page: bytes, outlet: Outlet, day) -> tuple[bool | None, str]:
    """Whether the rule version's container is on the page, and how many of its rules match something."""
    tree = lxml_html.fromstring(page)
    rules = outlet.rules_for(day)
    container = bool(tree.xpath(rules.body_xpath)) if rules.body_xpath else None
    prunes = sum(1 for xpath in rules.prune_xpaths if tree.xpath(xpath))
    texts = _block_texts(tree)
    patterns = [*rules.drop_paragraphs, *rules.stop_paragraphs, *rules.original_source_patterns]
    fired = sum(1 for pattern in patterns if any(re.search(pattern, t, re.IGNORECASE) for t in texts))
    return container, f"prune {prunes}/{len(rules.prune_xpaths)}, paragraph {fired}/{len(patterns)}"


def check_article(client: ProbeClient, robots: Protego | None, url: str | None, now: datetime) -> ArticleCheck:
    if url is None:
        return ArticleCheck(None, error="no article found to sample")
    # As the spider requests it: the canonical URL (no tracking parameters) on the configured base,
    # with the trailing slash of the link kept.
    target = client.fetch_url(canonical_url(url) + ("/" if urlsplit(url).path.endswith("/") else ""))
    check = ArticleCheck(target, allowed=allowed(robots, target))
    if not check.allowed:
        check.error = f"not fetched: robots.txt forbids {AGENT}"
        return check
    fetched = client.get(target)
    check.status, check.error = fetched.status, fetched.error
    if fetched.block is not None:
        check.block = fetched.block.to_dict()
    if not fetched.ok:
        return check
    try:
        check.container_found, check.rules = rules_fired(fetched.body, client.outlet, now.date())
    except (ValueError, etree.LxmlError) as exc:
        check.error = f"not HTML: {exc}"
        return check
    article = extract_html(fetched.body, fetched.final_url or target, fetched_at=now)
    if article is not None:
        check.extracted = True
        check.words = len(re.findall(r"\w+", article.text))
        check.title, check.published, check.authors = article.title, article.published, article.authors
    return check


# -- one outlet ------------------------------------------------------------------------

def discovery_paths(outlet: Outlet) -> list[tuple[str, str]]:
    return ([("feed", p) for p in outlet.feeds] + [("sitemap", p) for p in outlet.sitemaps]
            + [("section", p) for p in outlet.sections])


def probe_outlet(client: ProbeClient, now: datetime | None = None) -> OutletProbe:
    """Every check for the client's outlet, and the verdict."""
    now = now or datetime.now(timezone.utc)
    outlet = client.outlet
    robots_check, robots = check_robots(client)
    endpoints: list[EndpointCheck] = []
    article: ArticleCheck | None = None
    silent = robots_check.status is None  # no answer so far
    for kind, path in discovery_paths(outlet):
        if silent and endpoints:
            # robots.txt and the first endpoint got no answer at all: a dead host; the rest would
            # only wait for their timeouts.
            endpoints.append(EndpointCheck(kind, path, client.url(path), note="not tried: no answer from the host"))
            continue
        endpoints.append(check_endpoint(client, robots, kind, path))
        silent = silent and endpoints[-1].status is None
    if any(e.status is not None for e in endpoints):
        article = check_article(client, robots, sample_url(endpoints), now)
    robots_check.disallowed = [e.path for e in endpoints if not e.allowed]
    if article is not None and article.url and not article.allowed:
        robots_check.disallowed.append(urlsplit(article.url).path)
    result = OutletProbe(outlet.slug, outlet.name, client.base, _shown_proxy(client.proxy), robots_check,
                         endpoints, article, client.requests)
    result.verdict, result.reasons = judge(result)
    return result


def _shown_proxy(proxy: str | None) -> str | None:
    """The proxy without its credentials (reports are shown and stored)."""
    if not proxy:
        return None
    parts = urlsplit(proxy)
    return parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")).geturl()
