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
from spiders.replica import bodies
from spiders.replica.outlet import EntryDraft, OutletSite, outlet_site
from spiders.replica.redesign import redesign

BASE_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
EPOCH_LENGTH = timedelta(days=1)  # new articles of epoch k appear during day k after BASE_TIME
EDIT_RATE = 0.02
REMOVAL_RATE = 0.01
_TITLE_OFFSET = 5000  # room for this many new articles per outlet before titles could repeat


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
        return (when or self.published_at).astimezone(outlet_site(self.outlet).zone)


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

    def __init__(self, articles_per_outlet: int = 50, seed: int = 1, epoch: int = 0, new_per_epoch: int = 5,
                 furniture_epoch: int | None = None, redesigns: dict[str, int] | None = None):
        if articles_per_outlet < 1 or epoch < 0 or new_per_epoch < 0:
            raise ValueError("articles_per_outlet >= 1, epoch >= 0 and new_per_epoch >= 0 required")
        if epoch * new_per_epoch > _TITLE_OFFSET:
            raise ValueError(f"at most {_TITLE_OFFSET} new articles per outlet")
        self.articles_per_outlet = articles_per_outlet
        # outlet -> the epoch from which its site serves a new design (spiders.replica.redesign)
        self.redesigns = dict(redesigns or {})
        self.seed = seed
        self.epoch = epoch
        self.new_per_epoch = new_per_epoch
        # furniture hook: pages carry generated furniture wordings of this epoch (spiders.replica.furniture)
        self.furniture_epoch = furniture_epoch
        self.outlets: dict[str, Outlet] = {slug: get_outlet(slug, environ={}) for slug in SLUGS}
        self.sites: dict[str, OutletSite] = {slug: outlet_site(slug) for slug in SLUGS}
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
        return self.render_article(self.article(outlet, self.entries(outlet)[index].rank))

    def render_article(self, article: Article) -> bytes:
        page = self.sites[article.entry.outlet].article(self, article).encode("utf-8")
        if self.redesigned(article.entry.outlet):
            older = [self.entry(article.entry.outlet, article.entry.rank + k) for k in range(1, 4)]
            teasers = [self.article(e.outlet, e.rank).paragraphs[0] for e in older
                       if e.rank < self.articles_per_outlet and e.status == 200]
            page = redesign(page, article.paragraphs, teasers)
        return page

    def redesigned(self, outlet: str) -> bool:
        """The outlet's site serves its new design at this epoch."""
        return outlet in self.redesigns and self.epoch >= self.redesigns[outlet]

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

    def furniture(self, outlet: str) -> tuple[str, ...]:
        """Strings on ``outlet``'s pages that must never be article text."""
        return self.sites[outlet].furniture

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
        spacing = self.sites[outlet].spacing
        moment = BASE_TIME - rank * spacing - unit(self.seed, outlet, rank, "t") * spacing / 2
        return moment.replace(second=0, microsecond=0)

    def rank_before(self, outlet: str, when: datetime) -> int:
        """The newest rank of ``outlet`` published no later than ``when``."""
        if when >= BASE_TIME + EPOCH_LENGTH / max(self.new_per_epoch, 1):
            step = EPOCH_LENGTH / max(self.new_per_epoch, 1)
            rank = -math.floor((when - BASE_TIME) / step)
        else:
            rank = max(0, math.ceil((BASE_TIME - when) / self.sites[outlet].spacing))
        while self.published_at(outlet, rank) > when:
            rank += 1
        return rank

    def _epoch_of(self, rank: int) -> int:
        """The epoch at which the article of ``rank`` was published."""
        return 0 if rank >= 0 else math.ceil(-rank / max(self.new_per_epoch, 1))

    def copy(self, draft: EntryDraft, outlet: str, not_after: datetime) -> bool:
        """Make ``draft`` a copy of ``outlet``'s newest article published by ``not_after``, if the replica has it."""
        rank = self.rank_before(outlet, not_after)
        if rank >= self.articles_per_outlet:
            return False
        source = self.entry(outlet, rank)
        draft.title, draft.place, draft.topic = source.title, source.place, source.topic
        draft.original = (outlet, rank)
        return True

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
        ranks = self.sites[outlet].seed_ranks
        return bodies.seed_texts()[outlet][ranks.index(rank)] if rank in ranks else None

    def _build_entry(self, outlet: str, rank: int) -> Entry:
        site = self.sites[outlet]
        language = self.outlets[outlet].language
        rng = random.Random(f"{self.seed}:{outlet}:{rank}:entry")
        space = bodies.title_space(language)
        multiplier = next(m for m in range(7919, space) if math.gcd(m, space) == 1)
        code = ((rank + _TITLE_OFFSET) * multiplier + site.title_salt * (self.seed + 1)) % space
        title, place, topic = bodies.title_for(code, language)
        published = self.published_at(outlet, rank)
        edits, removed = self._fate(outlet, rank)
        modified = BASE_TIME + edits[-1] * EPOCH_LENGTH - timedelta(hours=2) if edits else published
        section = rng.choice(site.section_labels)
        tags = tuple(rng.sample(site.tag_pool, rng.randint(3, 6)))
        draft = EntryDraft(title=title, place=place, topic=topic, section=section, tags=tags, published=published)

        seed_text = self._seed_text(outlet, rank)
        if seed_text is not None:
            draft.seeded = True
            draft.title = seed_text.title
            draft.section = seed_text.meta.get("section", draft.section)
            if "tags" in seed_text.meta:
                draft.tags = tuple(t.strip() for t in seed_text.meta["tags"].split(","))
            draft.extra.update(seed_text.meta)
        site.describe(draft, self, rank, rng)

        return Entry(
            outlet=outlet,
            rank=rank,
            index=rank - self.newest_rank,
            path=site.path(site.number(rank), draft.title, published),
            title=draft.title,
            authors=draft.authors,
            section=draft.section,
            tags=draft.tags,
            published_at=published,
            modified_at=modified,
            status=410 if removed else 200,
            place=draft.place,
            topic=draft.topic,
            original_source=draft.original_source,
            original=draft.original,
            edit_epochs=edits,
            extra=draft.extra,
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
            paragraphs = self.sites[outlet].generated_body(
                bodies.compose_body(random.Random(f"{key}:body"), language, entry.place, entry.topic))
        for epoch in entry.edit_epochs:
            rng = random.Random(f"{key}:edit:{epoch}")
            paragraphs[rng.randrange(len(paragraphs))] = bodies.revised_paragraph(rng, language, entry.place, entry.topic)
        return Article(entry, tuple(paragraphs), key)
