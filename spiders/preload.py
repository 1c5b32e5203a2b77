"""Imported ahead of crawls (by a fork server): Scrapy, this package's spider, and every
component class a crawl loads, so a crawl forked afterwards imports nothing.

Nothing here installs a Twisted reactor: each crawl installs its own.
"""
from __future__ import annotations

from scrapy.settings import default_settings
from scrapy.utils.misc import load_object

import spiders.crawl  # noqa: F401 (the crawl runner, spider, recorder and guard)
from spiders import settings


def _component_paths() -> list[str]:
    groups = (default_settings.DOWNLOADER_MIDDLEWARES_BASE, default_settings.SPIDER_MIDDLEWARES_BASE,
              default_settings.EXTENSIONS_BASE, settings.DOWNLOADER_MIDDLEWARES, settings.EXTENSIONS)
    paths = [path for group in groups for path in group]
    paths += [path for path in default_settings.DOWNLOAD_HANDLERS_BASE.values() if path]
    return paths


for _path in _component_paths():
    load_object(_path)
