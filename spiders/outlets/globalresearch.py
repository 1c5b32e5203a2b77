"""Global Research (Centre for Research on Globalization), English edition."""
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
    sitemaps=("/sitemap.xml",),
    feeds=("/feed",),
    sections=("/theme/us-nato-war-agenda", "/region/middle-east"),
    # https://www.globalresearch.ca/<slug>/<numeric id>
    article_path=r"^/[a-z0-9][a-z0-9-]*/\d{5,}/?$",
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
