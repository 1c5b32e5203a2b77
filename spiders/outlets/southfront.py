"""South Front (southfront.press; southfront.org until 2022), a WordPress site.

Evidence: ``live-evidence.md`` (South Front) and the research notes (the 2018 home page,
``silverfoxy/JSCryptoMinerStudy:pagesource/southfront.org``, code-index id 25566078714).
"""
from spiders.outlet import ExtractionRules, Outlet, Politeness

# Appeals closing South Front articles; they travel with the copies others republish, where
# repetition across the other outlet's pages cannot reveal them. The social-media box, the
# donation counter and the like are found by their links and by repetition
# (flows.extract.structure, flows.extract.furniture), not by their wording.
APPEALS = (
    r"please support (?:the|our) project",
    r"our work (?:wouldn[’']?t|would not) be possible without your help",
    r"^\s*more on the topic\s*:?\s*$",
)
PHOTO_CREDITS = (
    r"^\s*©",
    r"^[^|]{1,200}\|\s*©",  # "Caption | © Agency"
    r"^\s*click to see (?:the )?full[- ]size (?:image|map|photo|version)",
)

OUTLET = Outlet(
    slug="southfront",
    name="South Front",
    base_url="https://southfront.press",
    language="en",
    extra_domains=("www.southfront.press",),
    former_domains=("southfront.org", "www.southfront.org"),
    # unverified: Yoast is in use (its og/canonical/#website markup, 2018) and Yoast's index is
    # /sitemap_index.xml, but no sitemap was seen
    sitemaps=("/sitemap_index.xml",),
    # confirmed: the 2018 page's <link rel="alternate"> and several public bots (ids 12780205513,
    # 8264269395, 58678913809, 52298597856, 14863585281)
    feeds=("/feed/",),
    # confirmed: "All articles" in the 2018 menu and on .press (id 56201492022), paged as
    # /category/all-articles/page/N/ with a "Next »" link (a.page-link); rel=next unverified
    sections=("/category/all-articles/",),
    # confirmed: WordPress permalinks https://southfront.press/<slug>/ (ids 63212409702, 68454260100)
    article_path=r"^/(?!(?:category|tag|page|author|feed|wp-[a-z-]+|donate|about|contacts?|search)/)[a-z0-9][a-z0-9-]*-[a-z0-9-]+/?$",
    # confirmed: WordPress pages that look like posts, all in the 2018 menu (ids above); Yoast's
    # page-sitemap.xml lists them (and category/tag/author sitemaps list no posts either)
    not_articles=(
        r"^/(?:about-southfront|fair-use-notice|submit-your-story|southfront-solutions|our-front|volunteers)/?$",
    ),
    skip_sitemaps=(r"/(?:page|category|post_tag|tag|author)-sitemap\d*\.xml$",),
    # robots.txt and blocking: unverified (none seen). Extraction rules: the article container of the
    # current theme is not attested (div.entry-content is WordPress's default, unverified).
    politeness=Politeness(concurrency=2, delay=1.0),
    schedule="25 * * * *",  # hourly
    rules=(
        ExtractionRules(
            body_xpath='//div[contains(concat(" ", normalize-space(@class), " "), " entry-content ")]',
            prune_xpaths=(
                '//figure | //figcaption | //*[contains(@class, "wp-caption")]',
                '//*[contains(@class, "more-on-topic") or contains(@class, "jp-relatedposts") or contains(@class, "sharedaddy")]',
                '//*[contains(@class, "sf-donate") or contains(@class, "sf-social")]',
            ),
            author_xpaths=('//*[contains(@class, "byline")]//a[@rel="author"]',),
            tag_xpaths=('//*[contains(@class, "tags-links")]//a[@rel="tag"]',),
            section_xpaths=('//*[contains(@class, "cat-links")]//a[@rel="category tag"]',),
            drop_paragraphs=APPEALS + PHOTO_CREDITS + (r"^\s*(?:click|donate)\b.{0,40}(?:paypal|donat)",),
        ),
    ),
)
