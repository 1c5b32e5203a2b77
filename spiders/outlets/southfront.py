"""South Front (southfront.press; southfront.org until 2022), a WordPress site."""
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
    sitemaps=("/sitemap_index.xml",),
    feeds=("/feed/",),
    sections=("/category/all-articles/",),
    # WordPress permalinks: https://southfront.press/<slug>/
    article_path=r"^/(?!(?:category|tag|page|author|feed|wp-[a-z-]+|donate|about|contacts?|search)/)[a-z0-9][a-z0-9-]*-[a-z0-9-]+/?$",
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
