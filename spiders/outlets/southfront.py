"""South Front (southfront.press; southfront.org until 2022), a WordPress site."""
from spiders.outlet import Outlet, Politeness

OUTLET = Outlet(
    slug="southfront",
    name="South Front",
    base_url="https://southfront.press",
    language="en",
    extra_domains=("www.southfront.press",),
    former_domains=("southfront.org", "www.southfront.org"),
    sitemaps=("/sitemap_index.xml",),
    feeds=("/feed/",),
    sections=("/category/all-articles/",),
    # WordPress permalinks: https://southfront.press/<slug>/
    article_path=r"^/(?!(?:category|tag|page|author|feed|wp-[a-z-]+|donate|about|contacts?|search)/)[a-z0-9][a-z0-9-]*-[a-z0-9-]+/?$",
    politeness=Politeness(concurrency=2, delay=1.0),
)
