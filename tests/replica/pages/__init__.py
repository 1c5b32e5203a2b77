"""Page templates, one module per outlet (Global Research's covers Mondialisation.ca)."""
from __future__ import annotations

from types import ModuleType

from tests.replica.catalogue import Article, Replica
from tests.replica.pages import alwaght, globalresearch, menafn, southfront, sputnik
from tests.replica.pages.common import Listing

TEMPLATES: dict[str, ModuleType] = {
    "globalresearch": globalresearch,
    "mondialisation": globalresearch,
    "southfront": southfront,
    "sputnik": sputnik,
    "alwaght": alwaght,
    "menafn": menafn,
}


def render_article(replica: Replica, article: Article) -> bytes:
    return TEMPLATES[article.entry.outlet].article(replica, article).encode("utf-8")


def render_listing(replica: Replica, page: Listing) -> bytes:
    return TEMPLATES[page.outlet].listing(replica, page).encode("utf-8")


__all__ = ["Listing", "render_article", "render_listing"]
