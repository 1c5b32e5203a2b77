"""One canonical key per article URL.

courlan does the generic normalisation (scheme and host case, default ports,
tracking parameters, fragments, query order); the registry supplies what only
we know: an outlet's former and alternate hosts map to its current host, AMP or
mobile variants map to the article itself, older URL forms of an article are
rewritten to its current form (``Outlet.url_rewrites``), and an article of a
known outlet is its path: the query of an article link (tracking, cache busting)
is never part of its key.
"""
from __future__ import annotations

import calendar
import re
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

from spiders.outlet import Outlet
from spiders.outlets import _BUILTIN, all_outlets

_AMP_PATH = re.compile(r"(/amp/?$|\.amp(?=\.html$)|/amp(?=/))")
_MOBILE_HOST = re.compile(r"^(m|mobile|amp)\.")


def _host_map() -> dict[str, str]:
    """Every known host of every outlet -> the outlet's live host (not any override)."""
    return _host_map_for(tuple(outlet.host for outlet in all_outlets()))


@lru_cache(maxsize=16)
def _host_map_for(hosts: tuple[str, ...]) -> dict[str, str]:
    # (built once per set of base URLs in force: canonical_url runs for every link read; read only)
    mapping: dict[str, str] = {}
    for outlet in _BUILTIN.values():
        for host in outlet.domains:
            mapping[host] = outlet.host
    for slug, host in zip(_BUILTIN, hosts):  # an overridden base URL is an alias of the live host
        mapping.setdefault(host, _BUILTIN[slug].host)
    return mapping


def _outlet_of(host: str, hosts: dict[str, str]) -> tuple[str, Outlet | None]:
    """(live host, its outlet) for any host of an outlet, its mobile twin included."""
    if host not in hosts and _MOBILE_HOST.match(host) and _MOBILE_HOST.sub("", host) in hosts:
        host = _MOBILE_HOST.sub("", host)  # m.<outlet host>: the mobile variant of an outlet
    live = hosts.get(host, host)
    outlet = next((o for o in _BUILTIN.values() if o.host == live), None)
    return live, outlet


def _current_form(url: str, hosts: dict[str, str]) -> str:
    """``url`` with an older article URL form rewritten to the current one.

    Done before courlan, which drops the query parameters an old form may keep the
    article's id in (MENAFN's ``qn_news_story_s.aspx?storyid=N``).
    """
    parts = urlsplit(url.strip())
    _, outlet = _outlet_of((parts.hostname or "").lower(), hosts)
    if outlet is None or not outlet.url_rewrites:
        return url
    target = outlet.current_target(parts.path, parts.query)
    if target == parts.path + (f"?{parts.query}" if parts.query else ""):
        return url
    path, _, query = target.partition("?")
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def canonical_url(url: str) -> str:
    """The article's identity: https, live host, current URL form, no query, no AMP/mobile, no trailing slash."""
    hosts = _host_map()
    normalized = normalize_url(_current_form(url, hosts), strict=True, trailing_slash=False)
    parts = urlsplit(normalized)
    host, outlet = _outlet_of((parts.hostname or "").lower(), hosts)
    path = _AMP_PATH.sub("", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = parts.query
    article = outlet.article_path_of(f"https://{host}{path}") if outlet is not None else None
    if article is not None:
        path = article.rstrip("/") or "/"  # an older form under an AMP prefix is rewritten here
        query = ""  # an article is its path: parameters on its links only track or bust caches
    return urlunsplit(("https", host, path, query, ""))


# A date in a URL: 20041001, 2004-10-01, 2004/10, 2026-11 (year 1990-2099, a real month, a real day).
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})([-_/]?)(0[1-9]|1[0-2])(?:\2(0[1-9]|[12]\d|3[01]))?(?!\d)")


def date_in_url(url: str) -> datetime | None:
    """The latest date a URL names (a monthly sitemap's ``date_end``, a ``/sitemap-2026-11.xml``), or None.

    A month alone stands for its last day, so a monthly child sorts after the days before it.
    """
    found: list[datetime] = []
    for match in _URL_DATE.finditer(url):
        year, month, day = int(match[1]), int(match[3]), match[4]
        last = calendar.monthrange(year, month)[1]
        day_number = min(int(day), last) if day else last
        found.append(datetime(year, month, day_number, tzinfo=timezone.utc))
    return max(found, default=None)
