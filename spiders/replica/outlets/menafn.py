"""MENAFN in the replica: a wire page whose first paragraph opens with the "(MENAFN- Source)" credit."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from spiders.replica import furniture
from spiders.replica.catalogue import Article, Replica, unit
from spiders.replica.outlet import EntryDraft, OutletSite, Section
from spiders.replica.templates import Listing, esc, head_meta, href, json_ld, neighbours, recent, slugify

SYNDICATION_RATE = 0.06  # MENAFN copies of Sputnik, Alwaght and South Front articles

MN_DISCLAIMER = (
    "MENAFN provides the information “as is” without warranty of any kind. We do not accept any responsibility "
    "or liability for the accuracy, content, images, videos, licenses, completeness, legality, or reliability of "
    "the information contained in this article. If you have any complaints or copyright issues related to this "
    "article, kindly contact the provider above."
)
MN_DISCLAIMER_TITLE = "Legal Disclaimer:"
MN_NETWORK = "MENAFN - Middle East North Africa Financial Network"
MN_NEWSLETTER = "Subscribe to our newsletter and get the latest Business and Financial News"
MN_COPYRIGHT = "Copyright © 1996-2026 MENAFN. All rights reserved."
MENAFN_SOURCES = (
    "The Journal Of Turkish Weekly", "Trend News Agency", "Kuwait News Agency (KUNA)", "Jordan Times",
    "Gulf Times", "AzerNews", "Emirates News Agency (WAM)", "Tehran Times", "The Peninsula", "Oman Observer",
    "Saudi Press Agency", "Qatar News Agency", "Daily Sabah", "Iraqi News",
)

FURNITURE = (
    MN_DISCLAIMER_TITLE, MN_NETWORK, MN_NEWSLETTER, MN_COPYRIGHT,
    "MENAFN provides the information “as is” without warranty of any kind.",
    "We do not accept any responsibility or liability for the accuracy, content, images, videos, licenses",
    "If you have any complaints or copyright issues related to this article, kindly contact the provider above.",
    "(MENAFN- ",
    "Most popular stories",
    "Related News",
)

def _frame_top(replica: Replica, title: str, head: str) -> str:
    link = lambda path: esc(href(replica, "menafn", path))  # noqa: E731
    nav = "".join(f'<li class="nav-item"><a class="nav-link" href="{link(path)}">{label}</a></li>' for label, path in (
        ("Home", "/"), ("Politics", "/qn_news_politics"), ("Business", "/qn_news_business"), ("Markets", "/markets"),
        ("Press Releases", "/press_releases")))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
<link rel="alternate" type="application/rss+xml" href="{link('/rss/menafn_Politics.xml')}">
</head>
<body>
<header class="site-header"><div class="container"><a class="navbar-brand" href="{link('/')}" title="{esc(MN_NETWORK)}">MENAFN</a>
<p class="tagline">{esc(MN_NETWORK)}</p><ul class="navbar-nav">{nav}</ul>
<form class="search" action="{link('/search')}"><input type="text" name="q" placeholder="Search"></form></div></header>
<div class="container"><div class="row">"""


def _frame_bottom(replica: Replica) -> str:
    link = lambda path: esc(href(replica, "menafn", path))  # noqa: E731
    popular = "".join(f'<li><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in recent(replica, "menafn", 5))
    return f"""<aside class="col-md-4 sidebar"><div class="widget"><h4>Most popular stories</h4><ul>{popular}</ul></div>
<div class="widget newsletter"><p>{esc(MN_NEWSLETTER)}</p><form action="{link('/newsletter')}"><input type="email" name="email"><button>Subscribe</button></form></div>
<div class="widget"><h4>Market Research</h4><p><a href="{link('/market_research')}">Browse reports</a></p></div></aside>
</div></div>
<footer class="site-footer"><div class="container"><p>{esc(MN_COPYRIGHT)}</p><ul><li><a href="{link('/terms')}">Terms of use</a></li><li><a href="{link('/privacy')}">Privacy policy</a></li></ul></div></footer>
</body></html>"""


def article(replica: Replica, art: Article) -> str:
    entry = art.entry
    link = lambda path: esc(href(replica, "menafn", path))  # noqa: E731
    local = entry.local_time()
    description = art.paragraphs[0][:160]
    head = head_meta(replica, art, "MENAFN", description) + "\n" + json_ld(art, "MENAFN", "https://menafn.com/images/logo.png", description)
    first, *rest = art.paragraphs
    credit = furniture.dateline(replica, art, entry.original_source or 'MENAFN')  # furniture hook
    body = "".join(furniture.inside(replica, art, [f"<p>{esc(credit)} {esc(first)}</p>", *(f"<p>{esc(p)}</p>" for p in rest)]))  # furniture hook
    related = "".join(f'<li><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in neighbours(replica, entry, 4))
    tags = ", ".join(f'<a href="{link("/tag/" + t.replace(" ", "_"))}">{esc(t)}</a>' for t in entry.tags)
    return _frame_top(replica, f"{entry.title} | MENAFN.COM", head) + f"""
<div class="col-md-8"><article class="article">
<h1 class="entry-title">{esc(entry.title)}</h1>
<div class="article-meta"><span class="date">Date <time datetime="{local.isoformat()}">{local.month}/{local.day}/{local.year} {local:%I:%M:%S %p}</time></span>
<span class="source">Source: <a href="{link('/source/' + (entry.original_source or 'MENAFN').replace(' ', '_'))}">{esc(entry.original_source or 'MENAFN')}</a></span>
<span class="category">Category: <a href="{link('/qn_news_politics')}">{esc(entry.section or 'Politics')}</a></span></div>
{furniture.container(replica, art, '<div class="article-body" id="article_body">', body, '</div>')}
<div class="disclaimer"><strong>{MN_DISCLAIMER_TITLE}</strong><br>{esc(MN_DISCLAIMER)}</div>
<div class="tags">Tags: {tags}</div>
</article>
<section class="related"><h3>Related News</h3><ul>{related}</ul></section></div>""" + _frame_bottom(replica)


def listing(replica: Replica, page: Listing) -> str:
    link = lambda path: esc(href(replica, "menafn", path))  # noqa: E731
    items = "".join(f'<li class="news-item"><a href="{link(e.path)}">{esc(e.title)}</a> <span class="date">{e.local_time().month}/{e.local_time().day}/{e.local_time().year}</span> <span class="source">{esc(e.original_source or "")}</span></li>' for e in page.entries)
    head = page.head_links(replica) + f'\n<link rel="canonical" href="https://menafn.com{esc(page.path)}">'
    return _frame_top(replica, f"{page.heading} | MENAFN.COM", head) + f"""
<div class="col-md-8"><h1>{esc(page.heading)}</h1><ul class="news-list">{items}</ul>
{page.pager(replica, 'Next', 'Previous')}</div>""" + _frame_bottom(replica)


class Menafn(OutletSite):
    slug = "menafn"
    spacing = timedelta(minutes=20)
    first_id = 1_109_300_000
    id_step = 13
    zone = ZoneInfo("Asia/Amman")
    section_labels = ("Politics",)
    title_salt = 61
    seed_ranks = (1,)
    robots_disallow = ("/search", "/account/", "/cgi-bin/")
    feeds = ("/rss/menafn_Politics.xml",)
    sitemap_index = "/sitemap_news.xml"
    single_sitemap = True  # one news urlset listing every article
    news_sitemap = True
    sections = {"/qn_news_politics": Section("Politics")}
    server = "Microsoft-IIS/8.5"
    removed_to_home = True
    furniture = FURNITURE

    def path(self, number: int, title: str, published: datetime) -> str:
        return f"/{number}/{slugify(title, keep_case=True)}"

    def describe(self, draft: EntryDraft, replica: Replica, rank: int, rng: random.Random) -> None:
        draft.original_source = draft.extra.get("source") or rng.choice(MENAFN_SOURCES)
        if not draft.seeded and unit(replica.seed, self.slug, rank, "syndicated") < SYNDICATION_RATE:
            source = rng.choice(("sputnik", "alwaght", "southfront"))
            if replica.copy(draft, source, draft.published - timedelta(hours=3)):
                draft.original_source = replica.outlets[source].name

    def article(self, replica: Replica, art: Article) -> str:
        return article(replica, art)

    def listing(self, replica: Replica, page: Listing) -> str:
        return listing(replica, page)


SITE = Menafn()
