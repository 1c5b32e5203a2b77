"""Mondialisation.ca in the replica: Global Research's WordPress theme, in French.

Public evidence about this site is its feed (``/feed``, id 26120901061) and one stored article
URL, linked as ``…/5442868?doing_wp_cron=1743001027.05…`` (WP-Cron's parameter on a real link):
the home page here links its newest articles that way now and then. Everything else follows
Global Research by analogy (unverified): the home page paged as ``/page/N/`` without rel=next,
``/sitemap.xml``, robots.txt. The French theme and region listings are attested nowhere, so the
replica serves none.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from spiders.replica.outlets.globalresearch import Theme
from spiders.replica.templates import french_date

MO_ARTICLES_BY = "Articles Par :"
MO_DISCLAIMER = (
    "Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent que le ou les auteurs. "
    "Le Centre de recherche sur la mondialisation se dégage de toute responsabilité concernant le contenu de "
    "cet article et ne sera pas tenu responsable pour des erreurs ou informations incorrectes ou inexactes."
)
MO_REPRODUCTION = (
    "Le Centre de recherche sur la mondialisation (CRM) accorde la permission de reproduire la version intégrale "
    "ou des extraits d'articles du site sur des sites de médias alternatifs. La source de l'article, l'adresse url "
    "ainsi qu'un hyperlien vers l'article original du CRM doivent être indiqués. Une note de droit d'auteur "
    "(copyright) doit également être indiquée."
)
MO_FAIR_USE = (
    "Pour publier des articles de Mondialisation.ca en format papier ou autre, y compris les sites Internet "
    "commerciaux, contactez: media@globalresearch.ca. Mondialisation.ca contient du matériel protégé par le droit "
    "d'auteur, dont le détenteur n'a pas toujours autorisé l'utilisation. Nous mettons ce matériel à la disposition "
    "de nos lecteurs en vertu du principe \"d'utilisation équitable\", dans le but d'améliorer la compréhension des "
    "enjeux politiques, économiques et sociaux."
)
MO_MEDIA = "Contact média: media@globalresearch.ca"
MO_COMMENT = "Commentez les articles de Mondialisation.ca sur notre page Facebook"
MO_MEMBER = "Devenez membre de Mondialisation.ca"
MO_NEWSLETTER = "Inscrivez-vous à notre infolettre gratuite"
MO_COOKIES = "Nous utilisons des témoins (cookies) pour vous offrir la meilleure expérience sur notre site."

FURNITURE = (
    MO_ARTICLES_BY, MO_MEDIA, MO_COMMENT, MO_MEMBER, MO_NEWSLETTER, MO_COOKIES,
    "Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent que le ou les auteurs.",
    "Le Centre de recherche sur la mondialisation se dégage de toute responsabilité",
    "Une note de droit d'auteur (copyright) doit également être indiquée.",
    "La source originale de cet article est",
    "Rapport spécial :",
)

GR_THEMES_FR = (
    "Agenda de guerre USA-OTAN", "Économie mondiale", "Renseignement", "Militarisation et ADM", "Droit et justice",
    "Pétrole et énergie", "Désinformation médiatique", "Histoire", "Terrorisme", "Environnement",
)
GR_REPORTS_FR = ("SYRIE", "IRAN : LA PROCHAINE GUERRE ?", "IRAK", "YÉMEN", "LIBYE", "AFGHANISTAN")
MONDIALISATION_AUTHORS = (
    "Julien Marceau", "Claire Dufresne", "Michel Lavoie", "Sophie Arnaud", "Karim Benali",
    "Hélène Roussel", "Pierre Tremblay", "Amina Diallo", "Luc Bergeron", "Nathalie Giroux",
)

WORDS = dict(
    by="Par", region="Région :", theme="Thème :", report="Rapport spécial :", source="La source originale de cet article est",
    articles_by=MO_ARTICLES_BY, comment=MO_COMMENT, member=MO_MEMBER, newsletter=MO_NEWSLETTER,
    cookies=MO_COOKIES, popular="Articles les plus lus", search="Rechercher", home="Accueil", lang="fr-FR", locale="fr_FR",
    themes="/theme/agenda-de-guerre-usa-otan", regions="/region/moyen-orient-afrique-du-nord",
    themes_label="Agenda de guerre USA-OTAN", regions_label="Moyen-Orient et Afrique du Nord", about="À propos",
    donate="Faire un don", subscribe="Abonnez-vous", print="Imprimer", privacy="Confidentialité",
    older="Articles précédents", newer="Articles suivants",
    disclaimer=(MO_DISCLAIMER, MO_REPRODUCTION, MO_FAIR_USE, MO_MEDIA),
)
DONATION = "Mondialisation.ca est un média financé par ses lecteurs. Nous n’acceptons aucun financement de gouvernements ou d’entreprises."


class Mondialisation(Theme):
    slug = "mondialisation"
    spacing = timedelta(minutes=300)
    first_id = 5_690_000
    id_step = 5
    section_labels = ("Moyen-Orient et Afrique du Nord", "Russie et CEI", "États-Unis", "Europe", "Asie", "Amérique latine et Caraïbe")
    title_salt = 23
    tag_pool = GR_THEMES_FR
    sections: dict = {}
    words = WORDS
    themes = GR_THEMES_FR
    reports = GR_REPORTS_FR
    bylines = MONDIALISATION_AUTHORS
    furniture = FURNITURE

    def dateline(self, moment: datetime) -> str:
        return french_date(moment)

    def donation(self, appeal: str) -> str:
        return DONATION

    def listing_link(self, path: str, position: int) -> str:
        # WP-Cron runs on visits and leaves its parameter on links (the stored real URL above).
        if position % 4 == 1:
            return f"{path}?doing_wp_cron={1_764_000_000 + position}.0571639537811279296875"
        return path


SITE = Mondialisation()
