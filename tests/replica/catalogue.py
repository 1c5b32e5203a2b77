"""The replica's articles and their ground truth, computed lazily and deterministically.

An article is identified by its outlet and its *rank*: rank 0 is the newest article
at epoch 0, higher ranks are older, and the articles published at later epochs get
negative ranks. Everything about an article (title, date, body, fate at each epoch)
is a function of (seed, outlet, rank), so a replica with more articles or a later
epoch keeps every older article's identity. ``index`` is the position in the
newest-first list at the replica's epoch: index = rank + epoch * new_per_epoch.
"""
from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import urlsplit

from spiders.outlet import Outlet
from spiders.outlets import SLUGS, get_outlet
from tests.replica import bodies
from tests.replica import profiles as pr

BASE_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
EPOCH_LENGTH = timedelta(days=1)  # new articles of epoch k appear during day k after BASE_TIME
EDIT_RATE = 0.02
REMOVAL_RATE = 0.01
GR_SYNDICATION_RATE = 0.05  # Global Research copies of South Front articles
MENAFN_SYNDICATION_RATE = 0.06  # MENAFN copies of Sputnik, Alwaght and South Front articles
_TITLE_OFFSET = 5000  # room for this many new articles per outlet before titles could repeat
SEED_RANKS = {"southfront": (2, 5), "sputnik": (1,), "alwaght": (1,), "menafn": (1,)}
SOURCE_NAMES = {"sputnik": "Sputnik", "alwaght": "Alwaght", "southfront": "South Front"}


@dataclass(frozen=True)
class ArticleTruth:
    outlet: str
    index: int
    url: str  # the real live URL, https://<live host>/<path>
    path: str
    title: str
    authors: list[str]
    published: str  # ISO 8601 with the outlet's offset
    language: str
    section: str | None
    tags: list[str]
    body: str  # clean article text, paragraphs joined by "\n\n"
    original_source: str | None
    syndicated_from: str | None
    status: int  # 200, or 410 when removed at this epoch


@dataclass(frozen=True)
class Entry:
    """What listings need to know about an article (no body)."""

    outlet: str
    rank: int
    index: int
    path: str
    title: str
    authors: tuple[str, ...]
    section: str | None
    tags: tuple[str, ...]
    published_at: datetime  # UTC
    modified_at: datetime  # UTC; later than published_at when edited
    status: int
    place: str
    topic: str
    original_source: str | None = None
    original: tuple[str, int] | None = None  # (outlet, rank) of the article this one republishes
    edit_epochs: tuple[int, ...] = ()
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def url(self) -> str:
        return f"https://{get_outlet(self.outlet, environ={}).host}{self.path}"

    def local_time(self, when: datetime | None = None) -> datetime:
        return (when or self.published_at).astimezone(pr.PROFILES[self.outlet].zone)


@dataclass(frozen=True)
class Article:
    entry: Entry
    paragraphs: tuple[str, ...]
    key: str  # seeds the page furniture of this article

    def rng(self, purpose: str) -> random.Random:
        return random.Random(f"{self.key}:{purpose}")


def unit(*key: object) -> float:
    """A deterministic number in [0, 1) for ``key`` (fast; no global state)."""
    digest = hashlib.blake2b(":".join(map(str, key)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class Replica:
    """The six outlets' catalogues for one (seed, size, epoch)."""

    def __init__(self, articles_per_outlet: int = 50, seed: int = 1, epoch: int = 0, new_per_epoch: int = 5):
        if articles_per_outlet < 1 or epoch < 0 or new_per_epoch < 0:
            raise ValueError("articles_per_outlet >= 1, epoch >= 0 and new_per_epoch >= 0 required")
        if epoch * new_per_epoch > _TITLE_OFFSET:
            raise ValueError(f"at most {_TITLE_OFFSET} new articles per outlet")
        self.articles_per_outlet = articles_per_outlet
        self.seed = seed
        self.epoch = epoch
        self.new_per_epoch = new_per_epoch
        self.outlets: dict[str, Outlet] = {slug: get_outlet(slug, environ={}) for slug in SLUGS}
        self._entries: dict[tuple[str, int], Entry] = {}
        self._lists: dict[str, list[Entry]] = {}
        self._by_path: dict[str, dict[str, Entry]] = {}
        self._article = lru_cache(maxsize=4096)(self._build_article)

    # -- public API ---------------------------------------------------------------
    def articles(self, outlet: str) -> list[ArticleTruth]:
        """Ground truth, newest first (removed articles included, with status 410)."""
        return [self.truth(entry) for entry in self.entries(outlet)]

    def article_html(self, outlet: str, index: int) -> bytes:
        """The article page as served (uncompressed), also for a removed article's last version."""
        from tests.replica.pages import render_article

        return render_article(self, self.article(outlet, self.entries(outlet)[index].rank))

    def truth_for_url(self, url: str) -> ArticleTruth | None:
        entry = self.entry_for_url(url)
        return self.truth(entry) if entry else None

    # -- catalogue ----------------------------------------------------------------
    @property
    def newest_rank(self) -> int:
        return -self.epoch * self.new_per_epoch

    def entries(self, outlet: str) -> list[Entry]:
        if outlet not in self._lists:
            self._lists[outlet] = [self.entry(outlet, rank) for rank in range(self.newest_rank, self.articles_per_outlet)]
        return self._lists[outlet]

    def live_entries(self, outlet: str) -> list[Entry]:
        return [entry for entry in self.entries(outlet) if entry.status == 200]

    def outlet_for_host(self, host: str) -> Outlet | None:
        for outlet in self.outlets.values():
            if host in outlet.domains:
                return outlet
        return None

    def entry_for_url(self, url: str) -> Entry | None:
        parts = urlsplit(url)
        outlet = self.outlet_for_host((parts.hostname or "").lower())
        if outlet is None:
            return None
        return self.entry_for_path(outlet.slug, parts.path + (f"?{parts.query}" if parts.query else ""))

    def entry_for_path(self, outlet: str, path: str) -> Entry | None:
        if outlet not in self._by_path:
            self._by_path[outlet] = {entry.path: entry for entry in self.entries(outlet)}
        return self._by_path[outlet].get(path)

    def truth(self, entry: Entry) -> ArticleTruth:
        article = self.article(entry.outlet, entry.rank)
        original = self.entry(*entry.original) if entry.original else None
        return ArticleTruth(
            outlet=entry.outlet,
            index=entry.index,
            url=entry.url,
            path=entry.path,
            title=entry.title,
            authors=list(entry.authors),
            published=entry.local_time().isoformat(),
            language=self.outlets[entry.outlet].language,
            section=entry.section,
            tags=list(entry.tags),
            body="\n\n".join(article.paragraphs),
            original_source=entry.original_source,
            syndicated_from=original.url if original else None,
            status=entry.status,
        )

    def article(self, outlet: str, rank: int) -> Article:
        return self._article(outlet, rank)

    # -- dates and fates ----------------------------------------------------------
    def published_at(self, outlet: str, rank: int) -> datetime:
        if rank < 0:
            step = EPOCH_LENGTH / max(self.new_per_epoch, 1)
            return BASE_TIME + (-rank) * step - timedelta(minutes=int(unit(self.seed, outlet, rank, "t") * 60))
        spacing = pr.PROFILES[outlet].spacing
        moment = BASE_TIME - rank * spacing - unit(self.seed, outlet, rank, "t") * spacing / 2
        return moment.replace(second=0, microsecond=0)

    def rank_before(self, outlet: str, when: datetime) -> int:
        """The newest rank of ``outlet`` published no later than ``when``."""
        if when >= BASE_TIME + EPOCH_LENGTH / max(self.new_per_epoch, 1):
            step = EPOCH_LENGTH / max(self.new_per_epoch, 1)
            rank = -math.floor((when - BASE_TIME) / step)
        else:
            rank = max(0, math.ceil((BASE_TIME - when) / pr.PROFILES[outlet].spacing))
        while self.published_at(outlet, rank) > when:
            rank += 1
        return rank

    def _epoch_of(self, rank: int) -> int:
        """The epoch at which the article of ``rank`` was published."""
        return 0 if rank >= 0 else math.ceil(-rank / max(self.new_per_epoch, 1))

    def _fate(self, outlet: str, rank: int) -> tuple[tuple[int, ...], int | None]:
        edits: list[int] = []
        for epoch in range(self._epoch_of(rank) + 1, self.epoch + 1):
            if unit(self.seed, outlet, rank, "removed", epoch) < REMOVAL_RATE:
                return tuple(edits), epoch
            if unit(self.seed, outlet, rank, "edited", epoch) < EDIT_RATE:
                edits.append(epoch)
        return tuple(edits), None

    # -- building -----------------------------------------------------------------
    def entry(self, outlet: str, rank: int) -> Entry:
        key = (outlet, rank)
        if key not in self._entries:
            self._entries[key] = self._build_entry(outlet, rank)
        return self._entries[key]

    def _seed_text(self, outlet: str, rank: int) -> bodies.Text | None:
        ranks = SEED_RANKS.get(outlet, ())
        return bodies.seed_texts()[outlet][ranks.index(rank)] if rank in ranks else None

    def _build_entry(self, outlet: str, rank: int) -> Entry:
        profile = pr.PROFILES[outlet]
        language = self.outlets[outlet].language
        rng = random.Random(f"{self.seed}:{outlet}:{rank}:entry")
        space = bodies.title_space(language)
        multiplier = next(m for m in range(7919, space) if math.gcd(m, space) == 1)
        code = ((rank + _TITLE_OFFSET) * multiplier + profile.title_salt * (self.seed + 1)) % space
        title, place, topic = bodies.title_for(code, language)
        published = self.published_at(outlet, rank)
        edits, removed = self._fate(outlet, rank)
        modified = BASE_TIME + edits[-1] * EPOCH_LENGTH - timedelta(hours=2) if edits else published
        section = rng.choice(profile.sections)
        tags = tuple(rng.sample(pr.GR_THEMES_FR if language == "fr" else bodies.w.SECTIONS_TAGS, rng.randint(3, 6)))
        authors: tuple[str, ...] = ()
        original_source: str | None = None
        original: tuple[str, int] | None = None
        extra: dict = {}

        seed_text = self._seed_text(outlet, rank)
        if seed_text is not None:
            title = seed_text.title
            section = seed_text.meta.get("section", section)
            if "tags" in seed_text.meta:
                tags = tuple(t.strip() for t in seed_text.meta["tags"].split(","))
            extra.update(seed_text.meta)

        if outlet in ("globalresearch", "mondialisation"):
            themes_pool = pr.GR_THEMES_FR if language == "fr" else pr.GR_THEMES
            themes = [themes_pool[0]] if rng.random() < 0.45 else []
            themes += [t for t in rng.sample(themes_pool[1:], rng.randint(1, 2))]
            section = profile.sections[0] if rng.random() < 0.5 else rng.choice(profile.sections[1:])
            tags = tuple(themes)
            names = pr.MONDIALISATION_AUTHORS if language == "fr" else pr.GR_AUTHORS
            authors = tuple(rng.sample(names, 2 if rng.random() < 0.1 else 1))
            reports = pr.GR_REPORTS_FR if language == "fr" else pr.GR_REPORTS
            extra["report"] = rng.choice(reports) if rng.random() < 0.6 else None
            credit = rng.random()
            if credit < 0.7:
                original_source = self.outlets[outlet].name
            elif credit < 0.8:
                original_source = rng.choice(pr.GR_OTHER_SOURCES)
            if outlet == "globalresearch" and unit(self.seed, outlet, rank, "syndicated") < GR_SYNDICATION_RATE:
                source_rank = self.rank_before("southfront", published - timedelta(hours=6))
                if source_rank < self.articles_per_outlet:
                    source = self.entry("southfront", source_rank)
                    title, authors, original_source = source.title, ("South Front",), "South Front"
                    original = ("southfront", source_rank)
                    place, topic = source.place, source.topic
        elif outlet == "southfront":
            authors = ("South Front",)
        elif outlet == "sputnik":
            authors = (rng.choice(pr.SPUTNIK_AUTHORS),) if rng.random() < 0.25 else ()
        elif outlet == "alwaght":
            extra["kind"] = section
        elif outlet == "menafn":
            original_source = extra.get("source") or rng.choice(pr.MENAFN_SOURCES)
            if seed_text is None and unit(self.seed, outlet, rank, "syndicated") < MENAFN_SYNDICATION_RATE:
                source_outlet = rng.choice(("sputnik", "alwaght", "southfront"))
                source_rank = self.rank_before(source_outlet, published - timedelta(hours=3))
                if source_rank < self.articles_per_outlet:
                    source = self.entry(source_outlet, source_rank)
                    title, original_source = source.title, SOURCE_NAMES[source_outlet]
                    original = (source_outlet, source_rank)
                    place, topic = source.place, source.topic

        return Entry(
            outlet=outlet,
            rank=rank,
            index=rank - self.newest_rank,
            path=profile.path(rank, title, published),
            title=title,
            authors=authors,
            section=section,
            tags=tags,
            published_at=published,
            modified_at=modified,
            status=410 if removed else 200,
            place=place,
            topic=topic,
            original_source=original_source,
            original=original,
            edit_epochs=edits,
            extra=extra,
        )

    def _build_article(self, outlet: str, rank: int) -> Article:
        entry = self.entry(outlet, rank)
        language = self.outlets[outlet].language
        key = f"{self.seed}:{outlet}:{rank}"
        seed_text = self._seed_text(outlet, rank)
        if seed_text is not None:
            paragraphs = list(seed_text.paragraphs)
        elif entry.original is not None:
            source = self.article(*entry.original)
            paragraphs = bodies.small_edit(list(source.paragraphs), random.Random(f"{key}:syndication"))
        else:
            paragraphs = bodies.compose_body(random.Random(f"{key}:body"), language, entry.place, entry.topic)
            if outlet == "alwaght":
                paragraphs[0] = "Alwaght- " + paragraphs[0]  # the site's own opening, part of the text
        for epoch in entry.edit_epochs:
            rng = random.Random(f"{key}:edit:{epoch}")
            paragraphs[rng.randrange(len(paragraphs))] = bodies.revised_paragraph(rng, language, entry.place, entry.topic)
        return Article(entry, tuple(paragraphs), key)
