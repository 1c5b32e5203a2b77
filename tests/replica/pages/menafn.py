"""MENAFN: a wire page whose first paragraph opens with the "(MENAFN- Source)" credit."""
from __future__ import annotations

from tests.replica import boilerplate as bp
from tests.replica.catalogue import Article, Replica
from tests.replica.pages.common import Listing, esc, head_meta, href, json_ld, neighbours, recent


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
<header class="site-header"><div class="container"><a class="navbar-brand" href="{link('/')}" title="{esc(bp.MN_NETWORK)}">MENAFN</a>
<p class="tagline">{esc(bp.MN_NETWORK)}</p><ul class="navbar-nav">{nav}</ul>
<form class="search" action="{link('/search')}"><input type="text" name="q" placeholder="Search"></form></div></header>
<div class="container"><div class="row">"""


def _frame_bottom(replica: Replica) -> str:
    link = lambda path: esc(href(replica, "menafn", path))  # noqa: E731
    popular = "".join(f'<li><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in recent(replica, "menafn", 5))
    return f"""<aside class="col-md-4 sidebar"><div class="widget"><h4>Most popular stories</h4><ul>{popular}</ul></div>
<div class="widget newsletter"><p>{esc(bp.MN_NEWSLETTER)}</p><form action="{link('/newsletter')}"><input type="email" name="email"><button>Subscribe</button></form></div>
<div class="widget"><h4>Market Research</h4><p><a href="{link('/market_research')}">Browse reports</a></p></div></aside>
</div></div>
<footer class="site-footer"><div class="container"><p>{esc(bp.MN_COPYRIGHT)}</p><ul><li><a href="{link('/terms')}">Terms of use</a></li><li><a href="{link('/privacy')}">Privacy policy</a></li></ul></div></footer>
</body></html>"""


def article(replica: Replica, art: Article) -> str:
    entry = art.entry
    link = lambda path: esc(href(replica, "menafn", path))  # noqa: E731
    local = entry.local_time()
    description = art.paragraphs[0][:160]
    head = head_meta(replica, art, "MENAFN", description) + "\n" + json_ld(art, "MENAFN", "https://menafn.com/images/logo.png", description)
    first, *rest = art.paragraphs
    body = f"<p>(MENAFN- {esc(entry.original_source or 'MENAFN')}) {esc(first)}</p>" + "".join(f"<p>{esc(p)}</p>" for p in rest)
    related = "".join(f'<li><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in neighbours(replica, entry, 4))
    tags = ", ".join(f'<a href="{link("/tag/" + t.replace(" ", "_"))}">{esc(t)}</a>' for t in entry.tags)
    return _frame_top(replica, f"{entry.title} | MENAFN.COM", head) + f"""
<div class="col-md-8"><article class="article">
<h1 class="entry-title">{esc(entry.title)}</h1>
<div class="article-meta"><span class="date">Date <time datetime="{local.isoformat()}">{local.month}/{local.day}/{local.year} {local:%I:%M:%S %p}</time></span>
<span class="source">Source: <a href="{link('/source/' + (entry.original_source or 'MENAFN').replace(' ', '_'))}">{esc(entry.original_source or 'MENAFN')}</a></span>
<span class="category">Category: <a href="{link('/qn_news_politics')}">{esc(entry.section or 'Politics')}</a></span></div>
<div class="article-body" id="article_body">
{body}
</div>
<div class="disclaimer"><strong>{bp.MN_DISCLAIMER_TITLE}</strong><br>{esc(bp.MN_DISCLAIMER)}</div>
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
