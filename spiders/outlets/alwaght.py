"""Alwaght, news and analysis (alwaght.net; alwaght.com earlier), English section."""
from spiders.outlet import ExtractionRules, Outlet, Politeness

OUTLET = Outlet(
    slug="alwaght",
    name="Alwaght",
    base_url="https://alwaght.net",
    language="en",
    extra_domains=("www.alwaght.net",),
    former_domains=("alwaght.com", "www.alwaght.com"),
    sitemaps=("/sitemap.xml",),
    feeds=("/en/rss",),
    sections=("/en/Analysis", "/en/LatestNews"),
    # https://alwaght.net/en/News/<numeric id>/<Title-Slug>
    article_path=r"^/en/News/\d+/[^/]+$",
    politeness=Politeness(concurrency=2, delay=1.0),
    schedule="35 */3 * * *",  # every three hours
    rules=(
        ExtractionRules(
            body_xpath='//div[contains(concat(" ", normalize-space(@class), " "), " NewsText ")]',
            prune_xpaths=(
                '//figure | //*[contains(@class, "RelatedContent") or contains(@class, "NewsTags")]',
                '//section[contains(@class, "Comments")] | //form',
            ),
            title_xpaths=('//h1[contains(@class, "NewsTitle")]',),
            tag_xpaths=('//*[contains(@class, "NewsTags")]//a',),
            section_xpaths=('//*[contains(@class, "NewsCategory")]//a',),
            author_xpaths=('//*[contains(@class, "NewsAuthor")]//a',),
            stop_paragraphs=(r"^\s*tags\s*:", r"^\s*related content\s*$"),
            drop_paragraphs=(
                r"^\s*(?:editor[’']?s choice|news|most viewed|day week month|in focus|gallery|photo|film|comments|send)\s*$",
                r"^\s*\*?\s*(?:name|email|text)\s*:\s*$",
                r"^\s*alwaght\s*[|\-–—]\s*news\s*(?:&|and)\s*analysis",
            ),
        ),
    ),
)
