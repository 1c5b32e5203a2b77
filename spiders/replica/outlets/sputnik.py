"""Sputnik International in the replica, modelled on its 2017-2020 article markup (b-article__lead / b-article__text).

Its own cadence (an article every 35 minutes), Moscow time, date-first URLs with a long
numeric id, chunked transfer coding.

Discovery and URL forms follow the public evidence (``live-evidence.md``, Sputnik), not the
outlet registry:

- the feed ``/export/rss2/archive/index.xml`` (confirmed: ids 55186203083, 69519007233, 53520403993);
- ``/sitemap_article_index.xml``: an index of monthly ``sitemap_article.xml?date_start=…&date_end=…``
  children from 2004 on, **oldest first** (id 53520403993; a scraper re-sorts them itself). It gives
  **no lastmod** here: whether the real one does is not shown, and this is the hard case;
- months before the CMS change (about Sep 2021) list articles in the **old URL forms**:
  ``/<rubric>/<yyyymmdd><id>-<slug>/`` (2017-2021: ``/columnists/201911181077343476-…/``,
  ``/world/202010091080714377-…/``, ``/videoclub/202108271083718277-…``) and
  ``/<rubric>/<yyyymmdd>/<id>/<slug>.html`` (2016: ``/news/20160512/1039528652/…``, id 41931069648),
  an upper-case slug now and then (``/news/201905141074980145-US-Law-…``). That the real index lists
  old months in old forms, and that the site serves those articles under the new form, is
  unverified; the replica holds only the newest articles and does not serve archive pages;
- sections ``/world/`` and ``/military/`` (one scraper's start URLs, id 63329897790): page 1 only,
  Sputnik loads more by script (no paged URL is attested);
- robots.txt: unverified (none seen).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import re

from spiders.replica import bodies, words
from spiders.replica import furniture  # furniture hook
from spiders.replica.catalogue import BASE_TIME, Article, Replica
from spiders.replica.outlet import EntryDraft, OutletSite, Section, SitemapUrl, month_end
from spiders.replica.templates import Listing, esc, head_meta, href, json_ld, neighbours, slugify

MOSCOW = timezone(timedelta(hours=3), "MSK")

SP_SHORT_URL = "Get short URL"
SP_TELEGRAM = (
    "Never miss a story again — sign up to our Telegram channel and we'll keep you up to speed!",
    "Never miss a story again — sign up to our Telegram channel and we'll send you the news",
    "Never miss a story again - sign up to our Telegram channel and we'll keep you up to speed!",
)
SP_COOKIES = (
    "Our website uses cookies to improve its performance and enhance your user experience. Through cookies, "
    "certain personal data is collected and may be stored temporarily. You can change your cookie settings "
    "through your browser."
)
SP_DISCLAIMER = "The views and opinions expressed in the article do not necessarily reflect those of Sputnik."
SP_NEW_COMMENTS = "Show new comments (0)"
SP_POST_LIMIT = "Post limit reached. Please try again in a minute."
SP_MODERATION = "Thank you! Your comment will be reviewed by the moderator for compliance with the"
SP_LINK_REFUSED = "Your comment contains a link, so it can't be published on our site"
SP_CREDIT_AGENCIES = ("© AFP {year}/ ", "© REUTERS/ ", "© Sputnik / ", "© AP Photo/ ", "© Photo : Pixabay/")
SP_PHOTOGRAPHERS = (
    "Nazeer al-Khatib", "Khalil Ashawi", "Mikhail Voskresenskiy", "Ilya Pitalev", "Omar Sanadiki",
    "Louai Beshara", "Alexei Druzhinin", "Vitaliy Belousov",
)
SPUTNIK_AUTHORS = ("Ekaterina Blinova", "Oleg Smirnov", "Tim Korso", "Denis Bolotsky", "Anna Levina", "Max Gorbachev")

FURNITURE = (
    SP_SHORT_URL, *SP_TELEGRAM, SP_DISCLAIMER, SP_NEW_COMMENTS, SP_POST_LIMIT, SP_MODERATION, SP_LINK_REFUSED,
    "Our website uses cookies to improve its performance and enhance your user experience.",
    "© REUTERS/ ",
    "© Sputnik / ",
)

RUBRICS = {"World": "/world/", "Military": "/military/", "Middle East": "/middleeast/", "Russia": "/russia/",
           "Africa": "/africa/", "Asia": "/asia/", "Americas": "/latam/", "Europe": "/europe/"}
CAPTIONS = (
    "Fighters disembark from an armoured vehicle near the town of {place}",
    "A view of the city of {place}",
    "Delegations attend a meeting in {place}",
    "Military vehicles on a road outside {place}",
    "People walk past a market in {place}",
)


def _credit(rng, year: int) -> str:
    agency = rng.choice(SP_CREDIT_AGENCIES).format(year=year)
    return agency + rng.choice(SP_PHOTOGRAPHERS)


def _frame_top(replica: Replica, title: str, head: str) -> str:
    link = lambda path: esc(href(replica, "sputnik", path))  # noqa: E731
    now = BASE_TIME.astimezone(MOSCOW)
    nav = "".join(f'<li class="b-mainnav__item"><a href="{link(path)}">{label}</a></li>' for label, path in (
        ("Home", "/"), ("World", "/world/"), ("Military", "/military/"), ("Business", "/business/"),
        ("Opinion", "/analysis/"), ("Multimedia", "/multimedia/")))
    return f"""<!DOCTYPE html>
<html lang="en" class="responsive" itemscope="" itemtype="http://schema.org/Article"><head><title>{esc(title)}</title>
<meta http-equiv="X-UA-Compatible" content="IE=edge"><meta name="robots" content="all"><meta name="viewport" content="width=device-width, initial-scale=1">
{head}
<link rel="alternate" type="application/rss+xml" href="{link('/export/rss2/archive/index.xml')}">
</head>
<body class="site_int lang_eng">
<div class="cookie" id="cookieContainer"><div class="l-wrap"><div class="cookie__wrap"><div class="cookie__description"> <p>{esc(SP_COOKIES)} More info: <a href="{link('/docs/about/privacy_policy.html')}" target="_blank">Privacy Policy</a></p> </div><div class="cookie__btn"><button id="cookieAccept" class="cookie__accept">Accept &amp; Close</button></div></div></div></div>
<div class="page_container m-relative"><div class="b-sitenav"><div class="l-wrap m-nobgimg"><ul class="b-sitenav__list"><li class="b-sitenav__list-item m-sitenav-current"><a href="{link('/')}">Sputnik International</a></li><li class="b-sitenav__list-item"><a href="#" class="b-sitenav-all__trigger">all editions</a></li></ul>
<div class="b-sitenav__time"><div class="b-userpanel"><span class="b-sitenav__userauth auth"><a class="b-sitenav__userauth-login authLoginOpen">Log in</a><a class="b-sitenav__userauth-register authRegisterOpen">Register</a></span></div><span>{now:%H:%M} GMT +3</span>{now.day} {now:%B %Y}</div></div></div>
<div class="b-mainnav" id="mainnav"><div class="l-wrap"><ul class="b-mainnav__list">{nav}</ul></div></div>
<div class="b-header__nav"><div class="l-wrap"><div class="b-header__nav-radio">Listen Live</div><div class="b-header__nav-search"><a href="{link('/search/')}">Search</a></div></div></div>"""


def _frame_bottom(replica: Replica, latest) -> str:
    link = lambda path: esc(href(replica, "sputnik", path))  # noqa: E731
    items = "".join(f'<li class="b-news__item"><span class="b-news__time">{e.local_time():%H:%M}</span><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in latest)
    return f"""<div class="l-sidebar"><div class="b-block b-tabs b-news m-border"><h6 class="b-block__title">News</h6><div class="b-block__container"><ul class="b-tabs__head"><li class="b-tabs__head-item active"><a href="#latest-tab">Latest</a></li><li class="b-tabs__head-item"><a href="#mostread-tab">Most Read</a></li></ul><div class="b-tabs__content active" id="latest-tab"><ul>{items}</ul><a href="{link('/archive/')}" class="b-news__more">All news</a></div></div></div></div>
</div></div></div>
<footer class="footer"><div class="l-wrap m-oh"><div class="footer__nav m-clear"><dl><dt><a href="{link('/news/')}">News</a></dt><dd><a href="{link('/world/')}">World</a><a href="{link('/military/')}">Military &amp; Intelligence</a></dd></dl></div>
<div class="footer__copy">© 2026 Sputnik All rights reserved. 18+</div></div></footer></div></body></html>"""


def _comments(rng, entry) -> str:
    items = []
    users = rng.sample(words.COMMENT_USERS, rng.randint(0, 5))
    for position, user in enumerate(users):
        reply = ""
        if position and rng.random() < 0.4:
            reply = f'<span>in reply to</span><a href="" class="other-author">{esc(users[position - 1])}</a><a class="show-answer">(<i class="show">Show comment</i><i class="hide">Hide comment</i>)</a>'
        items.append(f"""<li data-id="{entry.rank}{position}"><img alt="avatar" src="/i/avatar-default.png" width="50" height="50" class="avatar"><section><hgroup><h5><a href="" class="author">{esc(user)}</a>{reply}</h5></hgroup>
<div class="datetime"><time class="time">{entry.local_time():%H:%M}</time> <time class="date">{entry.local_time():%d.%m.%Y}</time></div><div class="body">{esc(rng.choice(words.COMMENT_TEXTS))}</div></section></li>""")
    return f"""<section class="comments"><a name="comments"></a><div class="title"><a class="comment_rules">Community standards</a>Discussion</div>
<div class="comments__tabs-header"><span data-target="#commentsFB" class="comments__tabs-tab m-active">Comment via Facebook</span><span data-target="#commentsGeneral" class="comments__tabs-tab commentsLoadGeneral">Comment via Sputnik</span></div>
<div class="comments__tabs-content" id="commentsGeneral"><div class="top-line"><ul><li class="post-message"><form action="/services/comments/add/"><textarea name="comment" class="comment" placeholder="Leave a comment"></textarea><div class="submitline"><button class="submitline-botton"><i></i>Add Comment</button></div></form></li>
<li class="success"><label> {SP_MODERATION} <a class="comment_rules">Rules</a> </label></li><li><div class="limit"><label> <a class="comment_rules">{SP_POST_LIMIT}</a> </label></div></li><li><div class="isset-url"><label> {esc(SP_LINK_REFUSED)} </label></div></li></ul></div>
<div class="comments-list main" itemscope="" itemtype="http://schema.org/UserComments"><div class="title-line"><h3>All comments</h3></div><ul class="main">{''.join(items)}</ul><a class="loadnew"><em></em>Show new comments (<i class="total">0</i>)</a></div></div></section>"""


def article(replica: Replica, art: Article) -> str:
    entry = art.entry
    rng = art.rng("page")
    link = lambda path: esc(href(replica, "sputnik", path))  # noqa: E731
    local = entry.local_time()
    lead, *rest = art.paragraphs
    head = head_meta(replica, art, "Sputnik International", lead) + "\n" + json_ld(art, "Sputnik", "https://cdn1.img.sputnikglobe.com/i/logo.png", lead)
    header_caption = rng.choice(CAPTIONS).format(place=entry.place)
    blocks = furniture.inside(replica, art, [f"<p>{esc(p)}</p>" for p in rest])  # furniture hook
    if len(blocks) > 3 and rng.random() < 0.6:
        caption = esc(rng.choice(CAPTIONS).format(place=rng.choice(words.PLACES)))
        blocks.insert(rng.randint(1, len(blocks) - 1), f"""<div class="b-inject m-inject-min"><div class="b-inject__media"><img src="{link('/img/' + str(entry.rank) + '.jpg')}" alt="{caption}" title="{caption}"><div class="b-inject__media-copy">{esc(_credit(rng, local.year))}</div><div class="b-inject__media-desc">{caption}</div></div></div>""")
    related = neighbours(replica, entry, 3)
    if related and len(blocks) > 2:
        other = related[0]
        blocks.insert(2, f'<div class="b-inject m-inject-min"><div class="b-inject__article"><div class="b-inject__article-title"><a href="{link(other.path)}">{esc(other.title)}</a></div></div></div>')
    blocks.append(f'<p><strong><a href="https://t.me/sputnik_int">{esc(rng.choice(SP_TELEGRAM))}</a></strong></p>')
    if entry.authors:
        blocks.append(f'<p class="b-disclaimer"> {SP_DISCLAIMER} </p>')
    rubric = entry.section or "World"
    author = f'<div class="b-article__refs-author">by <a rel="author" href="{link("/authors/" + slugify(entry.authors[0]).replace("-", "_") + "/")}">{esc(entry.authors[0])}</a></div>' if entry.authors else ""
    related_html = "".join(f'<div class="b-article__refs-item"><div class="b-article__refs-item-title"><a href="{link(e.path)}">{esc(e.title)}</a></div></div>' for e in related)
    tags = ", ".join(f'<a href="{link("/tags/keyword_" + slugify(t).replace("-", "_") + "/")}">{esc(t)}</a>' for t in entry.tags)
    return _frame_top(replica, f"{entry.title} - Sputnik International", head) + f"""
<div class="l-wrap"><div class="b-header"><a class="b-header__logo" href="{link('/')}"></a><div class="b-article__header"><img src="{link('/img/header-' + str(entry.rank) + '.jpg')}" alt="{esc(header_caption)}" title="{esc(header_caption)}" itemprop="associatedMedia"><div class="b-article__header-title"><h1 itemprop="name">{esc(entry.title)}</h1></div><div class="b-article__header-copy"><span><span> {esc(_credit(rng, local.year))}</span></span></div></div></div></div>
<div class="l-main m-oh"><div class="l-wrap m-clear"><div class="l-maincolumn m-static"><div class="b-article">
<div class="b-article__refs-text"><a class="b-article__refs-rubric" href="{link(RUBRICS.get(rubric, '/world/'))}" itemprop="articleSection">{esc(rubric)}</a><div class="b-article__refs-credits"><time class="b-article__refs-date" itemprop="dateCreated" datetime="{local:%Y-%m-%dT%H:%M}">{local:%H:%M} GMT +3 {local:%d.%m.%Y}</time><!--noindex--><span data-article="{entry.rank}" id="getShortUrl" class="b-article__refs-getshorturl">{SP_SHORT_URL}</span><!--/noindex--></div>{author}<div class="b-counters"><a href="{link(entry.path + '#comments')}" class="b-counters-icon b-counters-icon_comments"><i></i>{rng.randint(0, 40)}</a></div></div>
<div itemprop="description" class="b-article__lead"><p>{esc(lead)}</p></div>
<div itemprop="articleBody" class="b-article__text">{''.join(blocks)}</div>
<div class="social-likes-pane m-clear" id="share"><div class="facebook" title="Facebook"></div><div class="twitter" title="Twitter" data-via="SputnikInt"></div><div class="telegram" title="Telegram"> Telegram </div></div>
<div class="b-article__refs"><div class="b-article__refs-list"><div class="b-article__refs-item-description">Related:</div>{related_html}</div><div class="b-article__refs-list"><div class="b-article__refs-item"><div class="b-article__refs-item-description">Tags:</div><div class="b-article__refs-item-title b-article__refs-tags">{tags}</div></div></div></div>
{_comments(rng, entry)}
</div></div>""" + _frame_bottom(replica, related)


def listing(replica: Replica, page: Listing) -> str:
    link = lambda path: esc(href(replica, "sputnik", path))  # noqa: E731
    items = "".join(f"""<li class="b-plainlist__item"><span class="b-plainlist__date">{e.local_time():%H:%M %d.%m.%Y}</span><h2 class="b-plainlist__title"><a href="{link(e.path)}">{esc(e.title)}</a></h2></li>""" for e in page.entries)
    head = f'<link rel="canonical" href="https://sputnikglobe.com{esc(page.path)}">'
    # No paged URL: "More" loads the next items by script.
    return _frame_top(replica, f"{page.heading} - Sputnik International", head) + f"""
<div class="l-main m-oh"><div class="l-wrap m-clear"><div class="l-maincolumn"><h1 class="b-rubric__title">{esc(page.heading)}</h1><ul class="b-plainlist__list">{items}</ul>
<div class="list-more" data-href="/services/list/more/" data-page="2">More</div></div>""" + _frame_bottom(replica, [])


# The URL form changed with the CMS, between Aug 2021 (last old form seen) and Oct 2021 (first new one).
NEW_URL_FORM_SINCE = (2021, 9)
SLASHED_FORM_UNTIL = (2017, 1)  # /<rubric>/<yyyymmdd>/<id>/<slug>.html: seen in 2016 (its end is a guess)
OLD_RUBRICS = ("world", "columnists", "military", "news", "videoclub", "analysis", "russia", "middleeast")
_OLD_FORMS = (
    re.compile(r"(?:/amp)?/[A-Za-z][\w-]*/(\d{8})(\d{6,})-([^/?]+?)/?"),
    re.compile(r"(?:/amp)?/[A-Za-z][\w-]*/(\d{8})/(\d{6,})/([^/?]+?)\.html"),
)


def old_form(rubric: str, moment: datetime, number: int, slug: str) -> str:
    """An article's path in the form sputniknews.com printed on ``moment``."""
    if (moment.year, moment.month) < SLASHED_FORM_UNTIL:
        return f"/{rubric}/{moment:%Y%m%d}/{number}/{slug}.html"
    return f"/{rubric}/{moment:%Y%m%d}{number}-{slug}/"


class Sputnik(OutletSite):
    slug = "sputnik"
    spacing = timedelta(minutes=35)
    first_id = 1_108_200_000
    id_step = 53
    zone = MOSCOW
    section_labels = ("World", "Military", "Middle East", "Russia", "Africa", "Asia", "Americas", "Europe")
    title_salt = 41
    seed_ranks = (1,)
    # Its robots.txt disallows /export/ but allows its RSS archive explicitly.
    robots_allow = ("/export/rss2/",)
    robots_disallow = ("/search/", "/services/", "/id/", "/export/")
    feeds = ("/export/rss2/archive/index.xml",)
    sitemap_index = "/sitemap_article_index.xml"
    news_sitemap = True
    index_lastmod = False
    sitemap_since = (2004, 1)
    sections = {
        "/world/": Section("World", lambda e: e.section != "Military"),
        "/military/": Section("Military", lambda e: e.section == "Military"),
    }
    paged = False  # "load more" by script
    chunked = True
    furniture = FURNITURE

    def path(self, number: int, title: str, published: datetime) -> str:
        return f"/{published.astimezone(self.zone):%Y%m%d}/{slugify(title)}-{number}.html"

    def describe(self, draft: EntryDraft, replica: Replica, rank: int, rng: random.Random) -> None:
        draft.authors = (rng.choice(SPUTNIK_AUTHORS),) if rng.random() < 0.25 else ()

    def sitemap_child_path(self, year: int, month: int) -> str:
        return f"/sitemap_article.xml?date_start={year}{month:02d}01&date_end={year}{month:02d}{month_end(year, month):02d}"

    def archive_urls(self, year: int, month: int) -> tuple[SitemapUrl, ...]:
        """Two articles of a month before the CMS change, in the URL form of their time."""
        if (year, month) >= NEW_URL_FORM_SINCE:
            return ()
        months = (year - 2004) * 12 + month - 1
        urls = []
        for k in range(2):
            title, _, _ = bodies.title_for(months * 7 + k + 11, "en")
            slug = slugify(title)
            if k and months % 5 == 0:
                slug = slugify(title, keep_case=True)  # /news/201905141074980145-US-Law-…
            moment = datetime(year, month, min(2 + 13 * k, month_end(year, month)), 10, 40, tzinfo=self.zone)
            number = 1_000_000_000 + months * 400_000 + 1_237 * k
            rubric = OLD_RUBRICS[(months + k) % len(OLD_RUBRICS)]
            current = f"/{moment:%Y%m%d}/{slug.lower()}-{number}.html"
            urls.append(SitemapUrl(old_form(rubric, moment, number, slug), moment, current))
        return tuple(urls)

    def current_path(self, path: str) -> str | None:
        target = path.split("?", 1)[0]
        for form in _OLD_FORMS:
            match = form.fullmatch(target)
            if match:
                day, number, slug = match.groups()
                return f"/{day}/{slug.lower()}-{number}.html"
        return None

    def article(self, replica: Replica, art: Article) -> str:
        return article(replica, art)

    def listing(self, replica: Replica, page: Listing) -> str:
        return listing(replica, page)


SITE = Sputnik()
