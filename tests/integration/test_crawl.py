"""The crawl runner end to end, in subprocesses, through an HTTP proxy on loopback.

First against a small hand-written outlet whose dates and links are chosen to
pin discovery down (news sitemap dates, feed dates, pagination, ``--seen``),
then against the outlet replica for all six outlets.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from spiders.outlets import SLUGS, get_outlet
from spiders.urls import canonical_url
from storage.warc_reader import iter_records
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONTACT = "https://example.org/newsarchive-contact"


@dataclass
class CrawlRun:
    returncode: int
    stderr: str
    stats: dict
    out: Path

    @property
    def warcs(self) -> list[Path]:
        return sorted(self.out.glob("*.warc.gz"))

    def requests(self) -> list[tuple[str, dict[str, str]]]:
        """(URL, request headers) of every request record, in order."""
        return [
            (record.url, dict(record.http_headers or []))
            for warc in self.warcs
            for record in iter_records(warc)
            if record.rec_type == "request"
        ]


def crawl_command(outlet: str, out: Path, stats: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "spiders.crawl", "--outlet", outlet, "--out", str(out),
            "--stats", str(stats), "--delay", "0", *extra]


def crawl_env(env: dict[str, str]) -> dict[str, str]:
    clean = {key: value for key, value in os.environ.items() if not key.lower().endswith("_proxy")}
    return {**clean, "NEWSARCHIVE_CONTACT_URL": CONTACT, "PYTHONPATH": str(ROOT), **env}


def run_crawl(env: dict[str, str], outlet: str, workdir: Path, *extra: str) -> CrawlRun:
    out, stats = workdir / "warc", workdir / "stats.json"
    result = subprocess.run(
        crawl_command(outlet, out, stats, *extra), env=crawl_env(env), capture_output=True, text=True, timeout=300
    )
    return CrawlRun(result.returncode, result.stderr, json.loads(stats.read_text()) if stats.exists() else {}, out)


def check_warcs(run: CrawlRun) -> None:
    assert run.warcs and not list(run.out.glob("*.open"))
    for warc in run.warcs:
        result = subprocess.run([BIN / "warcio", "check", warc], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout


def check_stats(run: CrawlRun, outlet: str) -> None:
    stats = run.stats
    assert stats["outlet"] == outlet
    assert stats["fetched"] + len(stats["failed"]) == stats["article_requests"]
    assert stats["article_requests"] <= stats["discovered"] - stats["skipped_seen"]
    # every request sent and answered has a request record; failed transports have none
    assert stats["requests"] >= len(run.requests()) >= 1 + stats["fetched"]  # robots.txt too
    assert stats["warc_files"] == [path.name for path in run.warcs]
    assert stats["warc_bytes"] == sum(path.stat().st_size for path in run.warcs)
    assert stats["started"] <= stats["finished"]


# -- a hand-written outlet ------------------------------------------------------

HOST = "www.globalresearch.ca"
OUTLET = "globalresearch"
THEME = "/theme/us-nato-war-agenda"


def article(n: int) -> str:
    return f"http://{HOST}/article-number-{n}/{1000000 + n}"


def news_url(n: int, published: str, lastmod: str) -> str:
    return (
        f"<url><loc>{article(n)}</loc><lastmod>{lastmod}</lastmod><news:news>"
        f"<news:publication><news:name>Global Research</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{published}</news:publication_date><news:title>t</news:title>"
        f"</news:news></url>"
    )


PAGES = {
    "/robots.txt": "User-agent: *\nDisallow: /article-number-5/\n",
    "/sitemap.xml": (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>http://{HOST}/sitemap-old.xml</loc><lastmod>2024-01-31</lastmod></sitemap>"
        f"<sitemap><loc>https://globalresearch.ca/sitemap-news-1.xml</loc><lastmod>2024-05-10</lastmod></sitemap>"
        "</sitemapindex>"
    ),
    "/sitemap-news-1.xml": (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        + news_url(1, "2024-05-10T08:00:00+00:00", "2024-05-10T08:00:00+00:00")
        + news_url(2, "2024-05-09T08:00:00+00:00", "2024-05-09T08:00:00+00:00")
        + news_url(3, "2024-05-08T08:00:00+00:00", "2024-05-08T08:00:00+00:00")
        # edited much later: its publication date, not lastmod, decides its rank
        + news_url(4, "2024-05-07T08:00:00+00:00", "2024-06-01T08:00:00+00:00")
        + f"<url><loc>http://{HOST}{THEME}</loc></url>"
        + "</urlset>"
    ),
    "/sitemap-old.xml": (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{article(10)}</loc><lastmod>2024-01-02</lastmod></url>"
        f"<url><loc>{article(11)}</loc><lastmod>2024-01-01</lastmod></url>"
        "</urlset>"
    ),
    "/feed": (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Global Research</title>'
        f"<item><title>f</title><link>{article(5)}</link><pubDate>Wed, 08 May 2024 20:00:00 GMT</pubDate></item>"
        # the same article as number 1, on the bare host and with a tracking parameter
        f"<item><title>dup</title><link>https://globalresearch.ca/article-number-1/{1000001}?utm_source=rss</link>"
        "<pubDate>Fri, 10 May 2024 08:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    ),
    THEME: (
        f'<html><head><link rel="next" href="{THEME}?page=2"></head><body>'
        f'<a href="{article(20)}">s</a><a href="/article-number-21/{1000021}">s</a><a href="/about">a</a>'
        "</body></html>"
    ),
    f"{THEME}?page=2": (
        f'<html><body><a href="/article-number-22/1000022">s</a>'
        f'<a rel="next" href="{THEME}?page=3">next</a></body></html>'
    ),
    # nothing new here: pagination stops, page 4 is never requested
    f"{THEME}?page=3": (
        f'<html><body><a href="/article-number-20/1000020">s</a>'
        f'<a rel="next" href="{THEME}?page=4">next</a></body></html>'
    ),
    # the other section lists nothing the first one did not: its next page is not read
    "/latest-news-and-top-stories": (
        '<html><body><a href="/article-number-20/1000020">s</a>'
        '<a class="page-link" href="/latest-news-and-top-stories/page/2/">2</a></body></html>'
    ),
}
ARTICLES = (1, 2, 3, 4, 5, 10, 11, 20, 21, 22)
PAGES.update({urlsplit(article(n)).path: f"<html><body>article {n}</body></html>" for n in ARTICLES})


class LocalOutlet(BaseHTTPRequestHandler):
    """An HTTP proxy that knows one outlet (both its hosts) and nothing else."""

    protocol_version = "HTTP/1.1"
    seen_urls: list[str] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        self.seen_urls.append(self.path)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        body = PAGES.get(target) if parts.hostname in (HOST, HOST.removeprefix("www.")) else None
        status = 200 if body is not None else 404
        data = (body or "not found").encode()
        self.send_response(status)
        xml = target.endswith(".xml") or target == "/feed"
        self.send_header("Content-Type", "application/xml" if xml else "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def local_outlet() -> Iterator[dict[str, str]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), LocalOutlet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {
        "http_proxy": f"http://127.0.0.1:{server.server_address[1]}",
        "NEWSARCHIVE_BASE_URL_GLOBALRESEARCH": f"http://{HOST}",
    }
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def local_run(local_outlet: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> CrawlRun:
    workdir = tmp_path_factory.mktemp("local")
    seen = workdir / "seen.txt"
    seen.write_text(canonical_url(article(2)) + "\n")
    LocalOutlet.seen_urls.clear()
    run = run_crawl(
        local_outlet, OUTLET, workdir, "--max-articles", "3", "--seen", str(seen), "--warc-max-bytes", "4000"
    )
    run.proxy_log = list(LocalOutlet.seen_urls)  # type: ignore[attr-defined]
    return run


def test_local_crawl_fetches_the_newest_unseen_articles(local_run: CrawlRun) -> None:
    assert local_run.returncode == 0, local_run.stderr
    assert local_run.stderr == ""
    articles = [url for url, _ in local_run.requests() if get_outlet(OUTLET).is_article(url)]
    # chosen: 1 (May 10), 5 (May 8, 20:00, from the feed), 3 (May 8); 2 is seen, 4 was
    # only edited later; robots.txt forbids 5, so it is never sent
    assert sorted(articles) == sorted([article(1), article(3)])
    stats = local_run.stats
    # 1, 2, 3, 4, 5, 10, 11 and the section's 20, 21, 22 (the bare-host duplicate of 1 counts once)
    assert (stats["discovered"], stats["skipped_seen"], stats["article_requests"], stats["fetched"]) == (10, 1, 3, 2)
    assert stats["failed"] == [{"url": article(5), "reason": "Forbidden by robots.txt"}]
    assert len(local_run.warcs) > 1  # rotated at --warc-max-bytes
    assert stats["requests"] == len(local_run.requests()) == 1 + 8 + 2
    check_stats(local_run, OUTLET)
    check_warcs(local_run)


def test_local_crawl_discovery_follows_the_rules(local_run: CrawlRun) -> None:
    requested = [url for url, _ in local_run.requests()]
    assert requested[0] == f"http://{HOST}/robots.txt"
    # the index's child on the bare host over https is fetched from the configured base
    assert f"http://{HOST}/sitemap-news-1.xml" in requested
    assert f"http://{HOST}{THEME}?page=3" in requested
    assert f"http://{HOST}{THEME}?page=4" not in requested
    assert f"http://{HOST}/latest-news-and-top-stories/page/2/" not in requested
    assert all(urlsplit(url).scheme == "http" and urlsplit(url).hostname == HOST for url in requested)
    assert not [url for url in local_run.proxy_log if "/article-number-5/" in url]  # type: ignore[attr-defined]
    # robots.txt, 3 sitemaps, 1 feed, 3 + 1 section pages
    assert local_run.stats["discovery_requests"] == 8


def test_local_crawl_user_agent_is_honest(local_run: CrawlRun) -> None:
    agents = {headers["User-Agent"] for _, headers in local_run.requests()}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("newsarchive/") and agent.endswith(f"(+{CONTACT})")


def test_rerun_with_everything_seen_requests_no_article(
    local_outlet: dict[str, str], local_run: CrawlRun, tmp_path: Path
) -> None:
    seen = tmp_path / "seen.txt"
    seen.write_text("\n".join(canonical_url(article(n)) for n in ARTICLES) + "\n")
    rerun = run_crawl(local_outlet, OUTLET, tmp_path, "--max-articles", "3", "--seen", str(seen))
    assert rerun.returncode == 0, rerun.stderr
    assert [url for url, _ in rerun.requests() if get_outlet(OUTLET).is_article(url)] == []
    # the first section page brings nothing new, so page 2 (article 22) is not read
    assert (rerun.stats["discovered"], rerun.stats["skipped_seen"], rerun.stats["article_requests"]) == (9, 9, 0)
    assert f"http://{HOST}{THEME}?page=2" not in [url for url, _ in rerun.requests()]



def test_unreachable_outlet_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    env = {"http_proxy": f"http://127.0.0.1:{free_port()}", "NEWSARCHIVE_BASE_URL_SPUTNIK": "http://sputnikglobe.com"}
    run = run_crawl(env, "sputnik", tmp_path, "--max-articles", "5")
    assert run.returncode == 1
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("newsarchive crawl: cannot reach http://sputnikglobe.com/")
    assert "refused" in lines[0].lower()
    assert run.stats["fetched"] == 0 and run.stats["warc_files"] == []


@pytest.mark.parametrize(
    "args",
    [
        ["--outlet", "nope"],
        ["--max-articles", "-1"],
        ["--delay", "soon"],
        ["--warc-max-bytes", "0"],
        ["--seen", "no-such-directory/seen.txt"],
    ],
)
def test_bad_arguments_exit_2(args: list[str], tmp_path: Path) -> None:
    base = {"--outlet": "sputnik", "--out": str(tmp_path)}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    command = [sys.executable, "-m", "spiders.crawl", *[part for pair in base.items() for part in pair]]
    result = subprocess.run(command, env=crawl_env({}), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert not list(tmp_path.glob("*.warc.gz*"))


# -- the outlet replica ------------------------------------------------------------


def newest_live(replica, outlet: str) -> list[str]:
    """Canonical URLs of the replica's articles of ``outlet``, newest first."""
    truths = sorted(replica.catalogue.articles(outlet), key=lambda t: t.published, reverse=True)
    return [canonical_url(truth.url) for truth in truths]


def split_requests(run: CrawlRun, outlet: str) -> tuple[list[str], list[str]]:
    """(article URLs, other URLs) of the request records."""
    urls = [url for url, _ in run.requests()]
    is_article = get_outlet(outlet).is_article
    return [url for url in urls if is_article(url)], [url for url in urls if not is_article(url)]


def check_replica_run(run: CrawlRun, outlet: str, expected: list[str]) -> None:
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    check_stats(run, outlet)
    check_warcs(run)
    articles, others = split_requests(run, outlet)
    assert sorted(canonical_url(url) for url in articles) == sorted(expected)
    assert run.stats["fetched"] == len(expected) and run.stats["failed"] == []
    host = get_outlet(outlet, environ={}).host
    assert others[0] == f"http://{host}/robots.txt"
    # everything else sent was discovery: sitemaps, feeds, section pages
    assert len(others) == 1 + run.stats["discovery_requests"]
    agents = {headers["User-Agent"] for _, headers in run.requests()}
    assert len(agents) == 1 and agents.pop().endswith(f"(+{CONTACT})")
    for url, _ in run.requests():
        assert urlsplit(url).hostname in get_outlet(outlet, environ={}).domains  # never the proxy's address


def test_replica_crawl_takes_the_newest_unseen_then_nothing(replica, tmp_path: Path) -> None:
    outlet = "globalresearch"
    newest = newest_live(replica, outlet)
    seen = tmp_path / "seen.txt"
    seen.write_text("\n".join(newest[:2]) + "\n")
    first = run_crawl(replica.env(), outlet, tmp_path / "first", "--max-articles", "5", "--seen", str(seen))
    check_replica_run(first, outlet, newest[2:7])
    # fetched newest first: with two requests in flight, a neighbour may finish first
    articles, _ = split_requests(first, outlet)
    ranks = [newest[2:7].index(canonical_url(url)) for url in articles]
    assert all(abs(rank - i) < get_outlet(outlet).politeness.concurrency for i, rank in enumerate(ranks)), ranks
    assert first.stats["discovered"] == len(newest)
    assert first.stats["skipped_seen"] == 2

    seen.write_text("\n".join(newest) + "\n")
    rerun = run_crawl(replica.env(), outlet, tmp_path / "rerun", "--max-articles", "5", "--seen", str(seen))
    assert rerun.returncode == 0, rerun.stderr
    articles, _ = split_requests(rerun, outlet)
    assert articles == []
    assert rerun.stats["article_requests"] == 0 and rerun.stats["skipped_seen"] == rerun.stats["discovered"]


def test_replica_crawl_of_all_six_outlets(replica, tmp_path: Path) -> None:
    children = {}
    for outlet in SLUGS:
        workdir = tmp_path / outlet
        children[outlet] = subprocess.Popen(
            crawl_command(outlet, workdir / "warc", workdir / "stats.json", "--max-articles", "5"),
            env=crawl_env(replica.env()), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
    for outlet, child in children.items():
        _, stderr = child.communicate(timeout=300)
        workdir = tmp_path / outlet
        run = CrawlRun(child.returncode, stderr, json.loads((workdir / "stats.json").read_text()), workdir / "warc")
        check_replica_run(run, outlet, newest_live(replica, outlet)[:5])
