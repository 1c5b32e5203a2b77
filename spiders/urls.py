"""One canonical key per article URL.

courlan does the generic normalisation (scheme and host case, default ports,
tracking parameters, fragments, query order); the registry supplies what only
we know: an outlet's former and alternate hosts map to its current host, and
AMP or mobile variants map to the article itself.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

from spiders.outlets import all_outlets

_AMP_PATH = re.compile(r"(/amp/?$|\.amp(?=\.html$)|/amp(?=/))")
_MOBILE_HOST = re.compile(r"^(m|mobile|amp)\.")


def _host_map() -> dict[str, str]:
    """Every known host of every outlet -> the outlet's live host (not any override)."""
    from spiders.outlets import _BUILTIN

    mapping: dict[str, str] = {}
    for outlet in _BUILTIN.values():
        for host in outlet.domains:
            mapping[host] = outlet.host
    for outlet in all_outlets():  # an overridden base URL is an alias of the live host
        mapping.setdefault(outlet.host, _BUILTIN[outlet.slug].host)
    return mapping


def canonical_url(url: str) -> str:
    """The article's identity: https, live host, no tracking, no AMP/mobile, no trailing slash."""
    normalized = normalize_url(url, strict=True, trailing_slash=False)
    parts = urlsplit(normalized)
    host = (parts.hostname or "").lower()
    hosts = _host_map()
    if host not in hosts and _MOBILE_HOST.match(host) and _MOBILE_HOST.sub("", host) in hosts:
        host = _MOBILE_HOST.sub("", host)  # m.<outlet host>: the mobile variant of an outlet
    host = hosts.get(host, host)
    path = _AMP_PATH.sub("", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit(("https", host, path, parts.query, ""))
