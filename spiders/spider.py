"""The one spider every outlet uses: discover first, then fetch the newest articles.

Discovery reads the outlet's sitemaps (Scrapy's ``SitemapSpider`` machinery; an
index's children newest first, by lastmod or else by the dates in their URLs),
feeds (RSS 2.0 and Atom) and section pages (followed by ``rel=next``, else by
WordPress's ``<section>/page/N/`` links), and only collects candidate article URLs
with the best date it can find. When discovery has
settled (the spider goes idle) the newest ``max_articles`` candidates not in
``seen`` are requested. The spider extracts nothing: the WARC recorder keeps
every response and extraction reads the WARC later.

An answer that blocks the crawler (``spiders.blocking``: a 403 or 429, a bot challenge
even with status 200) is never an article: it stays in the WARC as served, is listed in
``blocked`` with its evidence, and counts as a failed page.

Discovery is incremental: feeds and sitemaps are fetched with the validators
(ETag, Last-Modified) of the last complete crawl, and a 304 means nothing new
there; a child sitemap the index still lists with the lastmod it had when it
was last read is not fetched at all. ``revisits`` are archived articles due
again: they are fetched with conditional headers, and the recorder writes a
WARC revisit record when the payload has not changed.
"""
from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.spiders import SitemapSpider
from twisted.python.failure import Failure

from spiders import blocking
from spiders.outlet import Outlet
from spiders.outlets import get_outlet
from spiders.safety import untrusted_xml_elements
from spiders.urls import canonical_url, date_in_url

logger = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
# Scheduler priorities (higher first): articles go after any discovery request still
# queued (Scrapy's default, 0), revisits after both.
ARTICLE_PRIORITY = 1
REVISIT_PRIORITY = -1


def parse_date(text: str | None) -> datetime | None:
    """W3C/ISO 8601 (sitemaps, Atom) or RFC 822 (RSS) -> aware datetime, else None."""
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


_WORDPRESS_PAGE = re.compile(r"/page/\d+/?$")


def failure_reason(failure: Failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    if failure.check(IgnoreRequest):
        return str(failure.value) or "ignored"
    text = str(failure.value).strip()
    return f"{type(failure.value).__name__}: {text}" if text else type(failure.value).__name__


@dataclass
class Candidate:
    url: str  # to request
    canonical: str
    # Where the link was found (the source's place among the outlet's sources, the page, the
    # link's place on it) breaks ties between equal or unknown dates: the same for every run,
    # whichever discovery answer arrives first.
    order: tuple[int, ...]
    published: datetime | None = None
    modified: datetime | None = None

    @property
    def best_date(self) -> datetime | None:
        return self.published or self.modified

    def sort_key(self) -> tuple[bool, float, tuple[int, ...]]:
        date = self.best_date
        return (date is None, -date.timestamp() if date else 0.0, self.order)


class OutletSpider(SitemapSpider):
    name = "outlet"
    # Sitemap entries are collected in ``sitemap_filter``, not requested at once:
    # no rule matches, every sub-sitemap of an index may be followed.
    sitemap_rules = ()
    sitemap_follow = ("",)

    def __init__(
        self,
        outlet: str | Outlet,
        max_articles: int = 50,
        seen: Iterable[str] = (),
        revisits: Iterable[dict[str, Any]] = (),
        validators: dict[str, dict[str, str | None]] | None = None,
        since: datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.since = since  # candidates known to be older are not fetched
        self.skipped_old = 0
        self.outlet = get_outlet(outlet) if isinstance(outlet, str) else outlet
        self.allowed_domains = list(self.outlet.domains)
        self.max_articles = int(max_articles)
        self.seen = frozenset(seen)
        self.revisits = list(revisits)
        self.validators = dict(validators or {})  # discovery URL -> {etag, last_modified, lastmod}
        self.new_validators: dict[str, dict[str, str | None]] = {}
        self.not_modified: list[str] = []  # discovery URLs that answered 304
        self.unchanged_sitemaps: list[str] = []  # child sitemaps skipped by their lastmod
        self.captures: list[dict[str, Any]] = []  # what each article request ended in
        self.revisit_outcomes: dict[str, int] = {}
        self.candidates: dict[str, Candidate] = {}
        self.skipped_seen: set[str] = set()
        self.discovery_requests = 0
        self.discovery_responses = 0
        self.discovery_failures: list[dict[str, str]] = []
        self.article_requests = 0
        self.fetched = 0
        self.failed: list[dict[str, str]] = []
        self.blocked: list[dict[str, Any]] = []  # answers that block the crawler, with their evidence
        self.skipped_sitemaps: list[str] = []  # child sitemaps the outlet lists no articles in
        self._articles_scheduled = False
        self._news_dates: dict[str, str] = {}
        self._found_in: tuple[int, ...] = ()  # the rank of the discovery response being read
        self._links_read = 0  # links read so far from that response

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> OutletSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    # -- URLs and candidates ----------------------------------------------

    def fetch_url(self, url: str) -> str:
        """``url`` on the outlet's base scheme and host if it is one of the outlet's hosts.

        Links may name a former or alternate host, or https while the base URL is
        a plain-http replica; requests always go to the configured base.
        """
        parts = urlsplit(url)
        if (parts.hostname or "").lower() not in self.outlet.domains:
            return url
        base = urlsplit(self.outlet.base_url)
        return urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, ""))

    def add_candidate(
        self, url: str, published: datetime | None = None, modified: datetime | None = None
    ) -> bool:
        """Record an article URL; True when it is new and not already archived."""
        if not self.outlet.is_article(url):
            return False
        canonical = canonical_url(url)
        if canonical in self.seen:
            self.skipped_seen.add(canonical)
            return False
        self._links_read += 1
        order = (*self._found_in, self._links_read)
        known = self.candidates.get(canonical)
        if known is not None:
            known.published = known.published or published
            known.modified = max(filter(None, (known.modified, modified)), default=None)
            known.order = min(known.order, order)
            return False
        self.candidates[canonical] = Candidate(
            self.article_fetch_url(url, canonical), canonical, order, published, modified
        )
        return True

    def reading(self, response: Response) -> None:
        """The links added from now on were found in ``response`` (its rank orders them)."""
        self._found_in = response.meta.get("rank", ())
        self._links_read = 0

    def article_fetch_url(self, url: str, canonical: str) -> str:
        """The canonical URL (no tracking parameters, no AMP) on the configured base.

        A trailing slash of the discovered link is kept: the site's own form of
        the URL spares a redirect.
        """
        fetch = self.fetch_url(canonical)
        if urlsplit(url).path.endswith("/") and not urlsplit(fetch).path.endswith("/"):
            parts = urlsplit(fetch)
            fetch = urlunsplit((parts.scheme, parts.netloc, parts.path + "/", parts.query, ""))
        return fetch

    def newest_candidates(self) -> list[Candidate]:
        """The newest ``max_articles`` candidates; with ``since``, none known to be older."""
        wanted = [c for c in self.candidates.values()
                  if self.since is None or c.best_date is None or c.best_date >= self.since]
        self.skipped_old = len(self.candidates) - len(wanted)
        return sorted(wanted, key=Candidate.sort_key)[: self.max_articles]

    # -- blocking ------------------------------------------------------------

    def block_of(self, response: Response) -> blocking.Block | None:
        """The block this response is (recorded with its evidence), or None."""
        found = blocking.detect(response.status, response.headers, response.body, response.url)
        if found is not None:
            self.blocked.append(found.to_dict())
            logger.warning("Blocked: %s: %s", response.url, found.describe())
        return found

    # -- discovery ---------------------------------------------------------

    def discovery_request(
        self, url: str, callback, rank: tuple[int, ...], conditional: bool = False, **meta: Any
    ) -> Request:
        """A discovery request; ``conditional`` sends the validators of the last complete crawl.

        ``rank`` places what the answer lists among the other sources' links: sitemaps, then
        feeds, then the first pages of the sections in the outlet's order, then their second
        pages; a child sitemap ranks after its index, in the order the index is read.
        """
        self.discovery_requests += 1
        url = self.fetch_url(url)
        headers = conditional_headers(self.validators.get(url)) if conditional else {}
        if headers:
            meta["handle_httpstatus_list"] = [304]
        return Request(
            url,
            callback=callback,
            errback=self.discovery_failed,
            headers=headers,
            meta={"discovery": True, "conditional": conditional, "rank": rank, **meta},
        )

    async def start(self) -> AsyncIterator[Any]:
        for n, path in enumerate(self.outlet.sitemaps):
            yield self.discovery_request(self.outlet.url(path), self.parse_sitemap, (0, n), conditional=True)
        for n, path in enumerate(self.outlet.feeds):
            yield self.discovery_request(self.outlet.url(path), self.parse_feed, (1, n), conditional=True)
        for n, path in enumerate(self.outlet.sections):
            yield self.discovery_request(self.outlet.url(path), self.parse_section, (2, 1, n), page=1)
        for revisit in self.revisits:
            yield self.revisit_request(revisit)

    def _unchanged(self, response: Response) -> bool:
        """True on a 304; else remember the response's validators for the next crawl."""
        self.discovery_responses += 1
        if response.status == 304:
            self.not_modified.append(response.url)
            return True
        if response.meta.get("conditional"):
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            entry = self.new_validators.setdefault(response.url, {})
            entry["etag"] = etag.decode("latin-1") if etag else None
            entry["last_modified"] = modified.decode("latin-1") if modified else None
        return False

    def discovery_failed(self, failure: Failure) -> None:
        reason = failure_reason(failure)
        if failure.check(HttpError):
            found = self.block_of(failure.value.response)
            reason = f"blocked: {found.describe()}" if found else reason
        self.discovery_failures.append({"url": failure.request.url, "reason": reason})
        logger.info("Discovery request failed: %s: %s", failure.request.url, reason)

    def _blocked_discovery(self, response: Response) -> bool:
        """A 200 discovery answer that is a challenge page: counted as a failed discovery request."""
        found = self.block_of(response)
        if found is not None:
            self.discovery_failures.append({"url": response.url, "reason": f"blocked: {found.describe()}"})
        return found is not None

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if self._unchanged(response) or self._blocked_discovery(response):
            return
        body = self._get_sitemap_body(response)
        if body and b"publication_date" in body:
            self._news_dates = _news_publication_dates(body)
        # Read the whole sitemap before the first yield: Scrapy may interleave the iteration of
        # several callbacks' output, and the news dates and the rank are this response's.
        self.reading(response)
        children = list(self._parse_sitemap(response))
        self._news_dates = {}
        rank = response.meta.get("rank", ())
        for n, request in enumerate(children):
            yield self.discovery_request(request.url, self.parse_sitemap, (*rank, n), conditional=True)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """Collect article entries as candidates; pass on the newest sub-sitemaps."""
        children = []
        for entry in entries:
            loc = entry.get("loc", "")
            if self.outlet.is_article(loc):
                published = parse_date(self._news_dates.get(loc))
                self.add_candidate(loc, published=published, modified=parse_date(entry.get("lastmod")))
            elif (urlsplit(loc).hostname or "").lower() in self.outlet.domains:
                if self.outlet.reads_sitemap(loc):
                    children.append(entry)
                else:
                    self.skipped_sitemaps.append(loc)
        # Without lastmod, the dates a child's URL names (monthly indexes list 2004 first):
        # document order would read the oldest months.
        oldest = datetime.min.replace(tzinfo=timezone.utc)
        newest_first = sorted(
            children,
            key=lambda e: parse_date(e.get("lastmod")) or date_in_url(e.get("loc", "")) or oldest,
            reverse=True,
        )
        for entry in newest_first[: self.settings.getint("SITEMAP_MAX_CHILDREN")]:
            url, lastmod = self.fetch_url(entry["loc"]), entry.get("lastmod")
            if lastmod and (self.validators.get(url) or {}).get("lastmod") == lastmod:
                self.unchanged_sitemaps.append(url)  # read in full when it last had this lastmod
                continue
            if lastmod:
                self.new_validators.setdefault(url, {})["lastmod"] = lastmod
            yield entry

    def parse_feed(self, response: Response) -> None:
        if self._unchanged(response) or self._blocked_discovery(response):
            return
        self.reading(response)
        try:
            self._read_feed(response)
        except etree.XMLSyntaxError as error:
            logger.warning("Ignoring invalid feed %s: %s", response.url, error)
            self.discovery_failures.append({"url": response.url, "reason": f"invalid feed: {error}"})

    def _read_feed(self, response: Response) -> None:
        # Our own parse, with entities left unexpanded (spiders.safety), not Scrapy's xmliter.
        for node in untrusted_xml_elements(response.body, ("item", f"{{{ATOM_NS}}}entry")):
            if node.tag == "item":  # RSS 2.0
                link = node.findtext("link") or node.findtext("guid")
                date = node.findtext("pubDate") or next(
                    (child.text for child in node
                     if isinstance(child.tag, str) and etree.QName(child).localname == "date"), None)
                if link and link.strip():
                    self.add_candidate(response.urljoin(link.strip()), published=parse_date(date))
                continue
            links = node.findall(f"{{{ATOM_NS}}}link")
            link = next((item.get("href") for item in links if item.get("rel") in (None, "alternate")), None)
            if link:
                self.add_candidate(
                    response.urljoin(link.strip()),
                    published=parse_date(node.findtext(f"{{{ATOM_NS}}}published")),
                    modified=parse_date(node.findtext(f"{{{ATOM_NS}}}updated")),
                )

    def parse_section(self, response: Response) -> Iterator[Request]:
        """Follow the next page until a page brings nothing new or the page cap is hit.

        The next page is the ``rel=next`` link, else the page's own link to
        ``<section>/page/<N+1>/`` (WordPress themes print numbered page links and a
        "Next »" control, often without rel=next).
        """
        self.discovery_responses += 1
        if self._blocked_discovery(response):
            return
        new = 0
        self.reading(response)
        hrefs = [href.strip() for href in response.css("a::attr(href)").getall()]
        for href in hrefs:
            new += self.add_candidate(response.urljoin(href))
        page = response.meta.get("page", 1)
        if not new or page >= self.settings.getint("SECTION_MAX_PAGES"):
            return
        next_href = response.css('link[rel~="next"]::attr(href), a[rel~="next"]::attr(href)').get()
        next_url = response.urljoin(next_href.strip()) if next_href else wordpress_next_page(response.url, hrefs, page)
        if next_url:
            kind, _, n = response.meta["rank"]
            yield self.discovery_request(next_url, self.parse_section, (kind, page + 1, n), page=page + 1)

    # -- article fetching ----------------------------------------------------

    def spider_idle(self) -> None:
        """Discovery has settled: schedule the newest unseen articles once."""
        if self._articles_scheduled:
            return
        self._articles_scheduled = True
        chosen = self.newest_candidates()
        # Newest first: one priority for all, pushed oldest first onto the scheduler's LIFO
        # memory queue (SCHEDULER_MEMORY_QUEUE). A priority per article gave Scrapy's
        # priority queue one deque per request and a scan of them all at each pop
        # (0.14-0.17 s of CPU for 1,667 articles, growing with their square).
        for candidate in reversed(chosen):
            url = self.fetch_url(candidate.url)
            self.crawler.engine.crawl(
                Request(
                    url,
                    callback=self.parse_article,
                    errback=self.article_failed,
                    priority=ARTICLE_PRIORITY,
                    meta={"article": url, "canonical": candidate.canonical},
                )
            )
        self.article_requests = len(chosen)
        if chosen:
            raise DontCloseSpider

    def parse_article(self, response: Response) -> None:
        if not 200 <= response.status < 300:
            return
        found = self.block_of(response)
        if found is not None:  # a challenge served as 200: kept in the WARC, never an article
            self.failed.append({"url": response.meta["article"], "reason": f"blocked: {found.describe()}"})
            return
        self.fetched += 1
        self._capture(response.meta["article"], response, "response")

    def article_failed(self, failure: Failure) -> None:
        url = failure.request.meta.get("article", failure.request.url)
        reason = failure_reason(failure)
        if failure.check(HttpError):
            found = self.block_of(failure.value.response)
            reason = f"blocked: {found.describe()}" if found else reason
        self.failed.append({"url": url, "reason": reason})

    # -- revisits --------------------------------------------------------------

    def revisit_request(self, revisit: dict[str, Any]) -> Request:
        """A conditional GET of an archived article; the recorder reads ``meta["revisit"]``."""
        url = self.fetch_url(revisit["url"])
        return Request(
            url,
            callback=self.parse_revisit,
            errback=self.revisit_failed,
            headers=conditional_headers(revisit),
            priority=REVISIT_PRIORITY,  # after discovery, which decides what else this crawl fetches
            dont_filter=True,  # removed articles may all redirect to one home page: follow each
            meta={"revisit": revisit, "handle_httpstatus_list": [304, 404, 410], "dont_cache": True},
        )

    def parse_revisit(self, response: Response) -> None:
        revisit = response.meta["revisit"]
        if 200 <= response.status < 300:
            found = self.block_of(response)
            if found is not None:  # a challenge instead of the article: no new version, no tombstone
                self.revisit_outcomes["failed"] = self.revisit_outcomes.get("failed", 0) + 1
                self.failed.append({"url": revisit["url"], "reason": f"revisit: blocked: {found.describe()}"})
                return
        records = response.meta.get("warc_records") or [{}]
        redirects = response.meta.get("redirect_urls") or []
        if response.status in (404, 410):
            outcome = "gone"
        elif redirects and urlsplit(response.url).path in ("", "/"):
            outcome = "gone"  # a removed article that sends readers to the home page
            response = None  # the capture is the first hop's: the redirect at the article's URL
        elif records[-1].get("kind") == "revisit":
            outcome = "unchanged"
        else:
            outcome = "changed"
        self.revisit_outcomes[outcome] = self.revisit_outcomes.get(outcome, 0) + 1
        record = records[0] if response is None else records[-1]
        kind = "gone" if outcome == "gone" else record.get("kind", "response")
        self.captures.append({**record, "canonical": revisit["canonical_url"], "kind": kind, "revisit": True})

    def revisit_failed(self, failure: Failure) -> None:
        revisit = failure.request.meta["revisit"]
        self.revisit_outcomes["failed"] = self.revisit_outcomes.get("failed", 0) + 1
        reason = failure_reason(failure)
        if failure.check(HttpError):
            found = self.block_of(failure.value.response)
            reason = f"blocked: {found.describe()}" if found else reason
        self.failed.append({"url": revisit["url"], "reason": f"revisit: {reason}"})

    def _capture(self, url: str, response: Response, kind: str) -> None:
        records = response.meta.get("warc_records") or [{}]
        # The candidate's key, computed at discovery: canonicalising again costs more than the rest of the capture.
        canonical = response.meta.get("canonical") or canonical_url(url)
        self.captures.append({**records[-1], "canonical": canonical, "kind": kind, "revisit": False})

    @property
    def complete(self) -> bool:
        """Every discovered candidate was requested and every discovery request answered:
        the validators seen may stand for "nothing new" next time."""
        return len(self.candidates) <= self.max_articles and not self.discovery_failures

    # -- results ---------------------------------------------------------------

    def unreachable(self) -> dict[str, str] | None:
        """The first failure when every discovery request failed, else None.

        An outlet whose answers block the crawler is reachable: it is reported blocked
        (``blocked``), with the evidence.
        """
        if self.blocked:
            return None
        if self.discovery_responses == 0 and self.discovery_failures:
            return self.discovery_failures[0]
        return None


def wordpress_next_page(url: str, hrefs: Iterable[str], page: int) -> str | None:
    """The page's own link to ``<section>/page/<page + 1>/``, or None when it prints none."""
    parts = urlsplit(url)
    section = _WORDPRESS_PAGE.sub("", parts.path).rstrip("/")
    wanted = f"{section}/page/{page + 1}"
    for href in hrefs:
        target = urlsplit(urljoin(url, href))
        same_site = not target.netloc or target.hostname == parts.hostname
        if same_site and target.path.rstrip("/") == wanted:
            return urlunsplit((parts.scheme, parts.netloc, target.path, target.query, ""))
    return None


def conditional_headers(validators: dict[str, Any] | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from stored validators (none when unknown)."""
    headers = {}
    if validators and validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators and validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers


def _news_publication_dates(body: bytes) -> dict[str, str]:
    """``loc`` -> ``news:publication_date`` of a Google News sitemap.

    Scrapy's sitemap parser keeps only the direct children of ``<url>``, so the
    nested news date is read here.
    """
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        return {}
    if root is None:
        return {}
    dates: dict[str, str] = {}
    for url in root.iterfind("{*}url"):
        loc = url.findtext("{*}loc")
        date = url.findtext("{*}news/{*}publication_date")
        if loc and date:
            dates[loc.strip()] = date.strip()
    return dates
