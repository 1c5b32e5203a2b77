"""Global Research (Centre for Research on Globalization), English edition."""
from spiders.outlet import Outlet, Politeness

OUTLET = Outlet(
    slug="globalresearch",
    name="Global Research",
    base_url="https://www.globalresearch.ca",
    language="en",
    extra_domains=("globalresearch.ca",),
    sitemaps=("/sitemap.xml",),
    feeds=("/feed",),
    sections=("/theme/us-nato-war-agenda", "/region/middle-east"),
    # https://www.globalresearch.ca/<slug>/<numeric id>
    article_path=r"^/[a-z0-9][a-z0-9-]*/\d{5,}/?$",
    politeness=Politeness(concurrency=2, delay=1.0),
)
