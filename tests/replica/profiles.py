"""What differs between the six outlets in the replica: cadence, ids, URLs, time zones, bylines."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo


def slugify(title: str, keep_case: bool = False) -> str:
    ascii_title = unicodedata.normalize("NFKD", title.replace("œ", "oe").replace("Œ", "Oe")).encode("ascii", "ignore").decode()
    ascii_title = ascii_title.replace("'", "")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")
    return slug if keep_case else slug.lower()


@dataclass(frozen=True)
class Profile:
    slug: str
    spacing: timedelta  # average gap between two articles
    first_id: int  # numeric id of the article at rank 0
    id_step: int
    zone: timezone | ZoneInfo  # how the outlet presents local time
    sections: tuple[str, ...]  # section labels an article may carry
    title_salt: int

    def number(self, rank: int) -> int:
        return self.first_id - rank * self.id_step

    def path(self, rank: int, title: str, published: datetime) -> str:
        number = self.number(rank)
        if self.slug in ("globalresearch", "mondialisation"):
            return f"/{slugify(title)}/{number}"
        if self.slug == "southfront":
            return f"/{slugify(title)}/"
        if self.slug == "sputnik":
            day = published.astimezone(self.zone).strftime("%Y%m%d")
            return f"/{day}/{slugify(title)}-{number}.html"
        if self.slug == "alwaght":
            return f"/en/News/{number}/{slugify(title, keep_case=True)}"
        return f"/{number}/{slugify(title, keep_case=True)}"  # menafn


MOSCOW = timezone(timedelta(hours=3), "MSK")

PROFILES: dict[str, Profile] = {
    p.slug: p
    for p in (
        Profile("globalresearch", timedelta(minutes=150), 5_790_000, 7, ZoneInfo("America/Toronto"),
                ("Middle East & North Africa", "Russia and FSU", "USA", "Europe", "Asia", "Latin America & Caribbean"), 11),
        Profile("mondialisation", timedelta(minutes=300), 5_690_000, 5, ZoneInfo("America/Toronto"),
                ("Moyen-Orient et Afrique du Nord", "Russie et CEI", "États-Unis", "Europe", "Asie", "Amérique latine et Caraïbe"), 23),
        Profile("southfront", timedelta(minutes=90), 95_000, 1, timezone.utc,
                ("Middle East", "Military", "Analysis", "Europe", "Asia", "Africa"), 37),
        Profile("sputnik", timedelta(minutes=35), 1_108_200_000, 53, MOSCOW,
                ("World", "Military", "Middle East", "Russia", "Africa", "Asia", "Americas", "Europe"), 41),
        Profile("alwaght", timedelta(minutes=240), 360_000, 1, ZoneInfo("Asia/Tehran"),
                ("News", "News", "Analysis"), 53),
        Profile("menafn", timedelta(minutes=20), 1_109_300_000, 13, ZoneInfo("Asia/Amman"),
                ("Politics",), 61),
    )
}

GR_THEMES = (
    "US NATO War Agenda", "Global Economy", "Intelligence", "Militarization and WMD", "Law and Justice",
    "Oil and Energy", "Media Disinformation", "History", "Terrorism", "Environment",
)
GR_THEMES_FR = (
    "Agenda de guerre USA-OTAN", "Économie mondiale", "Renseignement", "Militarisation et ADM", "Droit et justice",
    "Pétrole et énergie", "Désinformation médiatique", "Histoire", "Terrorisme", "Environnement",
)
GR_REPORTS = ("SYRIA", "IRAN: THE NEXT WAR?", "IRAQ REPORT", "YEMEN", "LIBYA", "AFGHANISTAN")
GR_REPORTS_FR = ("SYRIE", "IRAN : LA PROCHAINE GUERRE ?", "IRAK", "YÉMEN", "LIBYE", "AFGHANISTAN")
# Bylines for the replica are invented: no real person is quoted or credited.
GR_AUTHORS = (
    "Helen Marchetti", "David Osei", "Rhys Callaghan", "Mira Lindholm", "Samuel Achterberg",
    "Prof. Tomas Reyes", "Dr. Anna Whitlock", "Kevin Darrow", "Yara Mansour", "Peter Halvorsen",
    "Julien Marceau", "Nora Ibekwe", "Colin Strand", "Dr. Farah Qasim", "Adrian Pollock",
)
MONDIALISATION_AUTHORS = (
    "Julien Marceau", "Claire Dufresne", "Michel Lavoie", "Sophie Arnaud", "Karim Benali",
    "Hélène Roussel", "Pierre Tremblay", "Amina Diallo", "Luc Bergeron", "Nathalie Giroux",
)
SPUTNIK_AUTHORS = ("Ekaterina Blinova", "Oleg Smirnov", "Tim Korso", "Denis Bolotsky", "Anna Levina", "Max Gorbachev")
MENAFN_SOURCES = (
    "The Journal Of Turkish Weekly", "Trend News Agency", "Kuwait News Agency (KUNA)", "Jordan Times",
    "Gulf Times", "AzerNews", "Emirates News Agency (WAM)", "Tehran Times", "The Peninsula", "Oman Observer",
    "Saudi Press Agency", "Qatar News Agency", "Daily Sabah", "Iraqi News",
)
GR_OTHER_SOURCES = ("Strategic Culture Foundation", "New Eastern Outlook", "Asia Times", "The Cradle", "Consortium News")
