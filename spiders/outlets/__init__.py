"""The outlet registry: one module per outlet, each exporting ``OUTLET``.

Adding an outlet: its module here and its line in ``REGISTRY``, its replica site
(``spiders/replica/outlets/<slug>.py``), its test folder (``tests/outlets/<slug>/``)
and its block in ``deploy/prefect.yaml``; ``tests/unit/test_registry.py`` names any
place that is missing. Every list of outlets elsewhere derives from ``SLUGS``.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

from spiders.outlet import Outlet, base_url_override

# The outlets, in the order runs process them (the order decides which of two identical
# texts found in one run is the original).
REGISTRY = ("globalresearch", "mondialisation", "southfront", "sputnik", "alwaght", "menafn")

_BUILTIN: dict[str, Outlet] = {}
for _name in REGISTRY:
    _outlet = importlib.import_module(f"spiders.outlets.{_name}").OUTLET
    assert _outlet.slug == _name, f"spiders/outlets/{_name}.py defines the outlet {_outlet.slug!r}"
    _BUILTIN[_name] = _outlet

SLUGS: tuple[str, ...] = tuple(_BUILTIN)


class UnknownOutlet(KeyError):
    def __str__(self) -> str:
        return f"unknown outlet {self.args[0]!r} (known: {', '.join(SLUGS)})"


def get_outlet(slug: str, environ: dict | None = None) -> Outlet:
    """The outlet ``slug``, with its base URL overridden from the environment if set."""
    try:
        outlet = _BUILTIN[slug]
    except KeyError:
        raise UnknownOutlet(slug) from None
    override = base_url_override(slug, environ)
    return _with_base_url(slug, override) if override else outlet


@lru_cache(maxsize=64)
def _with_base_url(slug: str, base_url: str) -> Outlet:
    # Outlets are frozen: one copy per override, not one per lookup (URLs are keyed per link).
    return _BUILTIN[slug].with_base_url(base_url)


def all_outlets(environ: dict | None = None) -> list[Outlet]:
    return [get_outlet(slug, environ) for slug in SLUGS]


def parse_outlets(spec: str | None) -> list[str]:
    """``"a,b"`` -> ``["a", "b"]``; empty or ``"all"`` -> every outlet. Raises UnknownOutlet."""
    if not spec or spec.strip() == "all":
        return list(SLUGS)
    slugs = [s.strip() for s in spec.split(",") if s.strip()]
    for slug in slugs:
        if slug not in _BUILTIN:
            raise UnknownOutlet(slug)
    return slugs


def outlet_for_host(host: str | None) -> Outlet | None:
    """The outlet serving ``host`` (current, extra or former domain), or None."""
    if not host:
        return None
    host = host.lower()
    for outlet in all_outlets():
        if host in outlet.domains:
            return outlet
    return None


def outlet_by_name(name: str | None) -> Outlet | None:
    """The outlet whose display name (or slug) is ``name``, ignoring case, spaces and dots."""
    if not name:
        return None
    wanted = "".join(ch for ch in name.casefold() if ch.isalnum())
    for outlet in _BUILTIN.values():
        if wanted in {"".join(ch for ch in outlet.name.casefold() if ch.isalnum()), outlet.slug}:
            return outlet
    return None
