"""Mondialisation.ca, the French edition of Global Research.

Public evidence about this site is thin (``live-evidence.md``, research notes): its feed and
one stored article URL. Everything else follows Global Research, its twin on the same
WordPress theme, by analogy only; each entry says which.
"""
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
    # unverified: no source names it (kept as on the twin site; the probe shows whether it answers)
    sitemaps=("/sitemap.xml",),
    # confirmed: https://www.mondialisation.ca/feed in a French RSS list (id 26120901061)
    feeds=("/feed",),
    # unverified: the home page, paged like Global Research's (/page/N). The French theme and
    # region slugs that stood here were translations of GR's, attested nowhere: removed.
    sections=("/",),
    # confirmed: https://www.mondialisation.ca/<slug>/<post id> (the stored article
    # .../la-societe-civile-en-action-plus-de-40-000-ong-dans-le-monde/5442868, linked with
    # ?doing_wp_cron=…: the query never decides). Short old ids as on Global Research (by analogy).
    article_path=r"^/(?!page/)[a-z0-9][a-z0-9-]*/\d+/?$",
    # robots.txt and blocking: unverified (none seen)
    politeness=Politeness(concurrency=2, delay=1.0),
    schedule="15 */2 * * *",  # every two hours
    # Extraction rules: Global Research's container and prunes (the shared theme, by analogy:
    # no Mondialisation page HTML was found); the French furniture lines are unverified.
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
