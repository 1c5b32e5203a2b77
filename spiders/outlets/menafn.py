"""MENAFN, a wire that republishes other outlets' articles."""
from spiders.outlet import Outlet, Politeness

OUTLET = Outlet(
    slug="menafn",
    name="MENAFN",
    base_url="https://menafn.com",
    language="en",
    extra_domains=("www.menafn.com",),
    sitemaps=("/sitemap_news.xml",),
    feeds=("/rss/menafn_Politics.xml",),
    sections=("/qn_news_politics",),
    # https://menafn.com/<numeric id>/<Title-Slug>
    article_path=r"^/\d{7,}/[^/]+$",
    politeness=Politeness(concurrency=2, delay=1.0),
)
