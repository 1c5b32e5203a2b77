"""Hostile-server behaviour for the replica, chosen per host and path.

A fault spec is ``HOST[/PATH]=KIND[:OPTIONS]``:

    sputnikglobe.com/*=500                      every path of that host answers 500
    menafn.com/rss/menafn_Politics.xml=xml-bomb  one feed is an entity-expansion bomb
    */*=503:retry-after=1,times=1                every path fails once, then answers normally

``HOST`` and ``PATH`` are shell-style patterns (``*`` also matches ``/``); a host
pattern matches its ``www.`` twin too, and a path pattern is tried against the
path with and without its query. ``OPTIONS`` are ``key=value`` pairs joined by
commas; ``times=N`` limits a fault to the first N requests for each URL.
The first matching spec wins.

Kinds (see ``KINDS``): any HTTP status code (``retry-after=SECONDS`` adds the
header; 403 answers like a crawler-blocking firewall), ``reset``, ``timeout``,
``drip`` (``rate`` bytes per second), ``truncated``, ``wrong-length``,
``gzip-bomb`` (``mb`` or ``kb`` decompressed), ``huge`` (``mb`` or ``kb`` of HTML;
both take ``type``, the Content-Type to send), ``redirect-loop``,
``redirect-offsite``, ``redirect-private``, ``redirect-loopback``,
``redirect-link-local``, ``redirect`` (``to=URL``), ``bad-charset``,
``no-charset``, ``malformed-html``, ``binary``, ``robots-disallow`` (``paths``
separated by ``|``; ``agent`` names the user agent, ``*`` by default),
``sitemap-malformed``, ``sitemap-huge`` (``urls``), ``xml-bomb`` (``path``: where
its entity-built link points), ``xxe`` (``file``: the local file its external
entity names), ``challenge`` (a bot-protection interstitial in the manner of
Cloudflare's "Just a moment…" page; ``status`` 403 by default, 200 or 503 as some
fronts answer) and ``redesign`` (the page as served, with every class and id
renamed: a redesign that leaves no known container).
"""
from __future__ import annotations

import asyncio
import functools
import gzip
import random
import re
import socket
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from threading import Lock
from urllib.parse import urlsplit

from spiders.replica.site import HTML, Page, Site

STATUS_REASONS = {403: "Forbidden", 429: "Too Many Requests", 500: "Internal Server Error",
                  502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
WIRE_KINDS = frozenset({"reset", "timeout", "drip", "truncated", "wrong-length"})
BODY_KINDS = frozenset({
    "gzip-bomb", "huge", "redirect-loop", "redirect-offsite", "redirect-private", "redirect-loopback",
    "redirect-link-local", "redirect", "bad-charset", "no-charset", "malformed-html", "binary",
    "robots-disallow", "sitemap-malformed", "sitemap-huge", "xml-bomb", "xxe", "challenge", "redesign",
})
KINDS = WIRE_KINDS | BODY_KINDS
REDIRECT_TARGETS = {
    "redirect-offsite": "http://offsite.example/landing",
    "redirect-private": "http://10.23.0.7/internal",
    "redirect-link-local": "http://169.254.169.254/latest/meta-data/",
}


class FaultSpecError(ValueError):
    pass


@dataclass(frozen=True)
class Fault:
    spec: str
    host: str
    path: str
    kind: str
    options: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def times(self) -> int | None:
        return int(self.options["times"]) if "times" in self.options else None

    def matches(self, host: str, target: str) -> bool:
        host_ok = fnmatchcase(host, self.host) or fnmatchcase(host.removeprefix("www."), self.host) \
            or fnmatchcase(host, "www." + self.host)
        path = target.split("?", 1)[0]
        return host_ok and (fnmatchcase(target, self.path) or fnmatchcase(path, self.path))


def parse_fault(spec: str) -> Fault:
    """``HOST[/PATH]=KIND[:OPTIONS]`` to a ``Fault``; FaultSpecError names what is wrong."""
    for match in re.finditer("=", spec):
        where, rest = spec[:match.start()], spec[match.end():]
        kind, _, options_text = rest.partition(":")
        if kind in KINDS or (kind.isdigit() and 100 <= int(kind) <= 599):
            break
    else:
        raise FaultSpecError(f"not a fault spec (HOST[/PATH]=KIND[:OPTIONS]): {spec!r}")
    host, slash, path = where.partition("/")
    if not host:
        raise FaultSpecError(f"no host pattern in fault spec {spec!r}")
    options: dict[str, str] = {}
    for item in filter(None, options_text.split(",")):
        key, sep, value = item.partition("=")
        if not sep:
            raise FaultSpecError(f"fault option {item!r} is not key=value in {spec!r}")
        options[key.strip()] = value.strip()
    if "times" in options and not options["times"].isdigit():
        raise FaultSpecError(f"times must be a whole number in {spec!r}")
    return Fault(spec, host.lower(), "/" + path if slash else "*", kind, options)


class FaultTable:
    """The faults of one replica run; counts hits per URL for ``times=N``."""

    def __init__(self, faults: list[Fault]):
        self.faults = list(faults)
        self.hits: Counter[tuple[str, str, str]] = Counter()
        self._lock = Lock()

    @classmethod
    def from_specs(cls, specs: list[str]) -> FaultTable:
        return cls([parse_fault(spec) for spec in specs])

    def __bool__(self) -> bool:
        return bool(self.faults)

    def match(self, host: str, target: str) -> Fault | None:
        for fault in self.faults:
            if not fault.matches(host, target):
                continue
            with self._lock:
                key = (fault.spec, host, target)
                self.hits[key] += 1
                if fault.times is not None and self.hits[key] > fault.times:
                    return None
            return fault
        return None


def request_host_target(target: str, headers: dict[str, str]) -> tuple[str, str]:
    """(host, path with query) of a proxied (absolute-form) or direct request."""
    parts = urlsplit(target)
    if parts.scheme and parts.netloc:
        return (parts.hostname or "").lower(), (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return headers.get("host", "").split(":")[0].lower(), target or "/"


# -- acting a fault out on the connection ---------------------------------------------
async def act(fault: Fault, site: Site, method: str, target: str, headers: dict[str, str],
              reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int) -> bool:
    """Answer one request the faulty way; False when the connection must end."""
    host, path = request_host_target(target, headers)
    kind = fault.kind
    if kind == "reset":
        _reset(writer)
        return False
    if kind == "timeout":
        # Read nothing more, answer nothing: the client gives up and closes.
        try:
            while await reader.read(65536):
                pass
        except ConnectionError:
            pass
        return False
    if kind in ("drip", "truncated", "wrong-length"):
        page = site.page(host, path)
        return await _wire(fault, page, writer)
    loop = asyncio.get_running_loop()
    message = await loop.run_in_executor(None, functools.partial(_message_for, fault, site, host, path, port))
    writer.write(message if method != "HEAD" else message.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
    await writer.drain()
    return True


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        # Linger 0: close() sends RST instead of FIN, as a crashed or hostile server does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _wire(fault: Fault, page: Page, writer: asyncio.StreamWriter) -> bool:
    body = page.body
    if fault.kind == "drip":
        rate = max(1, int(fault.options.get("rate", "2048")))
        message = _head(page.status, page.content_type, len(body)) + body
        step = max(1, rate // 10)
        for start in range(0, len(message), step):
            writer.write(message[start:start + step])
            await writer.drain()
            await asyncio.sleep(0.1)
        return True
    if fault.kind == "truncated":
        # Promise the whole body, send half, hang up.
        writer.write(_head(page.status, page.content_type, len(body)) + body[:len(body) // 2])
        await writer.drain()
        writer.close()
        return False
    # wrong-length: a Content-Length that claims half of what is sent.
    writer.write(_head(page.status, page.content_type, len(body) // 2) + body)
    await writer.drain()
    writer.close()
    return False


def _head(status: int, content_type: str | None, length: int | None, extra: list[tuple[str, str]] = (),
          server: str | None = "replica") -> bytes:
    reason = STATUS_REASONS.get(status) or {200: "OK", 301: "Moved Permanently", 302: "Found"}.get(status, "Unknown")
    lines = [f"HTTP/1.1 {status} {reason}"] + ([f"Server: {server}"] if server else [])
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    lines += [f"{name}: {value}" for name, value in extra]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _message_for(fault: Fault, site: Site, host: str, path: str, port: int) -> bytes:
    kind, options = fault.kind, fault.options
    if kind.isdigit():
        return _status(int(kind), options)
    if kind == "gzip-bomb":
        body = gzip_bomb(_kib(options, 256 * 1024))
        return _head(200, options.get("type", HTML), len(body), [("Content-Encoding", "gzip")]) + body
    if kind == "huge":
        body = huge_page(_kib(options, 50 * 1024))
        return _head(200, options.get("type", HTML), len(body)) + body
    if kind.startswith("redirect"):
        return _redirect(fault, host, path, port)
    page = site.page(host, path)
    if kind == "bad-charset":
        # A Latin-1 label on UTF-8 bytes, and no <meta charset> to correct it.
        body = re.sub(rb"<meta charset=[^>]*>", b"", page.body, flags=re.I)
        return _head(page.status, "text/html; charset=iso-8859-1", len(body)) + body
    if kind == "no-charset":
        body = re.sub(rb"<meta charset=[^>]*>", b"", page.body, flags=re.I)
        return _head(page.status, "text/html", len(body)) + body
    if kind == "malformed-html":
        body = malformed(page.body)
        return _head(page.status, HTML, len(body)) + body
    if kind == "binary":
        body = random.Random(path).randbytes(64 * 1024)
        return _head(200, "text/html; charset=utf-8", len(body)) + body
    if kind == "robots-disallow":
        paths = options.get("paths", "/").split("|")
        agent = options.get("agent", "*")
        body = (f"User-agent: {agent}\n" + "".join(f"Disallow: {p}\n" for p in paths)).encode()
        if agent != "*":
            body += b"\nUser-agent: *\nAllow: /\n"
        return _head(200, "text/plain; charset=utf-8", len(body)) + body
    if kind == "challenge":
        status = int(options.get("status", "403"))
        body = challenge_page(host, path)
        extra = [("Server", "cloudflare"), ("cf-ray", "8f1e2d3c4b5a6978-FRA"), ("Cache-Control", "private, max-age=0, no-store")]
        if status != 200:
            extra.append(("cf-mitigated", "challenge"))
        return _head(status, HTML, len(body), extra, server=None) + body
    if kind == "redesign":
        body = redesigned(page.body)
        return _head(page.status, HTML, len(body)) + body
    if kind == "sitemap-malformed":
        body = page.body[:len(page.body) * 2 // 3] + b"<url><loc>http://" + host.encode() + b"/<<broken&&</urlset"
        return _head(200, "application/xml; charset=utf-8", len(body)) + body
    if kind == "sitemap-huge":
        body = huge_sitemap(host, int(options.get("urls", "50000")))
        return _head(200, "application/xml; charset=utf-8", len(body)) + body
    if kind == "xml-bomb":
        body = xml_bomb(host, options.get("path", "/bomb"))
        return _head(200, "application/rss+xml; charset=utf-8", len(body)) + body
    if kind == "xxe":
        body = xxe_feed(host, options.get("file", "/etc/hostname"))
        return _head(200, "application/rss+xml; charset=utf-8", len(body)) + body
    raise AssertionError(f"unhandled fault kind {kind!r}")


def _status(status: int, options: dict[str, str]) -> bytes:
    extra = [("Retry-After", options["retry-after"])] if "retry-after" in options else []
    if status == 403:
        # What a bot-blocking firewall answers: a challenge page, not the article.
        body = (b"<html><head><title>Access denied</title></head><body><h1>Access denied</h1>"
                b"<p>Automated access to this site has been blocked.</p></body></html>")
    else:
        body = f"<html><body><h1>{status} {STATUS_REASONS.get(status, 'Error')}</h1></body></html>".encode()
    return _head(status, HTML, len(body), extra) + body


def _redirect(fault: Fault, host: str, path: str, port: int) -> bytes:
    kind = fault.kind
    if kind == "redirect-loop":
        # Two URLs pointing at each other.
        location = f"http://{host}{path.split('?', 1)[0]}" if "?" in path else f"http://{host}{path}?loop=1"
    elif kind == "redirect-loopback":
        location = f"http://127.0.0.1:{port}/admin"
    elif kind == "redirect":
        location = fault.options.get("to", "http://offsite.example/")
    else:
        location = REDIRECT_TARGETS[kind]
    body = f'<html><body><a href="{location}">Found</a></body></html>'.encode()
    return _head(302, HTML, len(body), [("Location", location)]) + body


def _kib(options: dict[str, str], default: int) -> int:
    """The size a fault asks for, in KiB: ``kb=`` or ``mb=``."""
    if "kb" in options:
        return int(options["kb"])
    return int(options["mb"]) * 1024 if "mb" in options else default


@functools.lru_cache(maxsize=4)
def gzip_bomb(decompressed_kib: int) -> bytes:
    """A gzip member of ``decompressed_kib`` KiB of zeros (about 1/1000 of that on the wire)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    whole, rest = divmod(decompressed_kib * 1024, len(block))
    parts = [compressor.compress(block) for _ in range(whole)]
    parts.append(compressor.compress(bytes(rest)))
    parts.append(compressor.flush())
    return b"".join(parts)


@functools.lru_cache(maxsize=2)
def huge_page(kib: int) -> bytes:
    """An HTML page of exactly ``kib`` KiB."""
    paragraph = b"<p>" + b"All work and no play makes a very long page. " * 20 + b"</p>\n"
    head = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Huge</title></head><body><article>\n"
    tail = b"</article></body></html>\n"
    size = kib * 1024
    count = max(0, (size - len(head) - len(tail)) // len(paragraph))
    body = head + paragraph * count
    return body + b" " * max(0, size - len(body) - len(tail)) + tail


def challenge_page(host: str, path: str) -> bytes:
    """An interstitial of the kind Cloudflare serves a client it wants to check: a tiny page whose
    script loads the challenge platform, with the options object and the challenge form."""
    ray = "8f1e2d3c4b5a6978"
    return f"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><meta name="robots" content="noindex,nofollow">
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body><div class="main-wrapper" role="main"><div class="main-content"><h1 class="zone-name-title h1">{host}</h1>
<p id="challenge-body-text" class="h2 spacer-bottom">Verifying you are human. This may take a few seconds.</p>
<form id="challenge-form" action="{path}?__cf_chl_f_tk=abc" method="POST" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="md" value="x"></form>
<noscript><div class="h2"><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></div></noscript></div></div>
<script>(function(){{window._cf_chl_opt={{cvId:'3',cZone:'{host}',cType:'managed',cRay:'{ray}'}};
var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray={ray}';
document.getElementsByTagName('head')[0].appendChild(a);}}());</script></body></html>""".encode()


def redesigned(body: bytes) -> bytes:
    """The page with every class and id renamed: the same text in markup no rule knows."""
    def rename(match: re.Match) -> bytes:
        names = match[3].split()
        renamed = b" ".join(b"v2-" + bytes(str(zlib.crc32(name) % 100000), "ascii") for name in names)
        return match[1] + match[2] + renamed + match[2]
    return re.sub(rb'(\s(?:class|id)=)(["\'])([^"\']*)\2', rename, body)


def malformed(body: bytes) -> bytes:
    """Unclosed tags, stray brackets and a body cut short, as broken CMS output looks."""
    broken = re.sub(rb"</(p|div|span|li|a)>", b"", body)
    broken = broken.replace(b"<p>", b"<p <", 3)
    return broken[: len(broken) * 4 // 5] + b"<div class=\"x\"><table><tr><td>&nbsp"


def huge_sitemap(host: str, urls: int) -> bytes:
    rows = "".join(f"<url><loc>http://{host}/archive/old-item-{i}.html</loc><lastmod>2001-01-01</lastmod></url>\n"
                   for i in range(urls))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</urlset>\n").encode()


def xml_bomb(host: str, path: str = "/bomb") -> bytes:
    """The "billion laughs" document: ten nested entities expanding to 10**9 copies of "lol".

    Its first item links to ``http://<host><path>-lollol...``, but only through an entity: a
    parser that expands entities sees that link (an article URL, when ``path`` looks like one);
    one that does not sees ``http://<host>``.
    """
    entities = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)]
    entities.append(f'<!ENTITY link "{path}-&lol1;">')
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n{chr(10).join(entities)}\n]>\n'
            f'<rss version="2.0"><channel><title>Feed</title><item><title>News</title>'
            f"<link>http://{host}&link;</link></item>"
            f"<item><title>&lol9;</title></item></channel></rss>\n").encode()


def xxe_feed(host: str, file: str = "/etc/hostname") -> bytes:
    """A feed whose item link is ``http://<host>/`` followed by a local file's contents, if
    external entities were resolved (``file``: what the crawler's machine would give away)."""
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{file}">]>\n'
            f'<rss version="2.0"><channel><title>Feed</title><item><title>&xxe;</title>'
            f"<link>http://{host}/&xxe;</link></item></channel></rss>\n").encode()
