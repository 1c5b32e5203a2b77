"""A downloader middleware that keeps the crawler on the outlet's public hosts.

A hostile or compromised site can redirect (or link) the crawler to an address
inside our own network: the cloud metadata service (169.254.169.254), a router,
a database on loopback. ``AddressGuard`` refuses every request whose host

* is not one of the outlet's domains (redirects off the outlet included), or
* is, or resolves to, a private, loopback, link-local, multicast, reserved or
  unspecified address,

unless the host is listed in ``NEWSARCHIVE_ALLOW_HOSTS`` (setting, or the
environment variable of that name: host names, addresses or networks such as
``127.0.0.1`` or ``10.0.0.0/8``, separated by commas), which is how a replica
reached directly is allowed.

When a request goes through a proxy (``request.meta["proxy"]``, set from the
standard ``http_proxy`` variables by Scrapy's ``HttpProxyMiddleware``), the
proxy was configured by the operator and resolves names itself; the guard then
checks only the literal target host (a name is not resolved here, an address
literal still is checked). Refused requests end in ``IgnoreRequest``, so the
spider's errback counts them with the reason.

Runs after ``HttpProxyMiddleware`` (750), so every redirect hop is checked too;
its ``process_response`` runs before ``RedirectMiddleware``'s and refuses a
redirect to such a host before it is followed, and a redirect back to a URL of
the same chain (a loop, which Scrapy's duplicate filter would drop silently).

    https://docs.scrapy.org/en/latest/topics/downloader-middleware.html
"""
from __future__ import annotations

import ipaddress
import logging
import os
import socket
from collections.abc import Iterable, Iterator
from io import BytesIO
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.threads import deferToThread

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# How untrusted XML (feeds) is parsed: no entity reference in text is expanded, internal or
# external, and no DTD or network resource is loaded. (XML itself requires internal entities
# in attribute values to be replaced; libxml2 caps that expansion, and refuses a document
# whose entities amplify it, such as "billion laughs", even when nothing is expanded.)
UNTRUSTED_XML = {"resolve_entities": False, "load_dtd": False, "no_network": True, "huge_tree": False}


def untrusted_xml_elements(body: bytes, tags: Iterable[str]) -> Iterator[Any]:
    """The elements named ``tags`` (``{namespace}name`` or a plain name) of an untrusted
    document, each as it ends; a reference to an entity stays a reference, so an element's
    ``text`` is what precedes it. Raises ``lxml.etree.XMLSyntaxError`` where the document breaks."""
    for _event, element in etree.iterparse(BytesIO(body), events=("end",), tag=tuple(tags), **UNTRUSTED_XML):
        yield element
        element.clear()


class RefusedAddress(IgnoreRequest):
    """A request to a host the crawler must not reach."""


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Routable on the internet: not private, loopback, link-local, shared, reserved or multicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def parse_allow_list(values: Iterable[str]) -> tuple[frozenset[str], tuple[Network, ...]]:
    """Host names and networks from ``NEWSARCHIVE_ALLOW_HOSTS`` entries."""
    names: set[str] = set()
    networks: list[Network] = []
    for value in values:
        value = value.strip().lower()
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            names.add(value)
    return frozenset(names), tuple(networks)


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def on_domains(host: str, domains: Iterable[str]) -> bool:
    """``host`` is one of ``domains`` or a subdomain of one (as Scrapy's OffsiteMiddleware)."""
    return any(host == domain or host.endswith("." + domain) for domain in domains)


class AddressGuard:
    def __init__(self, allow: Iterable[str] = (), crawler: Crawler | None = None) -> None:
        self.allowed_names, self.allowed_networks = parse_allow_list(allow)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuard:
        configured = crawler.settings.getlist("NEWSARCHIVE_ALLOW_HOSTS")
        from_env = os.environ.get("NEWSARCHIVE_ALLOW_HOSTS", "").split(",")
        return cls([*configured, *from_env], crawler)

    def allowed(self, host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None) -> bool:
        if host in self.allowed_names:
            return True
        return address is not None and any(address in network for network in self.allowed_networks)

    async def process_request(self, request: Request) -> None:
        host = (urlparse_cached(request).hostname or "").lower()
        if not host:
            raise RefusedAddress(f"Refused request without a host: {request.url}")
        domains = self._outlet_domains(self.crawler.spider if self.crawler else None)
        if domains and not on_domains(host, domains) and not self.allowed(host, _literal_address(host)):
            raise RefusedAddress(f"Refused request off the outlet's domains: {host}")
        literal = _literal_address(host)
        if literal is not None:
            self._check(host, [literal])
            return
        if host == "localhost" or host.endswith(".localhost"):
            self._check(host, [ipaddress.ip_address("127.0.0.1")])
            return
        if request.meta.get("proxy") or self.allowed(host):
            return  # the configured proxy resolves the name; an allowed name is trusted
        port = urlparse_cached(request).port or (443 if request.url.startswith("https:") else 80)
        try:
            infos = await maybe_deferred_to_future(deferToThread(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM))
        except OSError:
            return  # the download fails on the same lookup and is counted with its DNS error
        self._check(host, [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos])

    def process_response(self, request: Request, response: Response) -> Response:
        """Refuse a redirect before it is followed, so the refusal reaches the request's errback.

        Scrapy drops an off-site redirect when it is scheduled, silently; refused
        here, it is counted like any other failure.
        """
        if response.status not in REDIRECT_STATUSES or "Location" not in response.headers:
            return response
        location = response.headers.getlist("Location")[-1].decode("latin-1").strip()
        target = urlsplit(urljoin(request.url, location))
        host = (target.hostname or "").lower()
        if target.scheme not in ("http", "https") or not host:
            raise RefusedAddress(f"Refused redirect to {location!r}")
        domains = self._outlet_domains(self.crawler.spider if self.crawler else None)
        literal = _literal_address(host)
        if domains and not on_domains(host, domains) and not self.allowed(host, literal):
            raise RefusedAddress(f"Refused redirect off the outlet's domains to {host}")
        if literal is not None:
            self._check(host, [literal])
        chain = {urldefrag(url)[0] for url in (*request.meta.get("redirect_urls", ()), request.url)}
        if urldefrag(target.geturl())[0] in chain:
            # Followed, the loop would end in Scrapy's duplicate filter, which drops it silently.
            raise IgnoreRequest(f"Redirect loop back to {target.geturl()}")
        return response

    def _check(self, host: str, addresses: list[Any]) -> None:
        for address in addresses:
            if not is_public(address) and not self.allowed(host, address):
                raise RefusedAddress(f"Refused non-public address {address} for host {host}")

    @staticmethod
    def _outlet_domains(spider: Spider | None) -> tuple[str, ...]:
        outlet = getattr(spider, "outlet", None)
        return tuple(getattr(outlet, "domains", ()) or getattr(spider, "allowed_domains", ()) or ())


def refusal(host: str, domains: Iterable[str], allow: Iterable[str] = (), proxied: bool = False,
            port: int = 443) -> str | None:
    """Why a request to ``host`` must not be sent (the guard's rules, for clients outside Scrapy), or None.

    Off the outlet's ``domains``, or a private, loopback, link-local or reserved address (a literal,
    or what the name resolves to when no proxy resolves it); ``allow`` as ``NEWSARCHIVE_ALLOW_HOSTS``.
    """
    host = (host or "").lower()
    if not host:
        return "refused request without a host"
    names, networks = parse_allow_list([*allow, *os.environ.get("NEWSARCHIVE_ALLOW_HOSTS", "").split(",")])
    literal = _literal_address(host)

    def allowed(address=None) -> bool:
        return host in names or (address is not None and any(address in network for network in networks))

    if not on_domains(host, domains) and not allowed(literal):
        return f"refused request off the outlet's domains: {host}"
    if host == "localhost" or host.endswith(".localhost"):
        literal = ipaddress.ip_address("127.0.0.1")
    if literal is not None:
        return None if is_public(literal) or allowed(literal) else f"refused non-public address {literal} for host {host}"
    if proxied or allowed():
        return None  # the operator's proxy resolves the name
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    except OSError:
        return None  # the request fails on the same lookup, with its DNS error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not is_public(address) and not allowed(address):
            return f"refused non-public address {address} for host {host}"
    return None
