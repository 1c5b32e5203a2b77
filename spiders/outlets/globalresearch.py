"""Global Research (Centre for Research on Globalization), English edition."""
from spiders.outlet import ExtractionRules, Outlet, Politeness
from spiders.outlets.southfront import APPEALS as SOUTH_FRONT_APPEALS, PHOTO_CREDITS

# Furniture of Global Research articles, as text: the second line behind the prunes.
_DISCLAIMER = r"^\s*disclaimer\s*:"
_CREDITS = (
    r"^\s*(?:region|theme|in-depth report)\s*:",
    r"^\s*global research,\s+\w+\.?\s+\d{1,2},?\s+\d{4}\s*$",  # the dateline under the byline
    r"^\s*by\s+[^.!?]{1,80}$",  # a byline alone on its line
    r"^\s*articles?\s+by\s*:",
    r"^\s*copyright\s*(?:©|\(c\)|&copy;)",
    r"^\s*comment on global research articles",
    r"^\s*become a member of global research",
    r"contains copyrighted material the use of which",
    r"^\s*for media inquiries\s*:",
    r"centre (?:of|for) research on globali[sz]ation (?:grants|will not)",
    r"^\s*click the share button above to e-?mail",
    r"is a reader-funded media",
    r"^\s*get your free newsletter",
    r"we use cookies to ensure",
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
