"""Sputnik International (sputnikglobe.com; sputniknews.com until 2022).

Evidence: ``live-evidence.md`` (Sputnik) and the research notes on sputnikglobe.com; real
2019-2020 sputniknews.com pages are the golden pages in ``tests/outlets/sputnik/``.

The 2019-2020 rules are tested on real sputniknews.com pages (tests/outlets/sputnik). No
real sputnikglobe.com (2022 onward) article page was found in public sources, so the
current rules follow the class names that public scrapers of the live site use and no
test runs them on real current markup.
"""
from datetime import date

from spiders.outlet import ExtractionRules, Outlet, Politeness, UrlRewrite

# The URL form changed with the CMS: the last old-form URL seen is of 27 Aug 2021
# (/videoclub/202108271083718277-…), the first new-form one of 14 Oct 2021
# (/20211014/…-1089917386.html, id 41931069648). The markup change date itself is not
# attested; the new rules also read the old b-article markup, so switching early costs nothing.
CMS_SWITCH = date(2021, 9, 1)

# Older URL forms, each with the article's date and id, rewritten to the form sputnikglobe.com
# uses today (/<yyyymmdd>/<slug>-<id>.html). The forms are confirmed (live-evidence.md: the
# benchmark's /columnists/201911181077343476-royal-self-indicting-arrogance/,
# /world/202010091080714377-…/, /amp/radio_the_critical_hour/2020…/, /news/201905141074980145-US-Law-…,
# /news/20160512/1039528652/911-saudi-obama-terror-fbi.html in id 41931069648); that the site
# serves those articles under the rewritten path, and with a lower-case slug, is unverified.
OLD_URL_FORMS = (
    # /<rubric>/<yyyymmdd><id>-<slug>/ (2017 - Aug 2021), also under /amp/
    UrlRewrite(r"(?:/amp)?/[A-Za-z][A-Za-z0-9_-]*/(\d{8})(\d{6,})-([^/?]+?)/?(?:\?.*)?", r"/\1/\3-\2.html", lowercase=True),
    # /<rubric>/<yyyymmdd>/<id>/<slug>.html (2016)
    UrlRewrite(r"(?:/amp)?/[A-Za-z][A-Za-z0-9_-]*/(\d{8})/(\d{6,})/([^/?]+?)\.html(?:\?.*)?", r"/\1/\3-\2.html",
               lowercase=True),
)


def _cls(name: str) -> str:
    """XPath test for one class token (not a substring of another class)."""
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


# Furniture Sputnik prints inside article text in every era.
_DROPS = (
    r"^\s*©\s*\S.{0,80}$",  # a lone photo credit: "© AFP 2017/ ...", "© Sputnik / ..."
    r"^\s*get short url\s*$",
    # "Subscribe to Sputnik's Telegram", "Follow us on Twitter"; not "Follow-up talks on Telegram ..."
    r"^\s*(?:subscribe to|follow|join)\s+(?:us|our|sputnik)\b.{0,40}(?:telegram|twitter|facebook|google news)",
    r"^\s*(?:follow|check out) sputnik[’']?s? live (?:feed|blog|coverage)",
    r"^\s*we[’']?d love to get your feedback",
    r"views and opinions expressed (?:in|by) [^.]{0,60}do not necessarily reflect",
)
_B_ARTICLE_PRUNES = (
    f'//*[{_cls("b-inject")}]',  # inline media and "also read" boxes, with their credits
    f'//*[{_cls("b-disclaimer")}]',
    '//*[contains(@class, "b-article__refs")]',
    "//figure | //figcaption",
    '//*[contains(@class, "social-likes")] | //*[contains(@class, "b-counters")]',
    '//section[contains(@class, "comments")]',
    f'//*[{_cls("online__item-date")} or {_cls("online__item-icon")} or {_cls("online__item-article")}]',
)

# sputniknews.com markup (2014 - autumn 2021): "b-article" blocks, lead in b-article__lead.
# confirmed: real 2019-2020 pages (time.b-article__refs-date[itemprop=dateCreated], b-article__text).
_SPUTNIKNEWS = ExtractionRules(
    valid_until=CMS_SWITCH,
    # Live-update pages carry their items in the "online" list below the article text.
    body_xpath=(
        f'//div[{_cls("b-article__lead")}] | //div[{_cls("b-article__text")}]'
        f' | //*[{_cls("online__list")}]'
    ),
    prune_xpaths=_B_ARTICLE_PRUNES,
    drop_paragraphs=_DROPS,
    author_xpaths=(f'//div[{_cls("b-article__refs-author")}]//a', '//a[@rel="author"]'),
    title_xpaths=(f'//*[{_cls("b-article__header-title")}]', "//h1"),
    date_xpaths=(f'//time[{_cls("b-article__refs-date")}]/@datetime', '//*[@itemprop="dateCreated"]/@datetime'),
    tag_xpaths=(f'//*[{_cls("b-article__refs-tags")}]/a', '//meta[@name="analytics:tags"]/@content'),
    section_xpaths=(f'//a[{_cls("b-article__refs-rubric")}]',),
)

# sputnikglobe.com (autumn 2021 on: the URL change, see CMS_SWITCH). No real sputnikglobe.com article HTML has been found in
# public sources: these class names are the ones public scrapers of the live site (and of
# sister sites on the same CMS) select, not markup verified on a page. Lead
# div.article__announce-text, body div.article__body made of div.article__block items typed
# by data-type (text, quote; "article" is an inline related card, "banner" an ad slot),
# headline h1.article__title, schema.org values in div.article__meta, tags li.tag in the
# footer, live blogs as .online__article .online__item with an .online__item-top header.
# A page in any other markup (the b-article markup of the years before, say) finds no
# container: the extraction chain then reads the whole pruned page.
_SPUTNIKGLOBE = ExtractionRules(
    valid_from=CMS_SWITCH,
    body_xpath=(
        f'//div[{_cls("article__announce-text")}] | //div[{_cls("article__body")}]'
        f' | //*[{_cls("online__article")}]'
    ),
    prune_xpaths=(
        # Only text, headings, quotes and lists are article; media, related cards, embeds, banners are not.
        f'//div[{_cls("article__block")}][not(@data-type="text" or @data-type="h2" or @data-type="h3"'
        ' or @data-type="quote" or @data-type="list" or @data-type="table")]',
        f'//*[{_cls("article__article")} or {_cls("ria-tweet")} or {_cls("media")} or {_cls("online__item-top")}]',
        f'//*[{_cls("article__meta")} or {_cls("article__footer")} or {_cls("article__info")}]',
        "//figure | //figcaption",
    ),
    drop_paragraphs=_DROPS,
    author_xpaths=(f'//div[{_cls("article__meta")}]//*[@itemprop="author"]//*[@itemprop="name"]',),
    title_xpaths=(f'//h1[{_cls("article__title")}]',),
    date_xpaths=(f'//div[{_cls("article__meta")}]//*[@itemprop="datePublished"]',),
    tag_xpaths=(f'//*[{_cls("article__footer")}]//li[{_cls("tag")}]', '//meta[@name="analytics:tags"]/@content'),
)

OUTLET = Outlet(
    slug="sputnik",
    name="Sputnik",
    base_url="https://sputnikglobe.com",
    language="en",
    extra_domains=("www.sputnikglobe.com",),
    former_domains=("sputniknews.com", "www.sputniknews.com"),
    # confirmed: an index of monthly sitemap_article.xml?date_start=…&date_end=… children, 2004
    # onwards, oldest first (id 53520403993); whether it has lastmod is not shown, so the spider
    # orders children by the dates in their URLs
    sitemaps=("/sitemap_article_index.xml",),
    # confirmed: about ten public configs (ids 55186203083, 69519007233, 53520403993)
    feeds=("/export/rss2/archive/index.xml",),
    # unverified: start URLs of one scraper (id 63329897790); they load more by script (no paging)
    sections=("/world/", "/military/"),
    # confirmed since autumn 2021: https://sputnikglobe.com/<yyyymmdd>/<slug>-<numeric id>.html
    article_path=r"^/\d{8}/[a-z0-9-]+-\d{6,}\.html$",
    url_rewrites=OLD_URL_FORMS,
    # Blocking: contradicted "it just works": blocked in the EU, every connection timed out from
    # GitHub's runners in Sep 2026 (Savvyboi/Woland:config/outlets.yaml, id 71416353304). Run the
    # probe from the deployment network. robots.txt: unverified (none seen).
    politeness=Politeness(concurrency=2, delay=1.0),
    schedule="*/30 * * * *",  # every 30 minutes
    rules=(_SPUTNIKNEWS, _SPUTNIKGLOBE),
)
