"""Alwaght (English section) in the replica: a two-column ASP.NET layout with an "In Focus" glossary.

Discovery and URL forms follow the public evidence (``live-evidence.md``, Alwaght, and the research
notes: the 2018 Arabic home page, code-index id 25272726988, and stored English article texts),
not the outlet registry:

- the RSS is ``/home/rss/<n>?lid=<language id>`` (the 2018 page links ``/home/rss/4`` and
  ``/home/rss/4?lid=2`` for Arabic); the English language id is not attested: 1 here (a guess);
- listings: the English home page ``/en/`` (the language switcher's link), regions
  ``/en/Workgroup/<id>``, types ``/en/type/<id>`` and keywords ``/en/Keywords/<word>``; the ids are
  the Arabic site's (``/ar/Workgroup/476`` West Asia, ``/ar/type/406`` News): the English ones are
  not attested. Items ``h2.ItemLinksBox > a.LinkLinksBox``, a slider whose links are in
  ``data-link``, and dossier boxes (``/en/NewsCase/<id>``, no articles). No paging is attested;
- no sitemap (none seen); the English article markup is not attested (no English HTML was found):
  the article page below is a model;
- robots.txt: unverified (none seen).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from spiders.replica import furniture  # furniture hook: furniture.inside() in article()
from spiders.replica.catalogue import Article, Replica
from spiders.replica.outlet import EntryDraft, OutletSite, Section
from spiders.replica.templates import Listing, esc, head_meta, href, neighbours, recent, slugify

AW_HEADER = "Alwaght | News & Analysis Website"
AW_IN_FOCUS = (
    ("Ansarullah", "A Zaidi Shiite movement operating in Yemen. It seeks to establish a democratic government in Yemen."),
    ("Shiite", "represents the second largest denomination of Islam. Shiites believe Ali (peace be upon him) to be prophet\"s successor in the Caliphate."),
    ("Resistance", "Axis of Resistances refers to countries and movements with common political goal, i.e., resisting against Zionist regime, America and other western powers. Iran, Syria, Hezbollah in Lebanon, and Hamas in Palestine are considered as the Axis of Resistance."),
    ("Persian Gulf Cooperation Council", "A regional political u n i o n consisting of Arab states of the Persian Gulf, except for Iraq."),
    ("Taliban", "Taliban is a Sunni fundamentalist movement in Afghanistan. It was founded by Mohammed Omar in 1994."),
    ("Wahhabism & Extremism", "Wahhabism is an extremist pseudo-Sunni movement, which labels non-Wahhabi Muslims as apostates thus paving the way for their bloodshed."),
    ("Kurds", "Kurds are an ethnic group in the Middle East, mostly inhabiting a region, which spans adjacent parts of Iran, Iraq, Syria, and Turkey."),
    ("NATO", "The North Atlantic Treaty Organization is an intergovernmental military alliance based on the North Atlantic Treaty which was signed on 4 April 1949."),
    ("Islamic Awakening", "Refers to a revival of the Islam throughout the world, that began in 1979 by Iranian Revolution that established an Islamic republic."),
    ("Al-Qaeda", "A militant Sunni organization founded by Osama bin Laden at some point between 1988 and 1989"),
)
AW_MAP = "Map of  Latest Battlefield Developments in Syria and Iraq on"
AW_LABELS = ("Editor's Choice", "Most Viewed", "Day Week Month", "Related Content", "Tags :", "Name :", "Email :", "* Text :")

FEED = "/home/rss/4?lid=1"  # the site's RSS form; lid=1 for English is a guess (see above)

FURNITURE = (
    AW_HEADER, AW_MAP, *(definition for _, definition in AW_IN_FOCUS[:6]), *AW_LABELS,
)

GALLERY = ("Courages Individiuals like Sinvar are on the Rise", "Aftermath of Floods in the South", "Pilgrims Gather for Arbaeen Walk")


def _frame_top(replica: Replica, title: str, head: str) -> str:
    link = lambda path: esc(href(replica, "alwaght", path))  # noqa: E731
    nav = "".join(f'<div class="ItemNavigation h100p tc inlineblock"><a class="LinkNavigation block h100p cFFF trans400" title="{label}" href="{link(path)}">{label}</a></div>'
                  for label, path in (("Home", "/en/"), ("News", "/en/type/406"), ("West Asia", "/en/Workgroup/476"),
                                      ("Africa", "/en/Workgroup/482"), ("Europe", "/en/Workgroup/477"),
                                      ("Editor's choice", "/en/type/-3")))
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
<link rel="alternate" type="application/rss+xml" title="Alwaght Rss News" href="{link(FEED)}">
</head>
<body class="ltr">
<header class="MainHeader w100p"><div class="CenterContent m0a relative"><nav class="MainNavigation">{nav}</nav>
<div class="MainLogo absolute tc"><figure><a href="{link('/en/')}" title="{esc(AW_HEADER)}"><img width="100" height="100" title="alwaght.net" alt="{esc(AW_HEADER)}" src="{link('/theme/image/logo/enLogo.png')}"></a></figure></div>
<div class="SiteTitle">{esc(AW_HEADER)}</div></div></header>
<div class="GeneralContent w100p dtable cb"><div class="CenterContent m0a dtable">"""


def _narrow_column(replica: Replica) -> str:
    link = lambda path: esc(href(replica, "alwaght", path))  # noqa: E731
    newest = recent(replica, "alwaght", 9)
    box = lambda entries: "".join(f'<li><a href="{link(e.path)}" title="{esc(e.title)}">{esc(e.title)}</a></li>' for e in entries)  # noqa: E731
    focus = "".join(f'<div class="FocusItem"><h4 class="FocusTitle">{esc(term)}</h4><h5 class="FocusTerm">{esc(term)}</h5><p class="FocusText">{esc(text)}</p></div>'
                    for term, text in AW_IN_FOCUS)
    return f"""<div class="js_NarrowColumn NarrowColumn fl">
<section class="DataBox EditorDataBox"><h3 class="BoxTitle">Editor's Choice</h3><ul>{box(newest[:3])}</ul></section>
<section class="DataBox NewsDataBox"><h3 class="BoxTitle">News</h3><ul>{box(newest[3:6])}</ul></section>
<section class="DataBox MostViewed"><h3 class="BoxTitle">Most Viewed</h3><div class="Tabs"><span>Day</span> <span>Week</span> <span>Month</span></div><ul>{box(newest[6:9])}</ul></section>
<section class="DataBox InFocus"><h3 class="BoxTitle">In Focus</h3>{focus}<div class="FocusItem"><h4>New node</h4><h5>New node</h5></div></section>
<section class="DataBox MapBox"><p>{esc(AW_MAP)}</p><a href="{link('/en/')}">alwaght.net</a></section>
</div>"""


def _frame_bottom(replica: Replica) -> str:
    link = lambda path: esc(href(replica, "alwaght", path))  # noqa: E731
    gallery = "".join(f'<li><a href="{link("/en/Gallery/" + str(i + 1))}">{esc(t)}</a></li>' for i, t in enumerate(GALLERY))
    return f"""<section class="Gallery"><h3>Gallery</h3><div class="Tabs"><span>Photo</span> <span>Film</span></div><ul>{gallery}</ul></section>
</div></div>
<footer class="MainFooter"><p>All rights reserved for Alwaght News Website 2014-2026</p><a href="{link(FEED)}">RSS</a></footer>
</body></html>"""


def article(replica: Replica, art: Article) -> str:
    entry = art.entry
    link = lambda path: esc(href(replica, "alwaght", path))  # noqa: E731
    local = entry.local_time()
    head = head_meta(replica, art, "Alwaght", art.paragraphs[0][:160])
    related = "".join(f'<li><a href="{link(e.path)}">{esc(e.title)}</a></li>' for e in neighbours(replica, entry, 3))
    tags = " ".join(f'<a href="{link("/en/tag/" + t.replace(" ", "-"))}">{esc(t)}</a>' for t in entry.tags)
    kind = entry.section or "News"
    return _frame_top(replica, f"Alwaght | {entry.title}", head) + _narrow_column(replica) + f"""
<div class="WideColumn fr"><article class="NewsContent" itemscope itemtype="http://schema.org/NewsArticle">
<div class="NewsCategory"><a href="{link('/en/type/406')}">{esc(kind)}</a></div>
<h1 class="NewsTitle" itemprop="headline">{esc(entry.title)}</h1>
<div class="NewsDate"><time itemprop="datePublished" datetime="{local.isoformat()}">{local:%A} {local.day} {local:%B %Y}</time></div>
<figure class="NewsImage"><img src="{link('/upload/news/' + str(entry.rank) + '.jpg')}" alt="{esc(entry.title)}"></figure>
<section class="RelatedContent"><h3>Related Content</h3><ul>{related}</ul></section>
<div class="NewsText" itemprop="articleBody">
{''.join(furniture.inside(replica, art, [f'<p>{esc(p)}</p>' for p in art.paragraphs]))}
</div>
<div class="NewsTags"><span class="TagsTitle">Tags :</span> {tags}</div>
<section class="Comments"><h3>Comments</h3><form class="CommentForm" action="{link('/en/Comment/Send')}"><label>Name :</label><input type="text" name="name"><label>Email :</label><input type="email" name="email"><label>* Text :</label><textarea name="text"></textarea><button type="submit">Send</button></form></section>
</article></div>""" + _frame_bottom(replica)


def listing(replica: Replica, page: Listing) -> str:
    """A listing as the 2018 home page prints one: a slider with its links in data-link, the links
    box (h2.ItemLinksBox > a.LinkLinksBox) and a dossier ("files") box."""
    link = lambda path: esc(href(replica, "alwaght", path))  # noqa: E731
    slider = "".join(f'<div class="ItemTNIP"><a class="TitleTLBIP" href="javascript:void(0)" data-link="{esc(e.path)}">{esc(e.title)}</a></div>'
                     for e in page.entries[:3])
    items = "".join(f'<h2 class="ItemLinksBox"><a class="LinkLinksBox block trans400 dr bold lh2 textcut" href="{esc(e.path)}" title="{esc(e.title)}">{esc(e.title)}</a></h2>'
                    for e in page.entries)
    files = "".join(f'<figure class="FigureImageNews"><a href="{link("/en/NewsCase/" + str(n))}"><img class="js_lazy ImageNews" src="/Images/DefImage.jpg" data-src="/upload/logo/{n}.jpg"></a>'
                    f'<figcaption><h4><a class="LinkLinksBox" href="{link("/en/NewsCase/" + str(n))}">{esc(t)}</a></h4><span class="SummaryTransparent">{esc(t)}</span></figcaption></figure>'
                    for n, t in ((112, "Syria Crisis"), (97, "Yemen War")))
    head = f'<link rel="canonical" href="https://alwaght.net{esc(page.path)}">'
    return _frame_top(replica, f"Alwaght | {page.heading}", head) + _narrow_column(replica) + f"""
<div class="WideColumn fr"><h1 class="PageTitle">{esc(page.heading)}</h1><div class="js_NewerBox">{slider}</div>
<section class="DataBox LinksBox">{items}</section>
<section class="DataBox FilesDataBox">{files}</section></div>""" + _frame_bottom(replica)


class Alwaght(OutletSite):
    slug = "alwaght"
    spacing = timedelta(minutes=240)
    first_id = 360_000
    zone = ZoneInfo("Asia/Tehran")
    section_labels = ("News", "News", "Analysis")
    title_salt = 53
    seed_ranks = (1,)
    robots_disallow = ("/en/Search", "/Handlers/", "/ar/Search")
    feeds = (FEED,)
    sections = {
        "/en/": Section("Alwaght"),
        "/en/type/406": Section("News", lambda e: e.section != "Analysis"),
        "/en/Workgroup/476": Section("West Asia", lambda e: e.rank % 2 == 0),
    }
    paged = False
    server = "Microsoft-IIS/10.0"
    gzip = False  # its server does not compress
    furniture = FURNITURE

    def path(self, number: int, title: str, published: datetime) -> str:
        return f"/en/News/{number}/{slugify(title, keep_case=True)}"

    def describe(self, draft: EntryDraft, replica: Replica, rank: int, rng: random.Random) -> None:
        draft.extra["kind"] = draft.section

    def generated_body(self, paragraphs: list[str]) -> list[str]:
        return ["Alwaght- " + paragraphs[0], *paragraphs[1:]]  # the site's own opening, part of the text

    def article(self, replica: Replica, art: Article) -> str:
        return article(replica, art)

    def listing(self, replica: Replica, page: Listing) -> str:
        return listing(replica, page)


SITE = Alwaght()
