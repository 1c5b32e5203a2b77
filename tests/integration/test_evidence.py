"""The ten mismatches of the public evidence about the real sites (``live-evidence.md``, its last
section), each met by the spider on the replica, which serves them as the evidence shows.

The spider reads the replica's own answers (``Site.page``, in this process): the parsing,
the candidate choice and the next requests are the crawler's, without a network in between.
Each test's docstring names the evidence item it covers.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import lxml.html
import pytest
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from spiders.outlets import get_outlet
from spiders.replica.catalogue import Replica
from spiders.replica.outlet import SitemapUrl, outlet_site
from spiders.replica.site import Site
from spiders.spider import OutletSpider
from spiders.urls import canonical_url

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def site() -> Site:
    return Site(Replica(50, seed=1))


def spider(slug: str) -> OutletSpider:
    crawler = get_crawler(OutletSpider, {"SITEMAP_MAX_CHILDREN": 20, "SECTION_MAX_PAGES": 10, "TWISTED_REACTOR": None})
    return OutletSpider.from_crawler(crawler, outlet=get_outlet(slug, environ={}))


def answer(site: Site, slug: str, target: str, **meta):
    """The replica's answer to ``target`` (path with query) on the outlet's host, as a Scrapy response."""
    host = get_outlet(slug, environ={}).host
    page = site.page(host, target)
    assert page.status == 200, (slug, target, page.status)
    url = f"http://{host}{target}"
    kind = XmlResponse if "xml" in page.content_type else HtmlResponse if "html" in page.content_type else TextResponse
    meta = {"conditional": True, "rank": (2, meta.get("page", 1), 0), **meta}
    return kind(url, body=page.body, request=Request(url, meta=meta),
                headers={"Content-Type": page.content_type})


def live_canonicals(site: Site, slug: str) -> set[str]:
    return {canonical_url(t.url) for t in site.replica.articles(slug) if t.status == 200}


def sitemap_items(site: Site, slug: str, child: str) -> list:
    return outlet_site(slug).sitemap_children(site.replica.live_entries(slug))[child]


# -- 1. query strings on article links ----------------------------------------------------------

def test_feed_links_with_tracking_queries_are_articles(site):
    """Evidence item 1 (all outlets, is_article): article links with ?utm_source=… are candidates,
    keyed without their query. The replica's Global Research feed tags every link."""
    feed = answer(site, "globalresearch", "/feed")
    assert b"?utm_source=rss" in feed.body
    reader = spider("globalresearch")
    reader.parse_feed(feed)
    assert set(reader.candidates) == live_canonicals(site, "globalresearch")
    assert all("?" not in urlsplit(c.url).path + (urlsplit(c.url).query and "?") for c in reader.candidates.values())


def test_listing_links_with_wp_cron_queries_are_articles(site):
    """Evidence item 1: ?doing_wp_cron=… on a real Mondialisation.ca article link; the home page
    lists some of its newest articles so, and the spider takes all of them."""
    home = answer(site, "mondialisation", "/")
    assert b"?doing_wp_cron=" in home.body
    reader = spider("mondialisation")
    list(reader.parse_section(home))
    newest = [canonical_url(t.url) for t in site.replica.articles("mondialisation") if t.status == 200][:20]
    assert set(reader.candidates) == set(newest)


# -- 2. WordPress paging without rel=next -------------------------------------------------------

@pytest.mark.parametrize("slug, section", [
    ("globalresearch", "/theme/us-nato-war-agenda"), ("southfront", "/category/all-articles/"), ("mondialisation", "/"),
])
def test_wordpress_sections_are_followed_by_their_page_links(site, slug, section):
    """Evidence item 2 (all outlets, parse_section): GR and South Front page as <section>/page/N/
    with no rel=next; the spider follows the page's own /page/2/ link, then /page/3/."""
    page_one = answer(site, slug, section, page=1)
    assert b'rel="next"' not in page_one.body and b"/page/2/" in page_one.body
    reader = spider(slug)
    [following] = list(reader.parse_section(page_one))
    assert urlsplit(following.url).path == f"{section.rstrip('/')}/page/2/" and following.meta["page"] == 2
    page_two = answer(site, slug, urlsplit(following.url).path, page=2)
    requested = list(reader.parse_section(page_two))
    listing = outlet_site(slug).sections.get(section)  # None: the home page, which lists everything
    listed = [e for e in site.replica.live_entries(slug) if listing is None or listing.wanted(e)]
    expected = [f"{section.rstrip('/')}/page/3/"] if len(listed) > 2 * outlet_site(slug).page_size else []
    assert [urlsplit(r.url).path for r in requested] == expected


# -- 3. a sitemap index without lastmod -----------------------------------------------------------

def test_an_oldest_first_index_without_lastmod_is_read_newest_month_first(site):
    """Evidence item 3 (sitemap_filter): Sputnik's index lists monthly children from 2004 on,
    oldest first, no lastmod; the spider reads the 20 newest months by the dates in their URLs."""
    index = answer(site, "sputnik", "/sitemap_article_index.xml")
    assert b"<lastmod>" not in index.body and index.body.index(b"date_start=2004") < index.body.index(b"date_start=2026")
    requested = [r.url for r in spider("sputnik").parse_sitemap(index)]
    assert len(requested) == 20
    assert "date_start=20261101" in requested[0] and "date_start=20250401" in requested[-1]
    assert not [url for url in requested if "date_start=200" in url]


# -- 4. Global Research's short old ids -------------------------------------------------------------

def test_old_global_research_posts_with_short_ids_are_articles(site):
    """Evidence item 4 (GR \\d{5,}): old posts have short ids (…/6405); the replica's sitemap months
    before 2008 list such posts, and the spider takes them; /page/N is still no article."""
    child = "/sitemap-2006-03.xml"
    items = sitemap_items(site, "globalresearch", child)
    assert items and all(isinstance(i, SitemapUrl) and len(i.path.rsplit("/", 1)[1]) == 4 for i in items)
    reader = spider("globalresearch")
    list(reader.parse_sitemap(answer(site, "globalresearch", child)))
    assert set(reader.candidates) == {f"https://www.globalresearch.ca{i.path}" for i in items}
    outlet = get_outlet("globalresearch", environ={})
    assert outlet.is_article("https://www.globalresearch.ca/afghanistan-britain-is-protecting-the-biggest-heroin-crop-of-all-time/6405")
    assert not outlet.is_article("https://www.globalresearch.ca/page/2/")


# -- 5. Mondialisation's unattested French sections ----------------------------------------------------

def test_mondialisation_discovers_from_attested_paths_only(site):
    """Evidence item 5: the French theme and region slugs are attested nowhere (the replica serves
    none); every discovery path of the registry answers and lists articles."""
    outlet = get_outlet("mondialisation", environ={})
    for path in (*outlet.feeds, *outlet.sitemaps, *outlet.sections):
        assert site.page(outlet.host, path).status == 200, path
    assert site.page(outlet.host, "/theme/agenda-de-guerre-usa-otan").status == 404
    reader = spider("mondialisation")
    list(reader.parse_section(answer(site, "mondialisation", outlet.sections[0])))
    assert reader.candidates


# -- 6. South Front's WordPress pages ---------------------------------------------------------------------

def test_south_front_pages_are_no_candidates(site):
    """Evidence item 6: WordPress pages (/about-southfront/, /fair-use-notice/, …) match the post
    pattern; the Yoast index lists them in page-sitemap.xml and every page links them. The spider
    skips page-sitemap.xml, and no page becomes a candidate from a listing either."""
    pages = list(outlet_site("southfront").pages)
    index = answer(site, "southfront", "/sitemap_index.xml")
    assert b"page-sitemap.xml" in index.body
    reader = spider("southfront")
    requested = [urlsplit(r.url).path for r in reader.parse_sitemap(index)]
    assert requested == ["/post-sitemap.xml"]
    list(reader.parse_section(answer(site, "southfront", "/category/all-articles/", page=1)))
    assert all(f"https://southfront.press{p}".rstrip("/") not in reader.candidates for p in pages)
    page_sitemap = answer(site, "southfront", "/page-sitemap.xml")
    list(reader.parse_sitemap(page_sitemap))
    assert not [c for c in reader.candidates if urlsplit(c).path + "/" in pages]


# -- 7. Sputnik's old URL forms ------------------------------------------------------------------------------

def test_old_sputnik_url_forms_are_articles_with_one_key(site):
    """Evidence item 7: months before the CMS change list old forms (/<rubric>/<yyyymmdd><id>-<slug>/,
    /<rubric>/<yyyymmdd>/<id>/<slug>.html); each becomes one candidate keyed by its current form."""
    for child in ("/sitemap_article.xml?date_start=20191101&date_end=20191130",
                  "/sitemap_article.xml?date_start=20160501&date_end=20160531"):
        items = sitemap_items(site, "sputnik", child)
        reader = spider("sputnik")
        list(reader.parse_sitemap(answer(site, "sputnik", child)))
        assert set(reader.candidates) == {f"https://sputnikglobe.com{i.current_path}" for i in items}, child
        for item in items:  # the former host and the current form name the same article
            assert canonical_url(f"https://sputniknews.com{item.path}") == canonical_url(
                f"https://sputnikglobe.com{item.current_path}")


def test_sputnik_rule_switch_follows_the_url_change():
    """Evidence item 7: the new CMS shows by Oct 2021 (/20211014/…), not at 2022-04-01: a page
    captured in October 2021 is read with the sputnikglobe rules."""
    outlet = get_outlet("sputnik", environ={})
    assert outlet.rules_for(date(2021, 10, 14)).valid_from is not None
    assert outlet.rules_for(date(2021, 8, 27)).valid_until is not None


# -- 8. Alwaght's feed and listings ------------------------------------------------------------------------------

def test_alwaght_feed_and_listings_are_its_real_forms(site):
    """Evidence item 8: the RSS is /home/rss/<n>?lid=<language id> (not /en/rss), the listings are
    /en/…, /en/type/<id>, /en/Workgroup/<id>; the registry's paths answer and list articles."""
    outlet = get_outlet("alwaght", environ={})
    assert all(path.startswith("/home/rss/") and "?lid=" in path for path in outlet.feeds)
    reader = spider("alwaght")
    for path in outlet.feeds:
        reader.parse_feed(answer(site, "alwaght", path))
    assert set(reader.candidates) == live_canonicals(site, "alwaght")
    for path in outlet.sections:
        before = len(reader.candidates) + len(reader.skipped_seen)
        listing = spider("alwaght")
        list(listing.parse_section(answer(site, "alwaght", path, page=1)))
        assert listing.candidates, path
        assert before  # the feed found them too
    assert site.page(outlet.host, "/en/rss").status == 404


# -- 9. MENAFN's listings, container and legacy story URLs ---------------------------------------------------------------

def test_menafn_listings_are_its_aspx_pages_and_legacy_links_share_one_key(site):
    """Evidence item 9: the listings are .aspx pages (/qn_news_sections.aspx?src=…); legacy
    /qn_news_story_s.aspx?storyid=N&title=T links are story N, one key with /N/T."""
    outlet = get_outlet("menafn", environ={})
    assert outlet.sections and all(".aspx" in path for path in outlet.sections)
    reader = spider("menafn")
    for path in outlet.sections:
        list(reader.parse_section(answer(site, "menafn", path, page=1)))
    legacy = b"qn_news_story_s.aspx?storyid=" in site.page(outlet.host, outlet.sections[1]).body
    assert legacy
    assert set(reader.candidates) == live_canonicals(site, "menafn")
    assert all(urlsplit(c.url).path.count("/") == 2 and not urlsplit(c.url).query for c in reader.candidates.values())


def test_the_newest_are_the_same_whichever_listing_answers_first(site):
    """MENAFN's listings carry no dates: the links are ranked by where they were found (the
    outlet's first section, then its second), not by which answer came back first. Under load the
    Arab World listing (every other story) sometimes answered first, and a crawl took every other
    one of the newest."""
    outlet = get_outlet("menafn", environ={})
    newest = [canonical_url(t.url) for t in sorted(
        site.replica.articles("menafn"), key=lambda t: t.published, reverse=True) if t.status == 200]
    chosen = []
    for arrival in (list(enumerate(outlet.sections)), list(enumerate(outlet.sections))[::-1]):
        reader = spider("menafn")
        reader.max_articles = 5
        for n, path in arrival:
            list(reader.parse_section(answer(site, "menafn", path, page=1, rank=(2, 1, n))))
        chosen.append([c.canonical for c in reader.newest_candidates()])
    assert chosen[0] == chosen[1] == newest[:5]


def test_menafn_story_is_read_from_its_container(site):
    """Evidence item 9: the story is in #ContentPlaceHolder1_div_story (its 5th child holds the
    text), title h1.main-entry-title, date span.entry-date; div#article_body is attested nowhere."""
    from flows.extract.page import extract_html

    truth = site.replica.articles("menafn")[1]
    page = site.page("menafn.com", urlsplit(truth.url).path).body
    rules = get_outlet("menafn", environ={}).rules_for(date(2026, 11, 20))
    tree = lxml.html.fromstring(page)
    assert tree.xpath(rules.body_xpath) and not tree.xpath('//div[@id="article_body"]')
    article = extract_html(page, truth.url)
    assert article.title == truth.title and article.original_source == truth.original_source
    assert article.text.split("\n\n")[0] == truth.body.split("\n\n")[0]
    assert "Legal Disclaimer" not in article.text and "Date" not in article.text.split("\n\n")[0][:5]
