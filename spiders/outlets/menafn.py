"""MENAFN, a wire that republishes other outlets' articles (an ASP.NET site).

Evidence: ``live-evidence.md`` (MENAFN) and the research notes: four independent public
scrapers and a port of the story page (code-index ids 1187072064, 12171044241, 61950830160,
20346401423, 31651544341). No served MENAFN page was found.
"""
from spiders.outlet import ExtractionRules, Outlet, Politeness, UrlRewrite


def _id(name: str) -> str:
    return f'@id="ContentPlaceHolder1_{name}"'


def _cls(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


# The story container is #ContentPlaceHolder1_div_story (its 5th child, div.entry-summary.tit,
# holds the text: megaCrawler's "#ContentPlaceHolder1_div_story > div:nth-child(5)", id
# 20346401423, and the port's class names, id 31651544341); some scrapers read
# #ContentPlaceHolder1_div_story_body (ids 12171044241, 11961816653), maybe an older or Arabic
# template. The container also holds the title, the "Date" line, share links and the legal
# disclaimer (furniture): the body is the text child alone.
BODY_XPATH = (
    f'//div[{_id("div_story_body")}]'
    f' | //div[{_id("div_story")}]/div[{_cls("entry-summary")} and {_cls("tit")}]'
)

OUTLET = Outlet(
    slug="menafn",
    name="MENAFN",
    base_url="https://menafn.com",
    language="en",
    extra_domains=("www.menafn.com",),
    # (no sitemap: none seen, /sitemap_news.xml was a guess; no feed: a real one exists, read
    # relative to /updates/pr/ (id 1187072064), but its URL is unknown and the configs naming one
    # disagree (/rss/menafn_energy.xml, /rss/menafn_sa.xml, /Rss/RssFeeds.aspx?…): /rss/menafn_Politics.xml
    # was attested nowhere, removed)
    # confirmed: the .aspx listing pages megaCrawler starts from (id 20346401423); their paging is not attested
    sections=("/qn_news_sections.aspx?src=s", "/qn_news_sections.aspx?src=c&country=ArabWorld"),
    # confirmed: https://menafn.com/<story id>/<Title-Slug> (ids 60051602432, 23131360710, 5357055339)
    article_path=r"^/\d{7,}/[^/]+$",
    # confirmed: the legacy /qn_news_story_s.aspx?storyid=N&title=T (id 35371347887) is story N;
    # its current form is /N/T (unverified: that the site answers it there). The older
    # /menafn/<guid>/<Title> form (id 39712075583) has no story id: not rewritten.
    url_rewrites=(
        UrlRewrite(r"(?i:/qn_news_story_s\.aspx)\?(?=(?:.*&)?(?i:storyid)=(\d+))(?=(?:.*&)?(?i:title)=([^&]+)).*",
                   r"/\1/\2"),
    ),
    # robots.txt and blocking: unverified (none seen)
    politeness=Politeness(concurrency=2, delay=1.0),
    schedule="45 * * * *",  # hourly
    rules=(
        ExtractionRules(
            body_xpath=BODY_XPATH,  # (div#article_body / .article-body was attested nowhere)
            # the provider's logo and name under the story (the port, id 31651544341): a credit, not text
            prune_xpaths=('//*[contains(@class, "newedge-social-share")]', '//section[contains(@class, "related")]',
                          f'//a[{_id("a_logo_anchor")}]'),
            # confirmed: title h1.main-entry-title, date span.entry-date (id 20346401423 and the port);
            # the served date format is not attested. Tags and category: the port's label ids (unverified).
            title_xpaths=(f'//div[{_id("div_story")}]//h1[{_cls("main-entry-title")}]', '//h1[contains(@class, "main-entry-title")]'),
            date_xpaths=('//span[contains(concat(" ", normalize-space(@class), " "), " entry-date ")]',),
            section_xpaths=(f'//*[{_id("lblb_cats")}]//a',),
            tag_xpaths=(f'//*[{_id("lbl_hashtags")}]//a',),
            stop_paragraphs=(r"^\s*legal disclaimer\s*:?",),
            drop_paragraphs=(
                r"menafn provides the information\s*[“”‘’\"']?\s*as is",
            ),
            # "(MENAFN- Source) First sentence...": the dateline credits the original outlet.
            # The source's name may hold one parenthesis of its own: "Kuwait News Agency (KUNA)".
            original_source_patterns=(r"^\s*\(\s*MENAFN\s*[-–—]\s*((?:[^()]|\([^()]*\))+?)\s*\)",),
        ),
    ),
)
