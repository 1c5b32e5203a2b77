"""Alwaght, news and analysis (alwaght.net; alwaght.com earlier), English section."""
from spiders.outlet import Outlet, Politeness

OUTLET = Outlet(
    slug="alwaght",
    name="Alwaght",
    base_url="https://alwaght.net",
    language="en",
    extra_domains=("www.alwaght.net",),
    former_domains=("alwaght.com", "www.alwaght.com"),
    sitemaps=("/sitemap.xml",),
    feeds=("/en/rss",),
    sections=("/en/Analysis", "/en/LatestNews"),
    # https://alwaght.net/en/News/<numeric id>/<Title-Slug>
    article_path=r"^/en/News/\d+/[^/]+$",
    politeness=Politeness(concurrency=2, delay=1.0),
)
