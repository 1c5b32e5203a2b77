"""South Front (southfront.press; southfront.org until 2022) in the replica: a WordPress site.

Its furniture: the donation appeals closing every article (they travel with the copies
others republish), the social prompts, photo credits in captions, "more on the topic"
lists inside the text.

Discovery and URL forms follow the public evidence (``live-evidence.md``, the research notes on
South Front: the 2018 home page, code-index id 25566078714, and a .press scraper, id 56201492022),
not the outlet registry:

- feed ``/feed/`` (confirmed: the 2018 page's rel=alternate link, ids 12780205513, 52298597856);
- the section ``/category/all-articles/`` paged as ``/category/all-articles/page/N/`` with
  Bootstrap page links and a "Next »" control (``a.page-link[aria-label="Next »"]``), no rel=next;
  items ``div.title > a`` (.press scraper);
- the WordPress pages of the 2018 menu (``/about-southfront/``, ``/fair-use-notice/``, …), linked
  from every page: their URLs look like posts;
- a Yoast sitemap index ``/sitemap_index.xml`` (unverified: Yoast is in use, no sitemap was seen)
  listing ``post-sitemap*.xml`` (oldest posts first) and ``page-sitemap.xml`` (those pages), as
  Yoast lays them out; every page carries Yoast's JSON-LD, and the theme types even the home page
  NewsArticle (2018 page);
- robots.txt: unverified (none seen).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from spiders.replica import furniture
from spiders.replica.catalogue import BASE_TIME, Article, Replica
from spiders.replica.outlet import EntryDraft, OutletSite, Section, SitemapUrl
from spiders.replica.templates import Listing, esc, head_meta, href, json_ld, neighbours, paragraphs_html, slugify

YOAST_PAGE = 1000  # its Yoast sitemaps hold this many posts each, oldest first

SF_APPEALS = (
    "If you're able, and if you like our content and approach, please support the project. Our work wouldn't "
    "be possible without your help: PayPal: southfront@list.ru or via: http://southfront.press/donate/ or via: "
    "https://www.patreon.com/southfront",
    "If you’re able, and if you like our content and approach, please support the project. Our work wouldn’t "
    "be possible without your help: PayPal: southfront@internet.ru or via: or via:",
    "If you are able, and if you like our content and approach, please support the project. Our work would not "
    "be possible without your help: PayPal: southfront@internet.ru, or via: https://southfront.press/donate/",
)
SF_SUBSCRIBE = "Subscribe our channel!"
SF_VISIT = "Visit us:"
SF_FOLLOW = "Follow us on Social Media:"
SF_INFOPARTNERS = "Our Infopartners:"
SF_MORE = "MORE ON THE TOPIC:"
SF_BUDGET = "DAYS LEFT TO ALLOCATE SOUTHFRONT'S BUDGET FOR"
SF_DISQUS = "Please enable JavaScript to view the comments powered by Disqus."
SF_PHOTO_CREDITS = (
    "© Ministry of defence of the Russian Federation",
    "© Ministry of Defence of the Russian Federation",
    "© SANA",
    "© Hezbollah Military Media Center",
    "© Syrian Arab Army media wing",
)

FURNITURE = (
    "if you like our content and approach, please support the project.",
    "Our work wouldn't be possible without your help: PayPal:",
    "Our work wouldn’t be possible without your help: PayPal:",
    "Our work would not be possible without your help: PayPal:",
    SF_SUBSCRIBE, SF_VISIT, SF_FOLLOW, SF_INFOPARTNERS, SF_MORE, SF_BUDGET, SF_DISQUS,
    "| © Ministry of defence of the Russian Federation",
    "| © SANA",
)

# The WordPress pages of the 2018 menu (ul#menu-sf-menu), which Yoast's page-sitemap.xml lists.
WORDPRESS_PAGES = {
    "/about-southfront/": "About SouthFront", "/fair-use-notice/": "Fair Use Notice",
    "/submit-your-story/": "Submit your story", "/southfront-solutions/": "SouthFront Solutions",
    "/our-front/": "Our Front", "/volunteers/": "Volunteers", "/donate/": "Donate", "/contact/": "Contact",
}

CAPTIONS = ("Russian warplanes", "Illustrative image", "Syrian Arab Army troops", "Click to see the full-size image",
            "Turkish military convoy", "Map of the area", "Military vehicles near the front line")


def _frame_top(replica: Replica, title: str, head: str, body_class: str) -> str:
    link = lambda path: esc(href(replica, "southfront", path))  # noqa: E731
    month = f"{BASE_TIME:%B}".upper()
    menu = "".join(f'<li class="menu-item"><a href="{link(path)}">{label}</a></li>' for label, path in (
        ("FRONT PAGE", "/"), ("Military Report", "/category/all-articles/products/military-report/"),
        ("Foreign Policy Diary", "/category/all-articles/products/foreign-policy-diary/"),
        ("All articles", "/category/all-articles/"), *((title, path) for path, title in WORDPRESS_PAGES.items())))
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
<p class="dark pad label-text text-center">14 {SF_BUDGET} {month}</p></div>
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
    caption = entry.extra.get("photo") or f"{rng.choice(CAPTIONS)} | {rng.choice(SF_PHOTO_CREDITS)}"
    paragraphs = list(art.paragraphs)
    related = neighbours(replica, entry, 3)
    more = ""
    if related and rng.random() < 0.6 and len(paragraphs) > 3:
        more = (f'<div class="more-on-topic"><p><strong>{SF_MORE}</strong></p><ul>'
                + "".join(f'<li><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in related) + "</ul></div>")
    split = min(len(paragraphs), 3)
    body = "\n".join(furniture.inside(replica, art, [paragraphs_html(paragraphs[:split]) + more, *(f"<p>{esc(p)}</p>" for p in paragraphs[split:])]))  # furniture hook
    tags = " ".join(f'<a href="{link("/tag/" + slugify(t) + "/")}" rel="tag">{esc(t)}</a>' for t in entry.tags)
    category = slugify(entry.section or "all-articles")
    number = SITE.number(entry.rank)
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
<div class="sf-donate"><p><strong>{esc(rng.choice(SF_APPEALS))}</strong></p></div>
<div class="sf-social"><p>{SF_SUBSCRIBE}:…</p><p>{SF_VISIT}</p><p>{SF_FOLLOW}</p><p>{SF_INFOPARTNERS}</p></div>
</div>
<footer class="entry-footer"><div class="tags-links">Tags: {tags}</div></footer>
<div id="disqus_thread"></div><noscript>{SF_DISQUS}</noscript>
</article></div>""" + _frame_bottom(replica, _sidebar(replica, related) + furniture.around(replica, art))  # furniture hook


def _sidebar(replica: Replica, entries) -> str:
    items = "".join(f'<li><a href="{esc(href(replica, "southfront", e.path))}">{esc(e.title)}</a></li>' for e in entries)
    return f'<div class="widget"><h4 class="widget-title">Popular</h4><ul>{items}</ul></div>'


def listing(replica: Replica, page: Listing) -> str:
    items = []
    for entry in page.entries:
        # items: div.title > a (the .press scraper, id 56201492022); dates DD.MM.YYYY (2018 page)
        items.append(f"""<div class="col-sm-4 post-item"><div class="entry-meta"><span class="date">{entry.local_time():%d.%m.%Y}</span></div>
<div class="title"><a href="{esc(href(replica, 'southfront', entry.path))}">{esc(entry.title)}</a></div></div>""")
    head = page.head_links(replica) + f'\n<link rel="canonical" href="https://southfront.press{esc(page.path)}">'
    return _frame_top(replica, f"{page.heading} | SouthFront", head, "archive category") + f"""
<div id="content"><h1 class="page-title">{esc(page.heading)}</h1><div class="row post-list">{''.join(items)}</div>
{page.numbered_pager(replica)}</div>""" + _frame_bottom(replica, "")


def site_page(replica: Replica, path: str, title: str) -> str:
    """A WordPress page (About, Fair Use Notice, …): the theme's JSON-LD calls it a NewsArticle too."""
    url = f"https://southfront.press{path}"
    ld = ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
          f'"headline":"{esc(title)}","datePublished":"2014-05-08 10:12:48","articleBody":"",'
          f'"mainEntityOfPage":"{url}"}}</script>')
    head = f'<link rel="canonical" href="{esc(url)}">\n<meta property="og:type" content="article">\n{ld}'
    text = (f"<p>{esc(title)}: SouthFront is a public analytical project maintained by an international team of "
            "experts and volunteers. This page tells readers who we are and how to reach us.</p>")
    return _frame_top(replica, f"{title} | SouthFront", head, "page-template-default page") + f"""
<div id="content"><article class="page type-page status-publish hentry"><header class="entry-header"><h1 class="entry-title">{esc(title)}</h1></header>
<div class="entry-content">{text}</div></article></div>""" + _frame_bottom(replica, "")


class SouthFront(OutletSite):
    slug = "southfront"
    spacing = timedelta(minutes=90)
    first_id = 95_000
    section_labels = ("Middle East", "Military", "Analysis", "Europe", "Asia", "Africa")
    title_salt = 37
    seed_ranks = (2, 5)
    robots_disallow = ("/wp-admin/", "/wp-includes/", "/?s=", "/search/")
    feeds = ("/feed/",)
    sitemap_index = "/sitemap_index.xml"
    sections = {"/category/all-articles/": Section("All articles")}
    wordpress_paging = True
    rel_next = False
    home_paged = True
    pages = WORDPRESS_PAGES
    furniture = FURNITURE

    def path(self, number: int, title: str, published: datetime) -> str:
        return f"/{slugify(title)}/"

    def describe(self, draft: EntryDraft, replica: Replica, rank: int, rng: random.Random) -> None:
        draft.authors = ("South Front",)

    def sitemap_children(self, live):
        oldest_first = live[::-1]
        children: dict[str, list] = {
            ("/post-sitemap.xml" if start == 0 else f"/post-sitemap{start // YOAST_PAGE + 1}.xml"):
                oldest_first[start:start + YOAST_PAGE] for start in range(0, len(oldest_first), YOAST_PAGE)}
        # Yoast lists the site's pages in a sitemap of their own.
        children["/page-sitemap.xml"] = [SitemapUrl(path, datetime(2018, 3, 1, tzinfo=BASE_TIME.tzinfo))
                                         for path in WORDPRESS_PAGES]
        return children

    def site_page(self, replica: Replica, path: str, title: str) -> str:
        return site_page(replica, path, title)

    def article(self, replica: Replica, art: Article) -> str:
        return article(replica, art)

    def listing(self, replica: Replica, page: Listing) -> str:
        return listing(replica, page)


SITE = SouthFront()
