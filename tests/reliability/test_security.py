"""Security settings and guards, checked directly and through one real crawl (the crawls of
test_faults.py check them end to end too)."""
from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.settings import Settings

from spiders import settings as crawl_settings
from spiders.replica.faults import gzip_bomb, xml_bomb, xxe_feed
from spiders.safety import AddressGuard, is_public
from spiders.spider import OutletSpider
from storage.warc_reader import iter_responses
from storage.warc_writer import HttpRequest, HttpResponse, WarcInfo, WarcWriter
from tests.reliability.harness import LEDGER, manifests, newsarchive, run_env, store_files

FAKEDNS_DIR = Path(__file__).resolve().parent / "fakedns"


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


def test_remote_control_and_telnet_are_off_and_downloads_stop_at_20_mib():
    settings = Settings()
    settings.setmodule(crawl_settings, priority="project")
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getdict("DOWNLOADER_MIDDLEWARES").get("spiders.safety.AddressGuard")
    # The size the README states; test_faults serves 1 KiB more and 1 KiB less, compressed and not.
    assert settings.getint("DOWNLOAD_MAXSIZE") == 20 * 1024 * 1024
    LEDGER.add("security", "Scrapy RemoteControl and telnet", "off", True)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0", "224.0.0.1"])
def test_non_public_addresses_are_recognised(address):
    assert not is_public(ipaddress.ip_address(address))


def test_public_addresses_pass():
    assert is_public(ipaddress.ip_address("93.184.216.34")) and is_public(ipaddress.ip_address("2606:4700::1"))


def test_off_domain_hosts_are_refused_unless_allowed():
    middleware = guard()
    assert "off the outlet's domains" in refused(middleware, Request("http://169.254.169.254/latest/meta-data/"))
    assert "off the outlet's domains" in refused(middleware, Request("http://example.org/"))
    assert "off the outlet's domains" in refused(middleware, Request("http://10.0.0.9/"))
    # A replica reached directly on loopback is allowed by the allow-list only.
    assert "off the outlet's domains" in refused(middleware, Request("http://127.0.0.1:8080/x"))
    assert refused(guard("127.0.0.1"), Request("http://127.0.0.1:8080/x")) is None
    assert refused(guard("127.0.0.0/8"), Request("http://127.0.0.2:8080/x")) is None


def test_through_a_proxy_an_outlet_name_is_not_resolved_here(monkeypatch):
    """The documented exception: the proxy resolves names, so the guard cannot see the address."""
    def no_lookup(*args, **kwargs):
        raise AssertionError("resolved although a proxy resolves it")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    assert refused(guard(), Request("http://sputnikglobe.com/x", meta={"proxy": "http://127.0.0.1:8080"})) is None


def test_a_crawl_refuses_an_outlet_whose_name_resolves_to_a_private_address(tmp_path, prefect_env):
    """No proxy: the crawler resolves the outlet's name itself, and every name resolves to 10.0.0.1.
    (Fails when ``AddressGuard.process_request`` stops checking the resolved addresses.)"""
    env = run_env(tmp_path, prefect_env, {"NEWSARCHIVE_FAKE_RESOLVE": "10.0.0.1"})
    env["PYTHONPATH"] = f"{FAKEDNS_DIR}:{env['PYTHONPATH']}"
    store = tmp_path / "archive"
    run = newsarchive(["run", "--outlets", "sputnik", "--store", str(store), "--max-articles", "2", "--delay", "0"],
                      tmp_path, env, timeout=180)
    [manifest] = manifests(store)
    error = manifest["outlets"]["sputnik"]["error"] or ""
    # Every discovery request was refused before any connection: the outlet is unreachable, with the reason.
    ok = (run.returncode == 1 and error.startswith("cannot reach https://sputnikglobe.com/")
          and error.endswith(": Refused non-public address 10.0.0.1 for host sputnikglobe.com")
          and not [p for p in store_files(store) if p.name.endswith(".warc.gz")])
    LEDGER.add("security", "outlet name resolving to 10.0.0.1 (no proxy)",
               f"exit {run.returncode}; outlet failed: {error[:90]}", ok)
    assert ok, (run.returncode, error, run.stderr[-2000:])


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


def _spider_reading(url: str, body: bytes) -> OutletSpider:
    spider = OutletSpider("menafn" if "menafn" in url else "globalresearch")
    spider.parse_feed(XmlResponse(url, body=body, request=Request(url)))
    return spider


def test_our_spider_reads_feeds_without_expanding_entities(tmp_path):
    """(Fails with ``resolve_entities: True`` in ``spiders.safety.UNTRUSTED_XML``.)"""
    # The poisoned links are article URLs once expanded; unexpanded they are the bare host.
    bomb = _spider_reading("http://menafn.com/rss/menafn_Politics.xml", xml_bomb("menafn.com", "/1234567/bomb"))
    assert not [url for url in bomb.candidates if "lol" in url], list(bomb.candidates)
    assert [f["reason"] for f in bomb.discovery_failures if "amplification" in f["reason"]], bomb.discovery_failures
    secret = tmp_path / "secret"
    secret.write_text("xxe-secret/55555", encoding="utf-8")
    xxe = _spider_reading("http://www.globalresearch.ca/feed", xxe_feed("www.globalresearch.ca", str(secret)))
    assert not xxe.candidates and not xxe.discovery_failures, (list(xxe.candidates), xxe.discovery_failures)
    # The same parse finds a plain feed's article link: the feeds above were read, not skipped.
    plain = _spider_reading("http://www.globalresearch.ca/feed", b'<?xml version="1.0"?><rss version="2.0"><channel>'
                            b"<item><link>http://www.globalresearch.ca/xxe-secret/55555</link></item></channel></rss>")
    assert list(plain.candidates) == ["https://www.globalresearch.ca/xxe-secret/55555"]  # canonical: https


def test_a_gzip_bomb_in_a_warc_is_never_inflated_in_full(tmp_path):
    with WarcWriter(tmp_path, "bomb", WarcInfo(software="test", is_part_of="test")) as writer:
        body = gzip_bomb(64 * 1024)
        writer.write_exchange("http://sputnikglobe.com/bomb", HttpRequest("GET", "/bomb", [("Host", "sputnikglobe.com")], b""),
                              HttpResponse(200, "OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], body))
    (warc,) = sorted(tmp_path.glob("*.warc.gz"))
    assert list(iter_responses(warc, max_body=8 * 1024 * 1024)) == []
    assert len(gzip.decompress(body)) == 64 * 1024 * 1024  # the record itself is kept as received

