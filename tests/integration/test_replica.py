"""The offline replica of the six outlets, checked through a real HTTP client via its proxy port."""
from __future__ import annotations

import gzip
import http.client
import json
import re
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from datasketch import MinHash, MinHashLSH
from protego import Protego

from spiders.outlets import SLUGS, get_outlet
from spiders.replica.outlet import outlet_site
from spiders.replica.catalogue import Replica
from spiders.urls import canonical_url
from tests.servers import PROJECT_ROOT
from tests.servers.replica import running_replica

pytestmark = pytest.mark.integration

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def fetch(replica, url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    connection = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
    try:
        connection.request(method, url, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def raw_exchange(port: int, request: bytes) -> tuple[bytes, bytes]:
    """Send one request, return (head, raw body as it came on the wire)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def dechunk(body: bytes) -> bytes:
    out, rest = b"", body
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return out
        out, rest = out + rest[:size], rest[size + 2:]


def page_text(html: bytes) -> str:
    tree = lxml.html.fromstring(html.decode("utf-8"))  # the charset comes in the HTTP header
    for node in tree.xpath("//script|//style"):
        node.drop_tree()
    return " ".join(tree.text_content().split())


def http_url(url: str) -> str:
    return "http" + url.removeprefix("https")


def follow_pages(replica, url: str) -> tuple[list[str], int]:
    """All links of a paged listing, following its next page to the end: rel=next, or
    WordPress's numbered page links (a.page-link, no rel) where the site prints those."""
    links: list[str] = []
    pages = 0
    while url:
        status, _, body = fetch(replica, url)
        assert status == 200, url
        pages += 1
        tree = lxml.html.fromstring(body)
        links += tree.xpath("//a/@href")
        following = tree.xpath('//a[@rel="next"]/@href')
        head_next = tree.xpath('//link[@rel="next"]/@href')
        assert following == head_next
        numbered = tree.xpath('//a[contains(@class, "page-link")][@aria-label][contains(@href, "/page/")]/@href')
        numbered = [href for href in numbered if href.rstrip("/").endswith(f"/page/{pages + 1}")]
        url = (following or numbered or [None])[0]
    return links, pages


def sitemap_urls(replica, slug: str) -> tuple[list[str], list[ET.Element]]:
    """Every URL the site's sitemaps list (its index is the replica's own, not the registry's)."""
    site = outlet_site(slug)
    outlet = get_outlet(slug, environ={})
    urls, entries = [], []
    todo = [f"http://{outlet.host}{site.sitemap_index}"] if site.sitemap_index else []
    while todo:
        status, headers, body = fetch(replica, todo.pop())
        assert status == 200 and headers["content-type"].startswith("application/xml")
        root = ET.fromstring(body)
        if root.tag == f"{SM}sitemapindex":
            todo += [loc.text for loc in root.iter(f"{SM}loc")]
        else:
            for url in root.iter(f"{SM}url"):
                assert url.find(f"{SM}lastmod") is not None
                urls.append(url.find(f"{SM}loc").text)
                entries.append(url)
    return urls, entries


# -- discovery ---------------------------------------------------------------------------

@pytest.mark.parametrize("slug", SLUGS)
def test_robots_lists_sitemaps_and_allows_crawl_paths(replica, slug):
    outlet = get_outlet(slug, environ={})
    site = outlet_site(slug)
    status, headers, body = fetch(replica, f"http://{outlet.host}/robots.txt")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    robots = Protego.parse(body.decode())
    assert "Disallow:" in body.decode()
    assert list(robots.sitemaps) == ([f"http://{outlet.host}{site.sitemap_index}"] if site.sitemap_index else [])
    truth = replica.catalogue.articles(slug)[0]
    for path in (truth.path, "/", *outlet.feeds, *outlet.sitemaps, *outlet.sections):
        assert robots.can_fetch(f"http://{outlet.host}{path}", "newsarchive"), path


@pytest.mark.parametrize("slug", SLUGS)
def test_home_links_the_newest_articles(replica, slug):
    outlet = get_outlet(slug, environ={})
    status, headers, body = fetch(replica, f"http://{outlet.host}/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    links = {canonical_url(urljoin(f"http://{outlet.host}/", href))
             for href in lxml.html.fromstring(body).xpath("//a/@href")}
    newest = [t for t in replica.catalogue.articles(slug) if t.status == 200][:5]
    assert {canonical_url(t.url) for t in newest} <= links


@pytest.mark.parametrize("slug", SLUGS)
def test_sections_paginate_and_list_only_articles(replica, slug):
    outlet = get_outlet(slug, environ={})
    site = outlet_site(slug)
    live = {canonical_url(t.url) for t in replica.catalogue.articles(slug) if t.status == 200}
    for path, section in site.sections.items():
        links, pages = follow_pages(replica, f"http://{outlet.host}{path}")
        articles = {canonical_url(urljoin(f"http://{outlet.host}{path}", link)) for link in links
                    if outlet.is_article(urljoin(f"http://{outlet.host}{path}", link))}
        wanted = {canonical_url(e.url) for e in replica.catalogue.live_entries(slug) if section.wanted(e)}
        assert articles and articles <= live
        if site.paged:
            assert articles == wanted and pages == -(-len(wanted) // site.page_size), path
            last = site.page_path(path, pages + 1)
        else:
            # page 1 only ("load more" by script, or no paging attested); sidebars link other articles
            assert pages == 1 and len(articles & wanted) == min(len(wanted), site.page_size), path
            last = site.page_path(path, 2)
        status, _, _ = fetch(replica, f"http://{outlet.host}{last}")
        assert status == 404, last


@pytest.mark.parametrize("slug", [slug for slug in SLUGS if outlet_site(slug).feeds])
def test_feed_is_rss_of_newest_articles(replica, slug):
    outlet = get_outlet(slug, environ={})
    status, headers, body = fetch(replica, f"http://{outlet.host}{outlet_site(slug).feeds[0]}")
    assert status == 200 and "rss" in headers["content-type"]
    items = ET.fromstring(body).findall("channel/item")
    newest = [canonical_url(t.url) for t in replica.catalogue.articles(slug) if t.status == 200][:50]
    assert [canonical_url(item.findtext("link")) for item in items] == newest
    for item in items:
        assert outlet.is_article(item.findtext("link"))
        assert item.findtext("pubDate") and item.findtext("guid") and item.findtext("title")
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator")


@pytest.mark.parametrize("slug", [slug for slug in SLUGS if outlet_site(slug).sitemap_index])
def test_sitemaps_list_every_article_and_old_or_site_pages_besides(replica, slug):
    outlet = get_outlet(slug, environ={})
    site = outlet_site(slug)
    urls, entries = sitemap_urls(replica, slug)
    live = sorted(http_url(t.url) for t in replica.catalogue.articles(slug) if t.status == 200)
    assert sorted(set(urls) & set(live)) == live
    others = set(urls) - set(live)
    pages = {f"http://{outlet.host}{path}" for path in site.pages}
    for url in others:  # a WordPress page, or an old article (before the catalogue), in its old URL form
        assert url in pages or (outlet.is_article(url) and canonical_url(url) not in {canonical_url(u) for u in live}), url
    if site.news_sitemap:
        news = entries[urls.index(live[0])].find(f"{NEWS}news")
        assert news.find(f"{NEWS}publication/{NEWS}name").text == outlet.name
        assert news.findtext(f"{NEWS}publication_date") and news.findtext(f"{NEWS}title")


def test_listings_never_pass_for_articles():
    for slug in SLUGS:
        outlet = get_outlet(slug, environ={})
        for path in ("/", "/robots.txt", *outlet.feeds, *outlet.sitemaps, *outlet.sections):
            assert not outlet.is_article(f"http://{outlet.host}{path}"), (slug, path)


# -- article pages -------------------------------------------------------------------------

@pytest.mark.parametrize("slug", SLUGS)
def test_article_page_carries_truth_and_boilerplate(replica, slug):
    catalogue = replica.catalogue
    for truth in catalogue.articles(slug)[:6]:
        assert get_outlet(slug, environ={}).is_article(truth.url)
        status, headers, body = fetch(replica, http_url(truth.url))
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
        assert body == catalogue.article_html(slug, truth.index)
        text = page_text(body)
        assert truth.title in text
        for paragraph in truth.body.split("\n\n"):
            assert paragraph in text
        found = [s for s in outlet_site(slug).furniture if s in text]
        assert len(found) >= 3, found
        tree = lxml.html.fromstring(body)
        assert tree.xpath('//link[@rel="canonical"]/@href') == [truth.url]
        assert tree.xpath('//meta[@property="og:url"]/@content') == [truth.url]
        assert tree.xpath('//meta[@property="article:published_time"]/@content') == [truth.published]


def test_boilerplate_never_in_bodies():
    catalogue = Replica(200, seed=1)
    for slug in SLUGS:
        assert len(outlet_site(slug).furniture) >= 10
        for truth in catalogue.articles(slug):
            for phrase in outlet_site(slug).furniture:
                assert phrase not in truth.body, (truth.url, phrase)


def test_menafn_dateline_is_metadata_not_body(replica):
    truth = replica.catalogue.articles("menafn")[1]
    assert truth.original_source == "The Journal Of Turkish Weekly"
    assert "(MENAFN-" not in truth.body and truth.body.startswith("Russian President")
    _, _, body = fetch(replica, http_url(truth.url))
    assert "(MENAFN- The Journal Of Turkish Weekly) Russian President" in page_text(body)


def test_syndicated_copies_point_to_their_originals():
    catalogue = Replica(200, seed=1)
    copies = [t for slug in ("globalresearch", "menafn") for t in catalogue.articles(slug) if t.syndicated_from]
    assert any(t.outlet == "globalresearch" for t in copies) and any(t.outlet == "menafn" for t in copies)
    for copy in copies:
        original = catalogue.truth_for_url(copy.syndicated_from)
        assert original is not None and original.outlet != copy.outlet
        assert copy.body != original.body and copy.title == original.title
        assert original.published < copy.published or original.outlet != copy.outlet
        if copy.outlet == "globalresearch":
            assert copy.original_source == "South Front" and "The original source of this article is South Front" in page_text(
                catalogue.article_html("globalresearch", copy.index))


# -- transport -----------------------------------------------------------------------------

def test_sputnik_pages_are_chunked_and_gzipped(replica):
    truth = replica.catalogue.articles("sputnik")[0]
    parts = urlsplit(http_url(truth.url))
    request = (f"GET {http_url(truth.url)} HTTP/1.1\r\nHost: {parts.hostname}\r\nAccept-Encoding: gzip, deflate\r\n"
               "Connection: close\r\n\r\n").encode()
    head, body = raw_exchange(replica.port, request)
    assert b"Transfer-Encoding: chunked" in head and b"Content-Encoding: gzip" in head and b"Content-Length" not in head
    assert gzip.decompress(dechunk(body)) == replica.catalogue.article_html("sputnik", 0)


def test_other_pages_are_gzipped_with_content_length(replica):
    truth = replica.catalogue.articles("globalresearch")[0]
    status, headers, body = fetch(replica, http_url(truth.url), {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip" and int(headers["content-length"]) == len(body)
    assert gzip.decompress(body) == replica.catalogue.article_html("globalresearch", 0)
    status, headers, body = fetch(replica, http_url(truth.url))
    assert "content-encoding" not in headers and body == replica.catalogue.article_html("globalresearch", 0)


def test_keep_alive_serves_several_requests_on_one_connection(replica):
    connection = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
    for truth in replica.catalogue.articles("alwaght")[:5]:
        connection.request("GET", http_url(truth.url))
        response = connection.getresponse()
        assert response.status == 200 and response.read() == replica.catalogue.article_html("alwaght", truth.index)
    connection.close()


@pytest.mark.parametrize("old_host,new_host", [
    ("southfront.org", "southfront.press"), ("www.southfront.org", "southfront.press"),
    ("sputniknews.com", "sputnikglobe.com"), ("www.sputnikglobe.com", "sputnikglobe.com"),
    ("alwaght.com", "alwaght.net"), ("globalresearch.ca", "www.globalresearch.ca"), ("www.menafn.com", "menafn.com"),
])
def test_former_and_alternate_hosts_redirect(replica, old_host, new_host):
    slug = get_outlet("southfront" if "southfront" in new_host else "sputnik", environ={}).slug
    catalogue = replica.catalogue
    path = next((t.path for s in SLUGS for t in catalogue.articles(s) if urlsplit(t.url).hostname == new_host), "/")
    status, headers, _ = fetch(replica, f"http://{old_host}{path}")
    assert slug and status == 301 and headers["location"] == f"http://{new_host}{path}"
    assert catalogue.truth_for_url(f"https://{old_host}{path}") == catalogue.truth_for_url(f"http://{new_host}{path}")


def test_conditional_get_answers_304(replica):
    url = http_url(replica.catalogue.articles("southfront")[3].url)
    _, headers, _ = fetch(replica, url, {"Accept-Encoding": "gzip"})
    assert headers["etag"] and headers["last-modified"]
    status, again, body = fetch(replica, url, {"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]})
    assert status == 304 and body == b"" and again["etag"] == headers["etag"]
    status, _, _ = fetch(replica, url, {"If-Modified-Since": headers["last-modified"]})
    assert status == 304
    status, _, _ = fetch(replica, url, {"If-None-Match": '"something-else"'})
    assert status == 200


def test_unknown_host_and_connect_are_refused(replica):
    status, _, body = fetch(replica, "http://example.org/")
    assert status == 502 and b"unknown host" in body
    head, _ = raw_exchange(replica.port, b"CONNECT sputnikglobe.com:443 HTTP/1.1\r\nHost: sputnikglobe.com:443\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405")


def test_unknown_path_is_404(replica):
    status, _, _ = fetch(replica, "http://menafn.com/1234567/No-Such-Article")
    assert status == 404


# -- catalogue -----------------------------------------------------------------------------

def test_same_seed_same_bytes_other_seed_other_bytes():
    first, second, other = Replica(30, seed=1), Replica(30, seed=1), Replica(30, seed=2)
    for slug in SLUGS:
        assert first.article_html(slug, 7) == second.article_html(slug, 7)
        assert first.articles(slug) == second.articles(slug)
        assert first.article_html(slug, 7) != other.article_html(slug, 7)


def test_bodies_are_unique_and_unrelated_ones_not_near_duplicates():
    catalogue = Replica(200, seed=1)
    truths = {t.url: t for slug in SLUGS for t in catalogue.articles(slug)}
    normalised = [" ".join(re.findall(r"\w+", t.body.lower())) for t in truths.values()]
    assert len(set(normalised)) == len(normalised)
    shingles, index, hashes = {}, MinHashLSH(threshold=0.2, num_perm=64), {}
    for url, truth in truths.items():
        tokens = re.findall(r"\w+", truth.body.lower())
        shingles[url] = {" ".join(tokens[i:i + 5]) for i in range(len(tokens) - 4)}
        hashes[url] = MinHash(num_perm=64)
        hashes[url].update_batch([s.encode() for s in shingles[url]])
        index.insert(url, hashes[url])
    related = {(t.url, t.syndicated_from) for t in truths.values() if t.syndicated_from}
    for url in truths:
        for other in index.query(hashes[url]):
            if other == url or (url, other) in related or (other, url) in related:
                continue
            jaccard = len(shingles[url] & shingles[other]) / len(shingles[url] | shingles[other])
            assert jaccard < 0.3, (url, other, jaccard)
    lengths = [len(t.body.split()) for t in truths.values()]
    assert min(lengths) >= 200 and max(lengths) >= 1000


def test_epoch_edits_removes_and_publishes():
    before, after = Replica(200, seed=1, epoch=0), Replica(200, seed=1, epoch=1)
    edited = removed = 0
    for slug in SLUGS:
        old, new = before.articles(slug), after.articles(slug)
        assert len(new) == len(old) + 5
        assert all(t.published > old[0].published for t in new[:5])
        for previous, current in zip(old, new[5:]):
            assert previous.url == current.url and current.index == previous.index + 5
            removed += current.status == 410
            edited += current.status == 200 and current.body != previous.body
    assert edited >= 5 and removed >= 2


def test_removed_article_answers_410_at_its_epoch():
    catalogue = Replica(50, seed=1, epoch=3)
    gone = [t for slug in SLUGS for t in catalogue.articles(slug) if t.status == 410]
    assert gone
    with running_replica(50, seed=1, epoch=3) as running:
        status, _, _ = fetch(running, http_url(gone[0].url))
        assert status == 410
        urls, _ = sitemap_urls(running, gone[0].outlet)
        assert http_url(gone[0].url) not in urls


def test_truth_for_url_accepts_http_https_and_any_host(replica):
    truth = replica.catalogue.articles("sputnik")[4]
    assert replica.catalogue.truth_for_url(truth.url) == truth
    assert replica.catalogue.truth_for_url(http_url(truth.url)) == truth
    assert replica.catalogue.truth_for_url(truth.url.replace("sputnikglobe.com", "sputniknews.com")) == truth
    assert replica.catalogue.truth_for_url("https://sputnikglobe.com/nothing.html") is None


def test_fixture_env_points_crawlers_at_live_hosts(replica):
    env = replica.env()
    assert env["http_proxy"] == env["HTTP_PROXY"] == replica.proxy_url and env["no_proxy"] == ""
    assert env["NEWSARCHIVE_BASE_URL_SPUTNIK"] == "http://sputnikglobe.com"
    assert get_outlet("globalresearch", environ=env).base_url == "http://www.globalresearch.ca"


def test_truth_cli_prints_json_lines():
    result = subprocess.run(
        [sys.executable, "-m", "spiders.replica", "truth", "--articles-per-outlet", "3", "--outlet", "alwaght"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["index"] for row in rows] == [0, 1, 2]
    assert rows[1]["title"] == "Will Idlib Push Shatter Fledgling Russian-Turkish Alliance?"
    assert rows[0]["body"].startswith("Alwaght- ")


def test_a_prerendered_replica_serves_the_same_answers_without_rendering():
    """``--prerender`` (the benchmarks'): every article's answer is rendered before the first
    request, and serving it then renders nothing; the bytes are those of the on-demand replica."""
    from spiders.replica.site import Site

    def answer(site: Site, url: str, gzipped: bool) -> bytes:
        raw = site.respond("GET", url, {"accept-encoding": "gzip"} if gzipped else {})
        return re.sub(rb"\r\nDate: [^\r]*", b"", raw)  # the one header that says when

    replica, on_demand = Replica(12, seed=1), Site(Replica(12, seed=1))
    site = Site(replica, cache_size=1000)
    live = {slug: replica.live_entries(slug) for slug in SLUGS}
    assert site.prerender() == sum(len(entries) for entries in live.values())

    def refuse(*args):
        raise AssertionError("rendered an article while serving")

    replica.render_article = refuse
    for slug, entries in live.items():
        host = get_outlet(slug, environ={}).host
        for entry in entries:
            url = f"http://{host}{entry.path}"
            assert answer(site, url, True) == answer(on_demand, url, True), url
    # (an answer asked for otherwise than the crawlers do is rendered as before)
    with pytest.raises(AssertionError, match="rendered"):
        site.respond("GET", f"http://{get_outlet(SLUGS[0], environ={}).host}{live[SLUGS[0]][0].path}?utm_source=x", {})
