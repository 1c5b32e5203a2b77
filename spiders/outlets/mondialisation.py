"""Mondialisation.ca, the French edition of Global Research."""
from spiders.outlet import ExtractionRules, Outlet, Politeness
from spiders.outlets.globalresearch import AUTHOR_XPATHS, BODY_XPATH, PRUNE_XPATHS, byline
from spiders.outlets.southfront import APPEALS as SOUTH_FRONT_APPEALS, PHOTO_CREDITS

# The French edition's furniture (it also shows English pieces with the English lines).
_DISCLAIMER = r"^\s*(?:avis de non[-\s]?responsabilit[ée]|disclaimer)\s*:"
_CREDITS = (
    r"^\s*(?:r[ée]gion|th[èe]me|dossier|region|theme|in-depth report)\s*:",
    # "Mondialisation.ca, le 1er mars 2025", "Global Research, March 3, 2025"
    r"^\s*(?:mondialisation\.ca|global research),\s+(?:le\s+)?"
    r"(?:\d{1,2}(?:er)?\s+\w+\.?|\w+\.?\s+\d{1,2}),?\s+\d{4}\s*$",
    byline("par", "by"),
    r"^\s*articles?\s+(?:par|by)\s*:",
    r"^\s*copyright\s*(?:©|\(c\)|&copy;|(?:19|20)\d\d\b)",
    r"^\s*article original en anglais\s*:",
    # the translator's credit: "Traduit par Maya pour Mondialisation.ca" (a dot only inside a name)
    r"^\s*(?:traduit(?:e)?\s+(?:de l[’']anglais\s+)?par|traduction\s*:)(?:[^.!?]|\.(?=\w)){0,80}$",
    r"^\s*(?:commentez|comment on) .{0,40}(?:facebook|mondialisation|global research)",
    r"^\s*suivez-nous sur (?:facebook|twitter|instagram|telegram)\b",
    r"^\s*devenez membre",
    r"^\s*become a member of global research",
    r"centre de recherche sur la mondialisation (?:\(crm\) )?(?:accorde|se d[ée]gage)",
    r"contient du mat[ée]riel prot[ée]g[ée]",
    r"^\s*(?:contact m[ée]dia|for media inquiries)\s*:",
    r"^\s*(?:rapport sp[ée]cial|in-depth report)\s*:",
    r"^\s*cliquez sur le bouton de partage",
    r"^\s*click the share button above to e-?mail",
    r"est un m[ée]dia financ[ée] par ses lecteurs|is a reader-funded media",
)

OUTLET = Outlet(
    slug="mondialisation",
    name="Mondialisation.ca",
    base_url="https://www.mondialisation.ca",
    language="fr",
    extra_domains=("mondialisation.ca",),
    sitemaps=("/sitemap.xml",),
    feeds=("/feed",),
    sections=("/theme/agenda-de-guerre-usa-otan", "/region/moyen-orient-afrique-du-nord"),
    # https://www.mondialisation.ca/<slug>/<numeric id>
    article_path=r"^/[a-z0-9][a-z0-9-]*/\d{5,}/?$",
    politeness=Politeness(concurrency=2, delay=1.0),
    schedule="15 */2 * * *",  # every two hours
    rules=(
        ExtractionRules(
            body_xpath=BODY_XPATH,
            prune_xpaths=PRUNE_XPATHS,
            author_xpaths=AUTHOR_XPATHS,
            stop_paragraphs=(_DISCLAIMER,),
            drop_paragraphs=_CREDITS + SOUTH_FRONT_APPEALS + PHOTO_CREDITS,
            original_source_patterns=(
                r"la source originale de cet article est\s+(.+?)(?=\s+copyright\b|\s*$)",
                r"the original source of this article is\s+(.+?)(?=\s+copyright\b|\s*$)",
            ),
        ),
    ),
)
