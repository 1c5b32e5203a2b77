"""Security settings and guards, checked directly (the crawls of test_faults.py check them end to end)."""
from __future__ import annotations

import asyncio
import gzip
import time
from pathlib import Path

import pytest
from lxml import etree
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.settings import Settings
from scrapy.utils.iterators import xmliter_lxml
from scrapy.utils.sitemap import Sitemap

from spiders import settings as crawl_settings
from spiders.safety import AddressGuard, is_public
from storage.warc_reader import iter_responses
from storage.warc_writer import HttpRequest, HttpResponse, WarcInfo, WarcWriter
from spiders.replica.faults import gzip_bomb, xml_bomb, xxe_feed
from tests.reliability.harness import LEDGER


class _Outlet:
    domains = ("sputnikglobe.com", "www.sputnikglobe.com")


class _Spider:
    outlet = _Outlet()


class _Crawler:
    spider = _Spider()


def guard(*allow: str) -> AddressGuard:
    return AddressGuard(allow, _Crawler())


def refused(middleware: AddressGuard, request: Request) -> str | None:
    try:
        asyncio.run(middleware.process_request(request))
    except IgnoreRequest as exc:
        return str(exc)
    return None


def test_remote_control_and_telnet_are_off():
    settings = Settings()
    settings.setmodule(crawl_settings, priority="project")
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getdict("DOWNLOADER_MIDDLEWARES").get("spiders.safety.AddressGuard")
    assert settings.getint("DOWNLOAD_MAXSIZE") <= 32 * 1024 * 1024
    LEDGER.add("security", "Scrapy RemoteControl and telnet", "off", True)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0", "224.0.0.1"])
def test_non_public_addresses_are_recognised(address):
    import ipaddress

    assert not is_public(ipaddress.ip_address(address))


def test_public_addresses_pass():
    import ipaddress

    assert is_public(ipaddress.ip_address("93.184.216.34")) and is_public(ipaddress.ip_address("2606:4700::1"))


def test_requests_to_private_or_off_domain_hosts_are_refused_unless_allowed():
    middleware = guard()
    assert "off the outlet's domains" in refused(middleware, Request("http://169.254.169.254/latest/meta-data/"))
    assert "off the outlet's domains" in refused(middleware, Request("http://example.org/"))
    assert "non-public" in refused(middleware, Request("http://10.0.0.9/", meta={"proxy": "http://127.0.0.1:1"})) \
        or "off the outlet's domains" in refused(middleware, Request("http://10.0.0.9/"))
    # An outlet host reached through the configured proxy is not resolved here.
    assert refused(middleware, Request("http://sputnikglobe.com/x", meta={"proxy": "http://127.0.0.1:8080"})) is None
    # A replica reached directly on loopback is allowed by the allow-list only.
    assert "off the outlet's domains" in refused(middleware, Request("http://127.0.0.1:8080/x"))
    assert refused(guard("127.0.0.1"), Request("http://127.0.0.1:8080/x")) is None
    assert refused(guard("127.0.0.0/8"), Request("http://127.0.0.2:8080/x")) is None


def test_redirects_off_the_domains_to_private_addresses_or_back_are_refused():
    middleware = guard()
    request = Request("http://sputnikglobe.com/a")

    def redirect(location: str, meta: dict | None = None) -> str | None:
        response = HtmlResponse(request.url, status=302, headers={"Location": location}, request=request)
        try:
            middleware.process_response(request.replace(meta=meta or {}), response)
        except IgnoreRequest as exc:
            return str(exc)
        return None

    assert redirect("http://10.0.0.7/") and redirect("http://[::1]/") and redirect("http://offsite.example/")
    assert redirect("file:///etc/passwd")
    assert redirect("/b") is None and redirect("https://www.sputnikglobe.com/b") is None
    assert "loop" in redirect("http://sputnikglobe.com/a?x", {"redirect_urls": ["http://sputnikglobe.com/a?x"]})
    LEDGER.add("security", "redirects/links to private, loopback, link-local hosts", "refused (see faults)", True)


def test_sitemaps_and_feeds_are_parsed_without_entity_expansion():
    started = time.monotonic()
    sitemap = Sitemap(xml_bomb("sputnikglobe.com").replace(b"<rss", b"<urlset").replace(b"</rss>", b"</urlset>"))
    assert "lol" * 100 not in str(list(sitemap))
    response = XmlResponse("http://sputnikglobe.com/feed", body=xml_bomb("sputnikglobe.com"))
    try:
        texts = [node.xpath("string(title)").get() or "" for node in xmliter_lxml(response, "item")]
    except etree.XMLSyntaxError as exc:  # libxml2 refuses the amplification; the spider skips the feed
        texts = [str(exc)]
    assert all("lollol" not in text for text in texts)
    xxe = XmlResponse("http://sputnikglobe.com/feed", body=xxe_feed("sputnikglobe.com"))
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    assert all(hostname not in node.get() for node in xmliter_lxml(xxe, "item"))
    LEDGER.add("security", "XML entity expansion / external entities", "off in sitemap and feed parsing",
               time.monotonic() - started < 30)


def test_a_gzip_bomb_in_a_warc_is_never_inflated_in_full(tmp_path):
    with WarcWriter(tmp_path, "bomb", WarcInfo(software="test", is_part_of="test")) as writer:
        body = gzip_bomb(64)
        writer.write_exchange("http://sputnikglobe.com/bomb", HttpRequest("GET", "/bomb", [("Host", "sputnikglobe.com")], b""),
                              HttpResponse(200, "OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], body))
    (warc,) = sorted(tmp_path.glob("*.warc.gz"))
    assert list(iter_responses(warc, max_body=8 * 1024 * 1024)) == []
    assert len(gzip.decompress(body)) == 64 * 1024 * 1024  # the record itself is kept as received
