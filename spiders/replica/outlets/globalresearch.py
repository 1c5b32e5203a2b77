"""Global Research in the replica, and the WordPress theme it shares with Mondialisation.ca.

The theme's words come from the site (``Theme.words``), so the French edition
(``spiders.replica.outlets.mondialisation``) prints the same pages in French.

Discovery and URL forms follow the public evidence (``live-evidence.md`` and the research
notes on Global Research, cited by code-index id), not the outlet registry:

- feed ``/feed`` (confirmed, ids 53113069140, 55612212749); its links carry ``?utm_source=…``
  (GR links with a ``utm_source`` query: id 69690147777; that the feed adds it: unverified);
- listings ``/theme/us-nato-war-agenda`` (ids 52521545869, 36738034392) and
  ``/latest-news-and-top-stories`` (id 69690147777), items ``div.article`` with ``strong.title > a``,
  paged as ``<listing>/page/N/`` with numbered links and no ``rel=next`` (none is attested);
  the home page pages as ``/page/N/`` (stored pages ``globalresearch.ca/page/156?…``);
- article URLs ``/<slug>/<post id>``; the oldest posts have short ids (``…/6405``, id 45547090407);
- ``/sitemap.xml``: unverified (no sitemap was seen). The replica serves a monthly index with
  lastmod, every month since 2005; the months before 2008 list old posts with short ids (the
  replica does not serve those pages: it holds only the newest articles).
- robots.txt: unverified (none seen); the replica's is a plausible WordPress one.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from spiders.replica import furniture
from spiders.replica.catalogue import Article, Replica, unit
from spiders.replica import bodies
from spiders.replica.outlet import EntryDraft, OutletSite, Section, SitemapUrl, month_end
from spiders.replica.outlets.southfront import SF_APPEALS
from spiders.replica.templates import Listing, esc, head_meta, href, json_ld, neighbours, paragraphs_html, slugify

SYNDICATION_RATE = 0.05  # Global Research copies of South Front articles

GR_COMMENT = "Comment on Global Research Articles on our Facebook page"
GR_MEMBER = "Become a Member of Global Research"
GR_DISCLAIMER = (
    "Disclaimer: The contents of this article are of sole responsibility of the author(s). "
    "The Centre for Research on Globalization will not be responsible for any inaccurate or incorrect "
    "statement in this article. The Centre of Research on Globalization grants permission to cross-post "
    "Global Research articles on community internet sites as long the source and copyright are acknowledged "
    "together with a hyperlink to the original Global Research article. For publication of Global Research "
    "articles in print or other forms including commercial internet sites, contact: publications@globalresearch.ca"
)
GR_FAIR_USE = (
    "www.globalresearch.ca contains copyrighted material the use of which has not always been specifically "
    "authorized by the copyright owner. We are making such material available to our readers under the "
    "provisions of \"fair use\" in an effort to advance a better understanding of political, economic and "
    "social issues. The material on this site is distributed without profit to those who have expressed a "
    "prior interest in receiving it for research and educational purposes. If you wish to use copyrighted "
    "material for purposes other than \"fair use\" you must request permission from the copyright owner."
)
GR_MEDIA = "For media inquiries: publications@globalresearch.ca"
GR_NEWSLETTER = "Get Your Free Newsletter Here!"
GR_DONATE = (
    "Global Research is a reader-funded media. We do not accept any funding from corporations or governments. "
    "Help us stay afloat. Click the image below to make a one-time or recurring donation."
)
GR_DONATE_VARIANT = (
    "Global Research is a reader-funded media. We do not accept any funding from corporations or governments! "
    "Click below to make a one-time or recurring donation."
)
GR_COOKIES = "We use cookies to ensure that we give you the best experience on our website."
GR_TRANSLATE = "Click the share button above to email/forward this article to your friends and colleagues."

FURNITURE = (
    GR_COMMENT, GR_MEMBER, GR_MEDIA, GR_NEWSLETTER, GR_COOKIES, GR_TRANSLATE,
    "Disclaimer: The contents of this article are of sole responsibility of the author(s).",
    "The Centre for Research on Globalization will not be responsible for any inaccurate or incorrect statement in this article.",
    "contains copyrighted material the use of which has not always been specifically authorized by the copyright owner",
    "Global Research is a reader-funded media. We do not accept any funding from corporations or governments.",
    "Global Research is a reader-funded media. We do not accept any funding from corporations or governments!",
    "The original source of this article is",
    "In-depth Report:",
    "Articles by:",
)

GR_THEMES = (
    "US NATO War Agenda", "Global Economy", "Intelligence", "Militarization and WMD", "Law and Justice",
    "Oil and Energy", "Media Disinformation", "History", "Terrorism", "Environment",
)
GR_REPORTS = ("SYRIA", "IRAN: THE NEXT WAR?", "IRAQ REPORT", "YEMEN", "LIBYA", "AFGHANISTAN")
GR_AUTHORS = (
    "Helen Marchetti", "David Osei", "Rhys Callaghan", "Mira Lindholm", "Samuel Achterberg",
    "Prof. Tomas Reyes", "Dr. Anna Whitlock", "Kevin Darrow", "Yara Mansour", "Peter Halvorsen",
    "Julien Marceau", "Nora Ibekwe", "Colin Strand", "Dr. Farah Qasim", "Adrian Pollock",
)
GR_OTHER_SOURCES = ("Strategic Culture Foundation", "New Eastern Outlook", "Asia Times", "The Cradle", "Consortium News")
WORDS = dict(
    by="By", region="Region:", theme="Theme:", report="In-depth Report:", source="The original source of this article is",
    articles_by="Articles by:", comment=GR_COMMENT, member=GR_MEMBER, newsletter=GR_NEWSLETTER,
    cookies=GR_COOKIES, popular="Most Popular", search="Search", home="Home", lang="en-US", locale="en_US",
    themes="/theme/us-nato-war-agenda", regions="/region/middle-east",
    themes_label="US NATO War Agenda", regions_label="Middle East &amp; North Africa", about="About", donate="Donate",
    subscribe="Subscribe", print="Print", privacy="Privacy Policy", older="Older posts", newer="Newer posts",
    disclaimer=(GR_DISCLAIMER, GR_FAIR_USE, GR_MEDIA),
)


class Theme(OutletSite):
    """What both editions share: the pages, the URL form, discovery and bylines."""

    id_step = 1
    zone = ZoneInfo("America/Toronto")
    news_sitemap = True
    robots_disallow = ("/wp-admin/", "/search", "/?s=", "/members/account/")
    feeds = ("/feed",)
    sitemap_index = "/sitemap.xml"
    # WordPress paging: /page/N/ links, no rel=next (ids 36738034392, 52521545869 page themes so)
    wordpress_paging = True
    rel_next = False
    home_paged = True
    words: dict = WORDS
    themes: tuple[str, ...] = GR_THEMES
    reports: tuple[str, ...] = GR_REPORTS
    bylines: tuple[str, ...] = GR_AUTHORS

    def path(self, number: int, title: str, published: datetime) -> str:
        return f"/{slugify(title)}/{number}"

    def dateline(self, moment: datetime) -> str:
        return f"{moment:%B} {moment.day}, {moment.year}"

    def donation(self, appeal: str) -> str:
        """The donation box's text, given the appeal drawn for the page."""
        return appeal

    def describe(self, draft: EntryDraft, replica: Replica, rank: int, rng: random.Random) -> None:
        themes = [self.themes[0]] if rng.random() < 0.45 else []
        themes += [t for t in rng.sample(self.themes[1:], rng.randint(1, 2))]
        draft.section = self.section_labels[0] if rng.random() < 0.5 else rng.choice(self.section_labels[1:])
        draft.tags = tuple(themes)
        draft.authors = tuple(rng.sample(self.bylines, 2 if rng.random() < 0.1 else 1))
        draft.extra["report"] = rng.choice(self.reports) if rng.random() < 0.6 else None
        credit = rng.random()
        if credit < 0.7:
            draft.original_source = replica.outlets[self.slug].name
        elif credit < 0.8:
            draft.original_source = rng.choice(GR_OTHER_SOURCES)

    def article(self, replica: Replica, art: Article) -> str:
        return article(replica, art)

    def listing(self, replica: Replica, page: Listing) -> str:
        return listing(replica, page)

    def listing_link(self, path: str, position: int) -> str:
        """An article's link on a listing page, as the site prints it."""
        return path


def _frame_top(replica: Replica, outlet: str, title: str, head: str, body_class: str) -> str:
    w = replica.sites[outlet].words
    site = replica.outlets[outlet].name
    link = lambda path: esc(href(replica, outlet, path))  # noqa: E731
    return f"""<!DOCTYPE html>
<html lang="{w['lang']}"><head><meta charset="UTF-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
<link rel="alternate" type="application/rss+xml" title="{esc(site)} &raquo; Feed" href="{link('/feed')}">
<link rel="stylesheet" href="{link('/wp-content/themes/globalresearch/style.css')}">
</head>
<body class="{body_class}">
<div id="cookie-notice" class="cookie-notice"><span class="cn-text">{esc(w['cookies'])}</span> <a class="cn-accept" href="#">Ok</a></div>
<header id="masthead" class="site-header">
<div class="site-branding"><a class="logo" href="{link('/')}">{esc(site)} - Centre for Research on Globalization</a></div>
<nav class="main-navigation"><ul class="menu">
<li><a href="{link('/')}">{w['home']}</a></li>
<li><a href="{link(w['themes'])}">{w['themes_label']}</a></li>
<li><a href="{link(w['regions'])}">{w['regions_label']}</a></li>
<li><a href="{link('/about-us')}">{w['about']}</a></li>
<li><a href="{link('/donate')}">{w['donate']}</a></li>
</ul>
<form class="search-form" action="{link('/search')}"><input type="search" name="s" placeholder="{w['search']}"></form></nav>
<div class="newsletter-box"><h4>{esc(w['newsletter'])}</h4><form action="{link('/newsletter')}"><input type="email" name="email"><button>{w['subscribe']}</button></form></div>
</header>
<div id="content" class="site-content">"""


def _frame_bottom(replica: Replica, outlet: str, sidebar: str, appeal: str = GR_DONATE) -> str:
    theme = replica.sites[outlet]
    w = theme.words
    year = 2026
    return f"""<aside id="secondary" class="widget-area sidebar">
<div class="widget donate-box"><p>{esc(theme.donation(appeal))}</p><a class="button" href="{esc(href(replica, outlet, '/donate'))}">{w['donate']}</a></div>
{sidebar}
</aside></div>
<footer id="colophon" class="site-footer"><p>© Copyright 2005-{year} {esc(replica.outlets[outlet].name)}</p>
<ul class="footer-menu"><li><a href="{esc(href(replica, outlet, '/about-us'))}">{w['about']}</a></li><li><a href="{esc(href(replica, outlet, '/privacy-policy'))}">{w['privacy']}</a></li></ul></footer>
</body></html>"""


def article(replica: Replica, art: Article) -> str:
    entry = art.entry
    outlet = entry.outlet
    theme = replica.sites[outlet]
    w = theme.words
    rng = art.rng("page")
    local = entry.local_time()
    site = replica.outlets[outlet].name
    link = lambda path: esc(href(replica, outlet, path))  # noqa: E731
    description = art.paragraphs[0][:180]
    head = "\n".join((head_meta(replica, art, site, description, w["locale"]),
                      json_ld(art, site, "https://www.globalresearch.ca/wp-content/uploads/logo.png", description)))
    authors = ", ".join(f'<a href="{link("/author/" + slugify(a))}" rel="author">{esc(a)}</a>' for a in entry.authors)
    meta = [f'<p class="author-name">{w["by"]} {authors}</p>',
            f'<p class="date">{esc(site)}, {theme.dateline(local)}</p>']
    if entry.original is not None:
        source = replica.entry(*entry.original)
        meta.append(f'<p class="source-date"><a href="{esc(href(replica, source.outlet, source.path))}">{esc(entry.original_source)}</a> '
                    f'{source.local_time().day} {source.local_time():%B %Y}</p>')
    meta.append(f'<p class="region">{w["region"]} <a href="{link(w["regions"])}" rel="category tag">{esc(entry.section)}</a></p>')
    themes = ", ".join(f'<a href="{link("/theme/" + slugify(t))}" rel="category tag">{esc(t)}</a>' for t in entry.tags)
    meta.append(f'<p class="theme">{w["theme"]} {themes}</p>')
    if entry.extra.get("report"):
        meta.append(f'<p class="report">{w["report"]} <a href="{link("/indepthreport/" + slugify(entry.extra["report"]))}">{esc(entry.extra["report"])}</a></p>')

    body = "\n".join(furniture.inside(replica, art, [f"<p>{esc(p)}</p>" for p in art.paragraphs]))  # furniture hook
    if entry.original is not None:
        # a republished South Front piece keeps South Front's own appeal at its end
        body += f'\n<p><strong>{esc(rng.choice(SF_APPEALS))}</strong></p>'
    elif rng.random() < 0.3:
        body = f'<p><em>{esc(GR_TRANSLATE)}</em></p>\n' + body

    footer = []
    year = local.year
    first = entry.authors[0] if entry.authors else site
    if entry.original_source:
        footer.append(f'<p class="source">{w["source"]} <a href="#">{esc(entry.original_source)}</a></p>')
        footer.append(f'<p class="copyright">Copyright © <a href="#">{esc(first)}</a>, <a href="#">{esc(entry.original_source)}</a>, {year}</p>')
    else:
        footer.append(f'<p class="copyright">Copyright © <a href="#">{esc(first)}</a>, {esc(site)}, {year}</p>')

    disclaimer = "".join(f"<p>{esc(text)}</p>" for text in w["disclaimer"])
    popular = "".join(f'<li><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in neighbours(replica, entry, 5))
    sidebar = f'<div class="widget popular"><h3>{w["popular"]}</h3><ul>{popular}</ul></div>'
    sidebar += furniture.around(replica, art)  # furniture hook
    articles_by = ", ".join(f'<a href="{link("/author/" + slugify(a))}">{esc(a)}</a>' for a in entry.authors)
    return _frame_top(replica, outlet, f"{entry.title} - {site}", head, "post-template-default single single-post") + f"""
<main id="main" class="site-main">
<article id="post-{entry.rank}" class="post type-post status-publish format-standard hentry">
<header class="entry-header"><h1 class="entry-title">{esc(entry.title)}</h1>
<div class="article-meta">{''.join(meta)}</div></header>
<div class="share-buttons"><a class="share-facebook" href="#">Facebook</a> <a class="share-twitter" href="#">Twitter</a> <a class="share-email" href="#">Email</a> <a class="print" href="#">{w['print']}</a></div>
<div class="entry-content post-content">
{body}
</div>
<div class="article-footer">{''.join(footer)}</div>
<div class="after-article"><p><a href="#">{esc(w['comment'])}</a></p><p><a href="{link('/members')}">{esc(w['member'])}</a></p></div>
<div class="author-box"><h4>{w['articles_by']} {articles_by}</h4></div>
<div class="disclaimer">{disclaimer}</div>
</article>
</main>""" + _frame_bottom(replica, outlet, sidebar, rng.choice((GR_DONATE, GR_DONATE_VARIANT)))


def listing(replica: Replica, page: Listing) -> str:
    outlet = page.outlet
    theme = replica.sites[outlet]
    w = theme.words
    items = []
    for position, entry in enumerate(page.entries):
        local = entry.local_time()
        # listing items: div.article with strong.title > a (ids 52521545869, 36738034392)
        link = esc(href(replica, outlet, theme.listing_link(entry.path, position)))
        items.append(f"""<div class="article"><strong class="title"><a href="{link}">{esc(entry.title)}</a></strong>
<div class="meta"><span class="author">{esc(', '.join(entry.authors))}</span>, <time datetime="{local.isoformat()}">{theme.dateline(local)}</time></div></div>""")
    head = page.head_links(replica) + f'\n<link rel="canonical" href="https://{replica.outlets[outlet].host}{esc(page.path)}">'
    title = f"{page.heading} | {replica.outlets[outlet].name}"
    return _frame_top(replica, outlet, title, head, "archive") + f"""
<main id="main" class="site-main"><h1 class="page-title">{esc(page.heading)}</h1>
{''.join(items)}
{page.numbered_pager(replica, w['older'], w['newer'])}
</main>""" + _frame_bottom(replica, outlet, "")


class GlobalResearch(Theme):
    slug = "globalresearch"
    spacing = timedelta(minutes=150)
    first_id = 5_790_000
    id_step = 7
    section_labels = ("Middle East & North Africa", "Russia and FSU", "USA", "Europe", "Asia", "Latin America & Caribbean")
    title_salt = 11
    robots_allow = ("/wp-admin/admin-ajax.php",)
    sections = {
        "/theme/us-nato-war-agenda": Section("US NATO War Agenda", lambda e: "US NATO War Agenda" in e.tags),
        "/latest-news-and-top-stories": Section("Latest News and Top Stories"),
    }
    sitemap_since = (2005, 1)
    furniture = FURNITURE

    def sitemap_children(self, live):
        # Newest month first, as WordPress news-sitemap plugins list them (unverified for GR).
        return dict(reversed(list(super().sitemap_children(live).items())))

    def archive_urls(self, year: int, month: int) -> tuple[SitemapUrl, ...]:
        """Two old posts of a month before 2008, with the short ids of the first WordPress posts."""
        if year >= 2008:
            return ()
        first = 1000 + ((year - 2005) * 12 + month - 1) * 240  # about 8,600 posts by 2007 (a model)
        urls = []
        for k in range(2):
            title, _, _ = bodies.title_for(first * 3 + k, "en")
            moment = datetime(year, month, min(3 + 11 * k, month_end(year, month)), 9, tzinfo=self.zone)
            urls.append(SitemapUrl(f"/{slugify(title)}/{first + 17 * k}", moment))
        return tuple(urls)

    def feed_link(self, path: str) -> str:
        return f"{path}?utm_source=rss&utm_medium=rss&utm_campaign={path.strip('/').split('/')[0]}"

    def describe(self, draft: EntryDraft, replica: Replica, rank: int, rng: random.Random) -> None:
        super().describe(draft, replica, rank, rng)
        if unit(replica.seed, self.slug, rank, "syndicated") < SYNDICATION_RATE and replica.copy(
                draft, "southfront", draft.published - timedelta(hours=6)):
            draft.authors, draft.original_source = ("South Front",), "South Front"


SITE = GlobalResearch()
