"""The WARC recorder against a local HTTP proxy serving one tricky little outlet.

The crawl runs as the real runner (``python -m spiders.crawl``) in a
subprocess, with ``http_proxy`` pointing at a server in this process that
answers for www.globalresearch.ca: a gzip-encoded AND chunked article with two
Set-Cookie headers, an article behind a 301, and one that is 404.
"""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scrapy.http import HtmlResponse, Request
from scrapy.http.headers import Headers

from spiders.warc_recorder import http_request, http_response
from storage.warc_reader import iter_records, iter_responses

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "www.globalresearch.ca"
CHUNKED = f"http://{HOST}/chunked-and-gzipped/1000001"
MOVED = f"http://{HOST}/moved-article/1000002"
TARGET = f"http://{HOST}/moved-article-new-home/1000003"
MISSING = f"http://{HOST}/missing-article/1000004"
ARTICLE_HTML = b"<html><body><h1>Chunked</h1><p>" + b"gzip and chunks " * 200 + b"</p></body></html>"

SITEMAP = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{CHUNKED.replace("http:", "https:")}</loc><lastmod>2024-05-03T10:00:00Z</lastmod></url>
<url><loc>{MOVED}</loc><lastmod>2024-05-02T10:00:00Z</lastmod></url>
<url><loc>{MISSING}</loc><lastmod>2024-05-01T10:00:00Z</lastmod></url>
</urlset>
""".encode()


class OutletHandler(BaseHTTPRequestHandler):
    """Answers proxy-style requests (absolute URL in the request line)."""

    protocol_version = "HTTP/1.1"
    requests: list[tuple[str, dict[str, str]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = self.path if self.path.startswith("http") else f"http://{self.headers['Host']}{self.path}"
        self.requests.append((url, dict(self.headers.items())))
        path = urlsplit(url).path
        if urlsplit(url).hostname != HOST:
            self._send(502, b"unknown host")
        elif path == "/robots.txt":
            self._send(200, b"User-agent: *\nAllow: /\n", [("Content-Type", "text/plain")])
        elif path == "/sitemap.xml":
            self._send(200, SITEMAP, [("Content-Type", "application/xml")])
        elif url == CHUNKED:
            self._send_chunked_gzip()
        elif url == MOVED:
            self._send(301, b"", [("Location", TARGET)])
        elif url == TARGET:
            self._send(200, b"<html><body>new home</body></html>", [("Content-Type", "text/html")])
        else:
            self._send(404, b"not here", [("Content-Type", "text/plain")])

    def _send_chunked_gzip(self) -> None:
        payload = gzip.compress(ARTICLE_HTML, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Set-Cookie", "first=1; Path=/")
        self.send_header("Set-Cookie", "second=2; Path=/")
        self.end_headers()
        for start in range(0, len(payload), 100):
            chunk = payload[start : start + 100]
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")
        self.server.sent_payload = payload  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def proxy() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), OutletHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def crawl_env(proxy_port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.lower().endswith("_proxy")}
    env.update(
        http_proxy=f"http://127.0.0.1:{proxy_port}",
        NEWSARCHIVE_BASE_URL_GLOBALRESEARCH=f"http://{HOST}",
        NEWSARCHIVE_CONTACT_URL="https://example.org/newsarchive-contact",
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture(scope="module")
def crawl(proxy: ThreadingHTTPServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("warc")
    stats_path = out.parent / "stats.json"
    # sitemap only: the outlet's feeds and sections answer 404 here
    result = subprocess.run(
        [sys.executable, "-m", "spiders.crawl", "--outlet", "globalresearch", "--out", str(out),
         "--max-articles", "10", "--delay", "0", "--stats", str(stats_path)],
        env=crawl_env(proxy.server_address[1]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    warcs = sorted(out.glob("*.warc.gz"))
    return {"warcs": warcs, "stats": json.loads(stats_path.read_text()), "out": out, "server": proxy}


def test_warcio_check_passes(crawl: dict) -> None:
    assert len(crawl["warcs"]) == 1
    assert not list(crawl["out"].glob("*.open"))
    result = subprocess.run([BIN / "warcio", "check", "-v", crawl["warcs"][0]], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cdxj_has_one_line_per_response(crawl: dict) -> None:
    warc = crawl["warcs"][0]
    result = subprocess.run([BIN / "cdxj-indexer", warc], capture_output=True, text=True, check=True)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    responses = [r for r in iter_records(warc) if r.rec_type == "response"]
    assert len(lines) == len(responses)
    indexed = sorted(json.loads(line.split(" ", 2)[2])["url"] for line in lines)
    assert indexed == sorted(r.url for r in responses)


def test_every_hop_is_recorded_with_its_status(crawl: dict) -> None:
    statuses = {r.url: r.status for r in iter_responses(crawl["warcs"][0])}
    assert statuses[f"http://{HOST}/robots.txt"] == 200
    assert statuses[CHUNKED] == 200
    assert statuses[MOVED] == 301
    assert statuses[TARGET] == 200
    assert statuses[MISSING] == 404


def test_gzip_payload_is_stored_as_sent_and_read_back_decoded(crawl: dict) -> None:
    warc = crawl["warcs"][0]
    record = next(r for r in iter_records(warc) if r.rec_type == "response" and r.url == CHUNKED)
    assert record.payload == crawl["server"].sent_payload
    response = next(r for r in iter_responses(warc) if r.url == CHUNKED)
    assert response.body == ARTICLE_HTML
    assert response.header("Content-Encoding") == "gzip"


def test_no_chunked_header_over_the_dechunked_body_and_repeated_headers_kept(crawl: dict) -> None:
    response = next(r for r in iter_responses(crawl["warcs"][0]) if r.url == CHUNKED)
    names = [name.lower() for name, _ in response.headers]
    assert "transfer-encoding" not in names
    assert response.body == ARTICLE_HTML
    cookies = [value for name, value in response.headers if name.lower() == "set-cookie"]
    assert cookies == ["first=1; Path=/", "second=2; Path=/"]


def test_request_records_are_linked_and_show_what_was_sent(crawl: dict) -> None:
    records = list(iter_records(crawl["warcs"][0]))
    responses = {r.record_id: r for r in records if r.rec_type == "response"}
    requests = [r for r in records if r.rec_type == "request"]
    assert len(requests) == len(responses)
    for request in requests:
        linked = responses[request.warc_header("WARC-Concurrent-To")]
        assert linked.url == request.url
    chunked_request = next(r for r in requests if r.url == CHUNKED)
    assert chunked_request.status_line == "GET /chunked-and-gzipped/1000001 HTTP/1.1"
    sent = dict(chunked_request.http_headers)
    assert sent["Host"] == HOST
    assert sent["User-Agent"].startswith("newsarchive/")
    assert "gzip" in sent["Accept-Encoding"]
    # the proxy received the same User-Agent the record shows
    received = [headers for url, headers in OutletHandler.requests if url == CHUNKED]
    assert received and received[0]["User-Agent"] == sent["User-Agent"]


def test_warcinfo_opens_the_file_and_names_no_host(crawl: dict) -> None:
    first = next(iter_records(crawl["warcs"][0]))
    assert first.rec_type == "warcinfo"
    text = first.payload.decode()
    assert "isPartOf: globalresearch" in text
    assert "software: newsarchive/" in text
    assert "operator: https://example.org/newsarchive-contact" in text
    assert "127.0.0.1" not in text and str(crawl["out"]) not in text


def test_proxied_records_name_the_target_not_the_proxy(crawl: dict) -> None:
    for record in iter_records(crawl["warcs"][0]):
        assert "127.0.0.1" not in record.url
        assert record.warc_header("WARC-IP-Address") is None  # the peer was the proxy


def test_stats_count_the_exchanges(crawl: dict) -> None:
    stats = crawl["stats"]
    assert stats["discovered"] == 3
    assert stats["article_requests"] == 3
    assert stats["fetched"] == 2
    assert stats["failed"] == [{"url": MISSING, "reason": "HTTP 404"}]
    assert stats["warc_files"] == [crawl["warcs"][0].name]
    assert stats["warc_bytes"] == crawl["warcs"][0].stat().st_size


def test_a_transfer_encoding_header_is_renamed_in_the_record() -> None:
    response = HtmlResponse(
        "http://www.globalresearch.ca/a/12345",
        status=200,
        headers=Headers([(b"Transfer-Encoding", b"chunked"), (b"Set-Cookie", b"a=1"), (b"Set-Cookie", b"b=2")]),
        body=b"<html></html>",
    )
    recorded = http_response(response)
    assert recorded.headers == [
        ("X-Archive-Orig-Transfer-Encoding", "chunked"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
    ]
    assert (recorded.status, recorded.reason, recorded.protocol) == (200, "OK", "HTTP/1.1")


def test_request_record_adds_host_and_never_keeps_proxy_credentials() -> None:
    request = Request(
        "http://www.globalresearch.ca:8080/a/12345?page=2#frag",
        headers={"Proxy-Authorization": "Basic c2VjcmV0", "Accept": "text/html"},
    )
    recorded = http_request(request)
    assert recorded.target == "/a/12345?page=2"
    assert recorded.headers == [("Host", "www.globalresearch.ca:8080"), ("Accept", "text/html")]
