"""MENAFN, a wire that republishes other outlets' articles."""
from spiders.outlet import ExtractionRules, Outlet, Politeness

OUTLET = Outlet(
    slug="menafn",
    name="MENAFN",
    base_url="https://menafn.com",
    language="en",
    extra_domains=("www.menafn.com",),
    sitemaps=("/sitemap_news.xml",),
    feeds=("/rss/menafn_Politics.xml",),
    sections=("/qn_news_politics",),
    # https://menafn.com/<numeric id>/<Title-Slug>
    article_path=r"^/\d{7,}/[^/]+$",
    politeness=Politeness(concurrency=2, delay=1.0),
    schedule="45 * * * *",  # hourly
    rules=(
        ExtractionRules(
            body_xpath='//div[@id="article_body" or contains(concat(" ", normalize-space(@class), " "), " article-body ")]',
            prune_xpaths=('//*[contains(@class, "disclaimer")]', '//section[contains(@class, "related")]'),
            section_xpaths=('//*[contains(@class, "article-meta")]//*[contains(@class, "category")]/a',),
            tag_xpaths=('//div[contains(@class, "tags")]//a',),
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
