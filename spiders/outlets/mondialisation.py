"""Mondialisation.ca, the French edition of Global Research."""
from spiders.outlet import Outlet, Politeness

OUTLET = Outlet(
    slug="mondialisation",
    name="Mondialisation.ca",
    base_url="https://www.mondialisation.ca",
    language="fr",
    extra_domains=("mondialisation.ca",),
    sitemaps=("/sitemap.xml",),
    feeds=("/feed",),
    sections=("/theme/agenda-de-guerre-usa-otan", "/region/moyen-orient-afrique-du-nord"),
    # https://www.mondialisation.ca/<slug>/<numeric id>
    article_path=r"^/[a-z0-9][a-z0-9-]*/\d{5,}/?$",
    politeness=Politeness(concurrency=2, delay=1.0),
)
