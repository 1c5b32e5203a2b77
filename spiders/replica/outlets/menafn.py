"""MENAFN in the replica: a wire page whose first paragraph opens with the "(MENAFN- Source)" credit.

An ASP.NET site (``.aspx`` pages, ``ContentPlaceHolder1_…`` element ids). Its pages and
discovery follow the public evidence (``live-evidence.md``, MENAFN, and the research notes: a
port of the story page, code-index id 31651544341, and megaCrawler's module, id 20346401423),
not the outlet registry:

- the story page puts everything inside ``div#ContentPlaceHolder1_div_story``: image, title
  ``h1.main-entry-title``, the "Date" line with ``span.entry-date``, share links, the text in the
  5th child ``div.entry-summary.tit``, the provider's logo, the legal disclaimer and the
  Tags/Category/Date footer;
- listings are ``.aspx`` pages (``/qn_news_sections.aspx?src=s``, ``…?src=c&country=ArabWorld``,
  ``/qn_country.aspx?country=SA&src=header``, ``/qn_finance.aspx``), unpaged (no paging is attested;
  how many stories one shows is not attested either);
- no feed and no sitemap: the feed URLs public configs name disagree, and none was seen;
- the legacy story URL ``/qn_news_story_s.aspx?storyid=N&title=T`` redirects to ``/N/T`` (the form
  is attested, id 35371347887; the redirect is unverified);
- robots.txt: unverified (none seen).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from spiders.replica import furniture
from spiders.replica.catalogue import Article, Replica, unit
from spiders.replica.outlet import EntryDraft, OutletSite, Section
from spiders.replica.templates import Listing, esc, head_meta, href, json_ld, recent, slugify

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
        ("Home", "/"), ("Sections", "/qn_news_sections.aspx?src=s"), ("Arab World", "/qn_news_sections.aspx?src=c&country=ArabWorld"),
        ("Saudi Arabia", "/qn_country.aspx?country=SA&src=header"), ("Finance", "/qn_finance.aspx"),
        ("Press Releases", "/pr/index.aspx")))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
</head>
<body>
<header class="site-header"><div class="container"><a class="navbar-brand" href="{link('/')}" title="{esc(MN_NETWORK)}">MENAFN</a>
<p class="tagline">{esc(MN_NETWORK)}</p><ul class="navbar-nav">{nav}</ul>
<div class="search"><input type="text" name="ctl00$txtSearch" placeholder="Search"></div></div></header>
<section class="main-wrapper single-category"><div class="container">"""


def _right_column(replica: Replica) -> str:
    """div#ContentPlaceHolder1_Rightcol: banners, most popular (#div_mostPop), "Market Research" links (id 31651544341)."""
    link = lambda path: esc(href(replica, "menafn", path))  # noqa: E731
    popular = "".join(f'<li><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in recent(replica, "menafn", 5))
    return f"""<div class="col-sm-3"><div id="ContentPlaceHolder1_Rightcol"><div id="RColFirtsSquareBanner" class="banner"></div>
<div id="RColRSS"><div id="div_mostPop"><h4>Most popular stories</h4><ul class="popular-news-list">{popular}</ul></div></div>
<div class="widget"><h4>Market Research</h4><ul class="popular-news-list"><li><a href="{link('/research/rc_research.aspx')}">Browse reports</a></li></ul></div></div></div>"""


def _frame_bottom(replica: Replica) -> str:
    link = lambda path: esc(href(replica, "menafn", path))  # noqa: E731
    return f"""</div>
<div class="container classAds2"><div class="ad-slot"></div></div>
<div class="container"><h3 class="heading-large-left">More Stories</h3></div>
<div id="RColNewslatter" class="newedge-newsletter"><p>{esc(MN_NEWSLETTER)}</p><label><input type="radio" name="nl" checked> Daily(English)</label> <label><input type="radio" name="nl"> Daily(Arabic)</label></div>
</section>
<footer class="site-footer"><div class="container"><p>{esc(MN_COPYRIGHT)}</p><ul><li><a href="{link('/terms')}">Terms of use</a></li><li><a href="{link('/privacy')}">Privacy policy</a></li></ul></div></footer>
</body></html>"""


def article(replica: Replica, art: Article) -> str:
    """The story page as the port of qn_news_story_s.aspx lays it out (id 31651544341, research notes):
    everything inside div#ContentPlaceHolder1_div_story, the text in its 5th child."""
    entry = art.entry
    link = lambda path: esc(href(replica, "menafn", path))  # noqa: E731
    local = entry.local_time()
    description = art.paragraphs[0][:160]
    head = head_meta(replica, art, "MENAFN", description) + "\n" + json_ld(art, "MENAFN", "https://menafn.com/images/logo.png", description)
    first, *rest = art.paragraphs
    source = entry.original_source or "MENAFN"
    credit = furniture.dateline(replica, art, source)  # furniture hook
    body = "".join(furniture.inside(replica, art, [f"<p>{esc(credit)} {esc(first)}</p>", *(f"<p>{esc(p)}</p>" for p in rest)]))  # furniture hook
    share = "".join(f'<li><a href="https://www.{site}.com/share?u={esc(entry.url)}" target="_blank">{label}</a></li>'
                    for site, label in (("facebook", "Facebook"), ("twitter", "Twitter"), ("whatsapp", "WhatsApp"), ("linkedin", "LinkedIn")))
    tags = ", ".join(f'<a href="{link("/tag/" + t.replace(" ", "_"))}">{esc(t)}</a>' for t in entry.tags)
    # The served date format is not attested; the port prints the API's ISO value with a space for "T".
    shown = f"{local:%Y-%m-%d %H:%M:%S}"
    return _frame_top(replica, f"{entry.title} | MENAFN.COM", head) + f"""
<div id="ContentPlaceHolder1_div_story" class="col-sm-9">
<div class="text-center"><a id="ContentPlaceHolder1_img_link" href="{link(entry.path)}"><img id="ImgNews" src="{link('/updates/pr/' + str(entry.rank) + '.jpg')}" alt="{esc(entry.title)}" title="{esc(entry.title)}"></a></div>
<div class="col-sm-12"><h1 class="main-entry-title classfont38">{esc(entry.title)}</h1><p id="ContentPlaceHolder1_author_section"></p></div>
<div class="entry-blog-meta"><div class="entry-blog-meta-list"><div class="author-avatar-text"><p class="author"><a href="#">Date</a></p> <span class="entry-date">{shown}</span> <span class="cats"></span></div></div>
<div id="ContentPlaceHolder1_social_edg" class="entry-blog-meta-list"><div class="newedge-social-share"><ul>{share}</ul></div></div></div>
<div class="entry-summary"></div>
{furniture.container(replica, art, '<div class="entry-summary tit">', body, '</div>')}
<div class="entry-summary"></div><div class="mb-4"></div><div class="mb-5"></div>
<a id="ContentPlaceHolder1_a_logo_anchor" class="ex1 aColor" href="{link('/source/' + source.replace(' ', '_'))}"><img id="ContentPlaceHolder1_img_logo_anchor" src="{link('/Updates/Alliance.png')}" alt=""><h2 class="main-entry-title">{esc(source)}</h2></a>
<div class="entry-summary"><p><b>{MN_DISCLAIMER_TITLE}</b><br>{esc(MN_DISCLAIMER)}</p></div>
<div class="post-meta-info"><div class="tags"><p>Tags</p><span id="ContentPlaceHolder1_lbl_hashtags">{tags}</span></div>
<div class="comments">No comment</div>
<div class="category"><span id="ContentPlaceHolder1_lblb_cats"><a href="{link('/qn_news_sections.aspx?src=s')}">{esc(entry.section or 'Politics')}</a></span></div>
<div class="date"><time class="entry-date"><span id="ContentPlaceHolder1_lbl_date_story">{shown}</span></time></div></div>
</div>
""" + _right_column(replica) + _frame_bottom(replica)


def listing(replica: Replica, page: Listing) -> str:
    """An .aspx listing: story links in ul.popular-news-list > li > a and div.img-wrapper > a (id 20346401423)."""
    link = lambda path: esc(href(replica, "menafn", path))  # noqa: E731
    legacy = page.path.endswith("country=ArabWorld")
    items = []
    for position, e in enumerate(page.entries):
        target = e.path
        if legacy and position % 3 == 2:
            # The legacy story URL (id 35371347887) still circulates; which MENAFN pages print it is
            # unverified: this listing does now and then, so a crawl meets both forms of one story.
            number, title = e.path.strip("/").split("/", 1)
            target = f"/qn_news_story_s.aspx?storyid={number}&title={title}"
        items.append(f'<li><div class="img-wrapper"><a href="{link(target)}"><img src="{link("/updates/pr/" + str(e.rank) + ".jpg")}" alt=""></a></div>'
                     f'<a href="{link(target)}">{esc(e.title)}</a> <span class="date">{e.local_time():%Y-%m-%d %H:%M}</span></li>')
    head = f'<link rel="canonical" href="https://menafn.com{esc(page.path)}">'
    return _frame_top(replica, f"{page.heading} | MENAFN.COM", head) + f"""
<div class="col-sm-9"><h1 class="main-entry-title">{esc(page.heading)}</h1><ul class="popular-news-list">{''.join(items)}</ul></div>
""" + _right_column(replica) + _frame_bottom(replica)


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
    sections = {
        "/qn_news_sections.aspx?src=s": Section("Latest News"),
        "/qn_news_sections.aspx?src=c&country=ArabWorld": Section("Arab World", lambda e: e.rank % 2 == 0),
        "/qn_country.aspx?country=SA&src=header": Section("Saudi Arabia", lambda e: e.rank % 3 == 0),
        "/qn_finance.aspx": Section("Finance", lambda e: e.rank % 5 == 0),
    }
    paged = False
    page_size = 60  # the length of a listing is not attested
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

    def current_path(self, path: str) -> str | None:
        if not path.lower().startswith("/qn_news_story_s.aspx?"):
            return None
        query = {k.lower(): v[0] for k, v in parse_qs(path.split("?", 1)[1]).items()}
        if "storyid" in query and "title" in query:
            return f"/{query['storyid']}/{query['title']}"
        return None

    def article(self, replica: Replica, art: Article) -> str:
        return article(replica, art)

    def listing(self, replica: Replica, page: Listing) -> str:
        return listing(replica, page)


SITE = Menafn()
