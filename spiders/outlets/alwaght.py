"""Alwaght, news and analysis (alwaght.net; alwaght.com earlier), English section.

Evidence: ``live-evidence.md`` (Alwaght) and the research notes (the 2018 Arabic home page,
``silverfoxy/JSCryptoMinerStudy:pagesource/alwaght.com``, code-index id 25272726988, and
stored English article texts). No English article HTML was found: the extraction rules
below are unverified.
"""
from spiders.outlet import ExtractionRules, Outlet, Politeness, UrlRewrite

# The site's RSS is /home/rss/<n>?lid=<language id> (confirmed: <link rel="alternate"
# href="/home/rss/4"> and /home/rss/4?lid=2 for Arabic on the 2018 home page). The English
# language id is unverified: 1 is a guess the probe checks (its feed must list /en/News/ links).
ENGLISH_LANGUAGE_ID = 1

OUTLET = Outlet(
    slug="alwaght",
    name="Alwaght",
    base_url="https://alwaght.net",
    language="en",
    extra_domains=("www.alwaght.net",),
    former_domains=("alwaght.com", "www.alwaght.com"),
    # (no sitemap: none was seen anywhere; /sitemap.xml was a guess, removed)
    feeds=(f"/home/rss/4?lid={ENGLISH_LANGUAGE_ID}",),  # /en/rss was contradicted: removed
    # confirmed: the English home page (the language switcher's /en/ on the 2018 page). The real
    # listings are /<lang>/type/<id>, /<lang>/Workgroup/<id> and /<lang>/Keywords/<word>, but only
    # Arabic ids are attested (/ar/type/406, /ar/Workgroup/476); /en/Analysis and /en/LatestNews
    # were attested nowhere: removed. Paging of listings: not attested.
    sections=("/en/",),
    # confirmed: https://alwaght.net/en/News/<numeric id>/<Title-Slug> (stored pages /en/News/20840/…,
    # /en/News/166470/…). Unverified: the slug-less /en/News/57288 also seen (not an article here).
    article_path=r"^/en/News/\d+/[^/]+$",
    # confirmed: /en/news/196175/… in lower case on alwaght.com (2021, research notes)
    url_rewrites=(UrlRewrite(r"/en/news/(\d+)/([^/?]+)/?(?:\?.*)?", r"/en/News/\1/\2"),),
    # robots.txt and blocking: unverified (none seen)
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
