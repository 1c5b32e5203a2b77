"""Global Research (Centre for Research on Globalization), English edition.

Evidence for every entry below: ``live-evidence.md`` (public sources, cited by code-index
id) and the research notes on Global Research. Verdicts: confirmed / unverified.
"""
from spiders.outlet import ExtractionRules, Outlet, Politeness
from spiders.outlets.southfront import APPEALS as SOUTH_FRONT_APPEALS, PHOTO_CREDITS

# A name in a byline: a capitalised word ("Prof.", "F.", "Chossudovsky") or a particle.
_NAME = r"(?:[A-ZÀ-ÖØ-Þ][\w’'.-]*|(?:al|bin|da|de|del|della|der|di|du|el|ibn|la|le|van|von)\b)"


def byline(*words: str) -> str:
    """A byline alone on its line: ``By`` (or another of ``words``) and names only.

    The names must be capitalised (case counts here), so a heading such as "By the
    numbers" or "Par la force des armes" stays in the body.
    """
    joined = r"(?:\s+|\s*,\s*|\s+(?:and|et|&)\s+)"
    return rf"^\s*(?:{'|'.join(words)})\s+(?-i:{_NAME}(?:{joined}{_NAME}){{0,11}})\s*$"


# Furniture of Global Research articles, as text: the second line behind the prunes.
_DISCLAIMER = r"^\s*disclaimer\s*:"
_CREDITS = (
    r"^\s*(?:region|theme|in-depth report)\s*:",
    # the dateline under the byline: "Global Research, March 3, 2024" or "..., 3 March 2024"
    r"^\s*global research,\s+(?:\w+\.?\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}\s+\w+\.?),?\s+\d{4}\s*$",
    byline("by"),
    r"^\s*articles?\s+by\s*:",
    r"^\s*copyright\s*(?:©|\(c\)|&copy;|(?:19|20)\d\d\b)",
    r"^\s*comment on global research articles",
    r"^\s*become a member of global research",
    r"contains copyrighted material the use of which",
    r"^\s*for media inquiries\s*:",
    r"centre (?:of|for) research on globali[sz]ation (?:grants|will not)",
    r"^\s*click the share button (?:above|below) to e-?mail",
    r"^\s*(?:visit and )?follow us on (?:instagram|twitter|telegram|facebook)\b",
    r"feel free to repost (?:and share widely )?global research articles",
    r"is a reader-funded media",
)

# WordPress theme shared with Mondialisation.ca: the post body is div.entry-content
# (post-content on older pages); the share bar, captions and furniture boxes go first.
# confirmed: public bots parse the body from div.entry-content / div.post-content (ids 53113069140,
# 55612212749); the prunes and the author XPath are unverified (no article HTML was found).
BODY_XPATH = (
    '//div[contains(concat(" ", normalize-space(@class), " "), " entry-content ")'
    ' or contains(concat(" ", normalize-space(@class), " "), " post-content ")]'
)
PRUNE_XPATHS = (
    '//*[contains(@class, "share-buttons") or contains(@class, "sharedaddy") or contains(@class, "jp-relatedposts")]',
    '//figure | //figcaption | //*[contains(@class, "wp-caption")]',
    '//*[contains(@class, "article-footer") or contains(@class, "after-article") or contains(@class, "author-box")]',
    '//*[contains(@class, "disclaimer") or contains(@class, "cookie-notice") or contains(@class, "newsletter")]',
)
AUTHOR_XPATHS = ('//*[contains(@class, "author-name")]//a[@rel="author"]',)

OUTLET = Outlet(
    slug="globalresearch",
    name="Global Research",
    base_url="https://www.globalresearch.ca",
    language="en",
    extra_domains=("globalresearch.ca",),
    # unverified: only generic "every domain has /sitemap.xml" lists name it (ids 55215845874,
    # 54284872672); no content seen. Kept (a 404 there costs one request, and the probe shows it);
    # the feed and the theme page are confirmed.
    sitemaps=("/sitemap.xml",),
    # confirmed: many public bots read it (ids 53113069140, 53131527923, 55621520563, 4585550407)
    feeds=("/feed",),
    sections=(
        # confirmed: two public scrapers (ids 52521545869, 36738034392); it pages as
        # /theme/us-nato-war-agenda/page/N/ (rel=next unverified: the spider follows /page/N/ links)
        "/theme/us-nato-war-agenda",
        # confirmed as a listing: id 69690147777 (2026); its paging is unverified
        "/latest-news-and-top-stories",
        # (/region/middle-east was a guess: not found in any source, removed)
    ),
    # confirmed: https://www.globalresearch.ca/<slug>/<WordPress post id>; old posts have
    # short ids (".../afghanistan-britain-is-protecting-the-biggest-heroin-crop-of-all-time/6405",
    # id 45547090407), so any number of digits. The home page pages as /page/N (stored pages
    # https://globalresearch.ca/page/156?…): "page" is no article slug.
    article_path=r"^/(?!page/)[a-z0-9][a-z0-9-]*/\d+/?$",
    # Blocking: contradicted "it just works": a Varnish 403 to a research crawler (2018,
    # silverfoxy/JSCryptoMinerStudy:pagesource/globalresearch.ca), a Cloudflare 403 modelled by a
    # 2026 extractor (id 69690147777). Expect the run and the probe to report it blocked.
    # robots.txt: unverified (none seen).
    politeness=Politeness(concurrency=2, delay=1.0),
    schedule="5 * * * *",  # hourly
    rules=(
        ExtractionRules(
            body_xpath=BODY_XPATH,
            prune_xpaths=PRUNE_XPATHS,
            author_xpaths=AUTHOR_XPATHS,
            stop_paragraphs=(_DISCLAIMER,),
            drop_paragraphs=_CREDITS + SOUTH_FRONT_APPEALS + PHOTO_CREDITS,
            original_source_patterns=(
                r"the original source of this article is\s+(.+?)(?=\s+copyright\b|\s*$)",
            ),
        ),
    ),
)
