"""South Front: a WordPress theme (wt_tera) with a donation bar, appeals and Disqus comments."""
from __future__ import annotations

from tests.replica import boilerplate as bp
from tests.replica.catalogue import BASE_TIME, Article, Replica
from tests.replica.pages.common import Listing, esc, head_meta, href, json_ld, neighbours, paragraphs_html
from tests.replica.profiles import PROFILES, slugify

CAPTIONS = ("Russian warplanes", "Illustrative image", "Syrian Arab Army troops", "Click to see the full-size image",
            "Turkish military convoy", "Map of the area", "Military vehicles near the front line")


def _frame_top(replica: Replica, title: str, head: str, body_class: str) -> str:
    link = lambda path: esc(href(replica, "southfront", path))  # noqa: E731
    month = f"{BASE_TIME:%B}".upper()
    menu = "".join(f'<li class="menu-item"><a href="{link(path)}">{label}</a></li>' for label, path in (
        ("FRONT PAGE", "/"), ("Military Report", "/category/all-articles/products/military-report/"),
        ("Foreign Policy Diary", "/category/all-articles/products/foreign-policy-diary/"),
        ("All articles", "/category/all-articles/"), ("Donate", "/donate/"), ("Contact", "/contacts/")))
    return f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
<link rel="alternate" type="application/rss+xml" title="SouthFront &raquo; Feed" href="{link('/feed/')}">
<link rel="stylesheet" href="{link('/wp-content/themes/wt_tera/style.css')}">
</head>
<body class="{body_class}">
<div class="site-wrap"><div id="container" class="hfeed js-hook-content">
<header id="header"><div class="logo-wrap clearfix"><div class="logo"><a href="{link('/')}" title="SouthFront"><img src="{link('/wp-content/uploads/2016/07/old_style_2.jpg')}" alt=""></a></div></div>
<div class="donation-progress"><p class="text-center"><a href="{link('/donate/')}" class="btn btn-sm btn-success"><strong>Donate</strong></a></p>
<p class="dark pad label-text text-center">14 {bp.SF_BUDGET} {month}</p></div>
<div class="menu-section clearfix"><nav id="main-menu" class="clearfix"><ul id="menu-sf-menu-1" class="menu">{menu}</ul></nav></div>
<div class="hot_top"><div class="title_b">Hot topics:</div><ul><li><a href="{link('/category/all-articles/world/middle-east/syria/')}">#SYRIA</a></li><li><a href="{link('/category/all-articles/world/middle-east/yemen/')}">#YEMEN</a></li></ul></div>
</header>
<section id="main"><div class="inner-wrap">"""


def _frame_bottom(replica: Replica, sidebar: str) -> str:
    return f"""</div>
<aside id="sidebar" class="sidebar">{sidebar}</aside>
</section>
<footer id="footer"><div class="footer-text">SouthFront: Analysis &amp; Intelligence © 2026</div>
<p><a href="{esc(href(replica, 'southfront', '/donate/'))}">Donate</a></p></footer>
</div></div></body></html>"""


def article(replica: Replica, art: Article) -> str:
    entry = art.entry
    rng = art.rng("page")
    link = lambda path: esc(href(replica, "southfront", path))  # noqa: E731
    description = art.paragraphs[0][:160]
    head = head_meta(replica, art, "SouthFront", description) + "\n" + json_ld(art, "SouthFront", "https://southfront.press/wp-content/uploads/logo.png", description)
    local = entry.local_time()
    caption = entry.extra.get("photo") or f"{rng.choice(CAPTIONS)} | {rng.choice(bp.SF_PHOTO_CREDITS)}"
    paragraphs = list(art.paragraphs)
    related = neighbours(replica, entry, 3)
    more = ""
    if related and rng.random() < 0.6 and len(paragraphs) > 3:
        more = (f'<div class="more-on-topic"><p><strong>{bp.SF_MORE}</strong></p><ul>'
                + "".join(f'<li><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in related) + "</ul></div>")
    split = min(len(paragraphs), 3)
    body = paragraphs_html(paragraphs[:split]) + more + paragraphs_html(paragraphs[split:])
    tags = " ".join(f'<a href="{link("/tag/" + slugify(t) + "/")}" rel="tag">{esc(t)}</a>' for t in entry.tags)
    category = slugify(entry.section or "all-articles")
    number = PROFILES["southfront"].number(entry.rank)
    return _frame_top(replica, f"{entry.title}", head, f"post-template-default single single-post postid-{number}") + f"""
<div id="content">
<article id="post-{number}" class="post-{number} post type-post status-publish format-standard has-post-thumbnail hentry category-{category}">
<header class="entry-header"><h1 class="entry-title">{esc(entry.title)}</h1>
<div class="entry-meta"><span class="date"><time class="entry-date published" datetime="{local.isoformat()}">{local:%d.%m.%Y}</time></span>
<span class="byline"><span class="author vcard"><a class="url fn n" href="{link('/author/southfront/')}" rel="author">South Front</a></span></span>
<span class="cat-links"><a href="{link('/category/all-articles/' + category + '/')}" rel="category tag">{esc(entry.section or '')}</a></span>
<span class="comments"><a href="{link(entry.path + '#comments')}">{rng.randint(0, 80)}</a></span></div></header>
<div class="entry-content">
<figure class="wp-caption aligncenter"><a href="{link('/wp-content/uploads/2026/11/' + category + '.jpg')}"><img src="{link('/wp-content/uploads/2026/11/' + category + '-800x450.jpg')}" alt="" width="800" height="450"></a>
<figcaption class="wp-caption-text">{esc(caption)}</figcaption></figure>
{body}
<div class="sf-donate"><p><strong>{esc(rng.choice(bp.SF_APPEALS))}</strong></p></div>
<div class="sf-social"><p>{bp.SF_SUBSCRIBE}:…</p><p>{bp.SF_VISIT}</p><p>{bp.SF_FOLLOW}</p><p>{bp.SF_INFOPARTNERS}</p></div>
</div>
<footer class="entry-footer"><div class="tags-links">Tags: {tags}</div></footer>
<div id="disqus_thread"></div><noscript>{bp.SF_DISQUS}</noscript>
</article></div>""" + _frame_bottom(replica, _sidebar(replica, related))


def _sidebar(replica: Replica, entries) -> str:
    items = "".join(f'<li><a href="{esc(href(replica, "southfront", e.path))}">{esc(e.title)}</a></li>' for e in entries)
    return f'<div class="widget"><h4 class="widget-title">Popular</h4><ul>{items}</ul></div>'


def listing(replica: Replica, page: Listing) -> str:
    items = []
    for entry in page.entries:
        items.append(f"""<li class="post-item"><div class="post-info"><div class="entry-meta"><span class="date">{entry.local_time():%d.%m.%Y}</span></div>
<div class="title"><h3><a href="{esc(href(replica, 'southfront', entry.path))}">{esc(entry.title)}</a></h3></div></div></li>""")
    head = page.head_links(replica) + f'\n<link rel="canonical" href="https://southfront.press{esc(page.path)}">'
    return _frame_top(replica, f"{page.heading} | SouthFront", head, "archive category") + f"""
<div id="content"><h1 class="page-title">{esc(page.heading)}</h1><ul class="post-list">{''.join(items)}</ul>
{page.pager(replica)}</div>""" + _frame_bottom(replica, "")
