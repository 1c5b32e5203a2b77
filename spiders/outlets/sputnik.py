"""Sputnik International (sputnikglobe.com; sputniknews.com until 2022)."""
from spiders.outlet import Outlet, Politeness

OUTLET = Outlet(
    slug="sputnik",
    name="Sputnik",
    base_url="https://sputnikglobe.com",
    language="en",
    extra_domains=("www.sputnikglobe.com",),
    former_domains=("sputniknews.com", "www.sputniknews.com"),
    sitemaps=("/sitemap_article_index.xml",),
    feeds=("/export/rss2/archive/index.xml",),
    sections=("/world/", "/military/"),
    # https://sputnikglobe.com/<yyyymmdd>/<slug>-<numeric id>.html
    article_path=r"^/\d{8}/[a-z0-9-]+-\d{6,}\.html$",
    politeness=Politeness(concurrency=2, delay=1.0),
)
