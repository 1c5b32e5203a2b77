"""Recognise an answer that blocks the crawler: a refusal, a bot challenge, a denial page.

One detector serves the spider (a blocked article or discovery answer is counted, not
archived as an article), extraction (a challenge page kept in a WARC never becomes an
article record) and the probe. It never tries to get past a block: it reads what the
server sent and says why that is a block, so an operator can decide (see the README,
"Before the first live run").

The markers are structural: what bot-protection services put into every challenge or
denial they serve (their script paths, form and element ids, response headers, their
error templates), and the shape of a challenge page (a page with almost no text whose
only purpose is a CAPTCHA widget or a script that sets a cookie and reloads). The
wording a page uses is not relied on: challenge pages come in every language.

Statuses: 403 is a refusal and 429 a persistent rate limit (both after the crawler's own
retries and ``Retry-After`` waits): both block. A 503 blocks only with a marker or from a
bot-protection front (its ``Server`` header): a bare 503 is an outage.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

# What blocks by its status alone, and what blocks with a marker.
REFUSAL_STATUSES = frozenset({403, 429})
CHALLENGE_STATUSES = frozenset({403, 429, 503})
# Only the start of a page is read: challenge and denial pages are small, and an
# article page that merely embeds a widget is told apart by its amount of text.
SCAN_BYTES = 256 * 1024
# A challenge or denial page says little; an article says a lot.
SMALL_PAGE_WORDS = 120

# Bot-protection services, by their response headers: (header, value regex or None, name).
_HEADER_MARKERS: tuple[tuple[str, str | None, str], ...] = (
    ("cf-mitigated", r"challenge", "Cloudflare challenge (cf-mitigated header)"),
    ("x-datadome", None, "DataDome (x-datadome header)"),
    ("x-sucuri-block", None, "Sucuri firewall (x-sucuri-block header)"),
    ("x-amzn-waf-action", r"captcha|challenge|block", "AWS WAF (x-amzn-waf-action header)"),
)
# Fronts whose 403/429/503 answers are bot protection, by the Server header.
# (A cache such as Varnish, or a load balancer, answers 503 when the site behind it is down: no block.)
_PROTECTION_SERVERS = re.compile(r"cloudflare|akamaighost|ddos-guard|sucuri|incapsula|imperva|stormwall|qrator", re.I)

# Challenge markers in the page: (regex over the raw HTML, what it is). They appear on challenge
# pages only, so they block whatever the page's size and status. (Fronts also inject scripts
# into ordinary pages, such as Cloudflare's /cdn-cgi/challenge-platform/scripts/jsd/ detections
# or Imperva's _Incapsula_Resource: those are no challenge, and are not matched here.)
_CHALLENGE_MARKERS: tuple[tuple[str, str], ...] = (
    (r"/cdn-cgi/challenge-platform/(?:h/[a-z]/)?orchestrate/", "Cloudflare challenge script (/cdn-cgi/challenge-platform/…/orchestrate/)"),
    (r"\b_cf_chl_opt\b|__cf_chl_(?:f|rt|jschl)_tk", "Cloudflare challenge options (cf_chl)"),
    (r"id=[\"']?challenge-(?:form|running|stage|body-text)\b", "challenge form (id challenge-…)"),
    (r"\bcf-browser-verification\b|\bcf-im-under-attack\b", "Cloudflare browser check"),
    (r"captcha-delivery\.com", "DataDome CAPTCHA"),
    (r"\bpx-captcha\b|captcha\.px-cdn\.net|_pxCaptcha", "PerimeterX CAPTCHA"),
)
# Widgets and scripts that make a challenge only of a page that has little else (a comment
# form may embed a CAPTCHA; a front may add its script to every page).
_WIDGET_MARKERS: tuple[tuple[str, str], ...] = (
    (r"class=[\"'][^\"']*\bg-recaptcha\b|google\.com/recaptcha/|recaptcha/api\.js", "reCAPTCHA widget"),
    (r"class=[\"'][^\"']*\bh-captcha\b|hcaptcha\.com/1/api\.js|js\.hcaptcha\.com", "hCaptcha widget"),
    (r"challenges\.cloudflare\.com/turnstile|\bcf-turnstile\b", "Cloudflare Turnstile widget"),
    (r"captcha\.awswaf\.com|\bAwsWafCaptcha\b", "AWS WAF CAPTCHA"),
    (r"_Incapsula_Resource", "Imperva Incapsula check"),
    (r"ddos-guard\.net/|__ddg[0-9]_", "DDoS-Guard check"),
    (r"<form\b[^>]*\bcaptcha|name=[\"'][^\"']*captcha", "CAPTCHA form"),
)
# The fixed templates of denial pages: they name a refusal (403, 429), or block when a 2xx
# page is nothing else; a 503 from the same software is an outage page.
_DENIAL_TEMPLATES: tuple[tuple[str, str], ...] = (
    (r"errors\.edgesuite\.net|Reference&#32;&#35;\d|Reference #\d+\.[0-9a-f]+\.\d+", "Akamai denial (edgesuite reference)"),
    (r"Guru Meditation|Varnish cache server", "Varnish error page"),
    (r"Sucuri WebSite Firewall|cloudproxy@sucuri", "Sucuri firewall page"),
    (r"incapsula incident id", "Imperva Incapsula denial"),
)
# A script challenge: sets a cookie (or computes a token) and reloads or redirects.
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
_SETS_COOKIE = re.compile(r"document\.cookie\s*=")
_NAVIGATES = re.compile(r"location\.(?:reload|replace|assign)\s*\(|(?:window\.|document\.)?location(?:\.href)?\s*=")
_META_REFRESH = re.compile(r"<meta[^>]+http-equiv=[\"']?refresh", re.I)
# What a reader does not see (scripts, styles and the like, then any tag) and the words
# between, as one alternation tried in that order at each position.
_VISIBLE = re.compile(r"<(?P<hidden>script|style|noscript|template)\b.*?</(?P=hidden)>|<[^>]+>|(?P<word>\w+)",
                      re.S | re.I)


@dataclass(frozen=True)
class Block:
    """Why one answer blocks the crawler: its status, the server that sent it, the marker found."""

    url: str
    status: int
    server: str | None
    marker: str

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        server = f", server {self.server}" if self.server else ""
        return f"HTTP {self.status}{server}: {self.marker}"


def _header_getter(headers) -> Callable[[str], str | None]:
    """A case-insensitive getter over a mapping, Scrapy ``Headers`` or a list of pairs."""
    if hasattr(headers, "getlist") and hasattr(headers, "to_unicode_dict"):  # scrapy.http.Headers
        def scrapy_get(name: str) -> str | None:
            value = headers.get(name)
            return value.decode("latin-1") if isinstance(value, bytes) else value
        return scrapy_get
    pairs = headers.items() if isinstance(headers, Mapping) else (headers or ())
    lowered = {}
    for name, value in pairs:
        name = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        value = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        lowered.setdefault(name.lower(), value)
    return lambda name: lowered.get(name.lower())


def visible_words(html: str, at_most: int | None = None) -> int:
    """How many words a reader sees on the page (scripts, styles and tags left out); counting
    stops at ``at_most``.

    One pass from the start, so that reading stops at the ``at_most``-th word instead of
    going over the whole page twice (removing the hidden blocks, then the tags) first.
    """
    count = 0
    for match in _VISIBLE.finditer(html):
        if match.lastgroup == "word":
            count += 1
            if count == at_most:
                break
    return count


def denial_template(html: str) -> str | None:
    """The denial page template (Akamai, Varnish, …) this page is made from, or None."""
    for pattern, name in _DENIAL_TEMPLATES:
        if re.search(pattern, html, re.I):
            return name
    return None


# Every match of a challenge marker contains one of these (in lower case): a page without any
# of them is searched no further (one pass of ``in`` instead of a case-insensitive regex per
# marker). They are the markers' own literals, so that an article about a "challenge" or a
# "captcha" is not searched six times over.
_CHALLENGE_ANCHORS = ("/cdn-cgi/challenge-platform/", "_cf_chl", "challenge-form", "challenge-running",
                      "challenge-stage", "challenge-body-text", "cf-browser-verification", "cf-im-under-attack",
                      "captcha-delivery.com", "px-captcha", "captcha.px-cdn.net", "_pxcaptcha")
_CHALLENGE_RES = tuple((re.compile(pattern, re.I), name) for pattern, name in _CHALLENGE_MARKERS)


def page_marker(html: str) -> str | None:
    """The challenge marker of an HTML page (or of a small denial page), or None when it shows none."""
    lowered = html.lower()
    if any(anchor in lowered for anchor in _CHALLENGE_ANCHORS):
        for pattern, name in _CHALLENGE_RES:
            if pattern.search(html):
                return name
    small = visible_words(html, at_most=SMALL_PAGE_WORDS) < SMALL_PAGE_WORDS
    if not small:
        return None
    template = denial_template(html)
    if template:
        return template
    for pattern, name in _WIDGET_MARKERS:
        if re.search(pattern, html, re.I):
            return f"{name} on a page with almost no text"
    scripts = " ".join(_SCRIPT.findall(html))
    if _SETS_COOKIE.search(scripts) and (_NAVIGATES.search(scripts) or _META_REFRESH.search(html)):
        return "script challenge (sets a cookie and reloads, almost no text)"
    return None


def _text(body: bytes | str) -> str:
    if isinstance(body, str):
        return body[:SCAN_BYTES]
    return body[:SCAN_BYTES].decode("utf-8", "replace")


def detect(status: int, headers, body: bytes | str, url: str = "") -> Block | None:
    """The block this answer is, or None when it is an ordinary answer (content or error)."""
    get = _header_getter(headers)
    server = get("server")
    for name, value, what in _HEADER_MARKERS:
        found = get(name)
        if found is not None and (value is None or re.search(value, found, re.I)):
            return Block(url, status, server, what)
    content_type = (get("content-type") or "").lower()
    is_text = not content_type or "html" in content_type or content_type.startswith("text/")
    html = _text(body) if is_text and body else ""
    marker = page_marker(html) if html else None
    if marker and status == 503 and denial_template(html) == marker:
        marker = None  # the cache's own outage page
    if marker and (status in CHALLENGE_STATUSES or 200 <= status < 300):
        return Block(url, status, server, marker)
    if status in REFUSAL_STATUSES:
        named = denial_template(html) if html else None
        return Block(url, status, server, named or ("refused" if status == 403 else "rate limited"))
    if status == 503 and server and _PROTECTION_SERVERS.search(server):
        return Block(url, status, server, f"refused by a bot-protection front ({server})")
    return None


def summary(blocks: list[dict], limit: int = 3) -> str:
    """One line naming the evidence: ``blocked: HTTP 403, server cloudflare: … (url)``."""
    shown = [f"{Block(**b).describe()} ({b['url']})" for b in blocks[:limit]]
    more = f" and {len(blocks) - limit} more" if len(blocks) > limit else ""
    return f"blocked: {'; '.join(shown)}{more}"
