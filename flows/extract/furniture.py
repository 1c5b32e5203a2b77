"""Furniture learned by repetition: passages that recur across many pages of one outlet.

A donation appeal, a newsletter note or a disclaimer is printed on page after page of
an outlet, whatever its wording this season; an article's own paragraph is not. Like
the repeated-line filters of web-corpus pipelines (C4, MassiveText, RefinedWeb drop
lines that recur across a site's pages) and site-level template detection, the
extractor counts, per outlet and rules period, on how many distinct pages each
paragraph occurs, and treats as furniture a paragraph found on at least
``MIN_PAGES`` pages and on at least ``MIN_SHARE`` of the pages seen.

Both thresholds guard the article's own text: a statement quoted in two or three
articles, or the paragraph that every article of a short series repeats, stays,
because it is on few pages and on a small share of them. Only one outlet's pages
count toward its passages (a story syndicated to another outlet counts there, not
here), and a page counts once (by canonical URL), so learning the same pages again
changes nothing.

What was learned is a ``LearnedFurniture`` per (outlet, period): plain JSON, kept in
the archive under ``furniture/<outlet>/<period>/`` (``storage.layout.furniture_key``),
a new object each time it changes; its ``version`` (a digest of its content) goes
into every record it cleaned.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

FORMAT = 1
# A passage is furniture when it is on at least this many distinct pages of the outlet ...
MIN_PAGES = 3
# ... and on at least this share of the outlet's pages seen in the period. Chosen on the
# replica: the stock paragraphs its generated article bodies share reach a fifth of an
# outlet's pages in small crawls (6 of 30), an epoch's appeals and notes are on two pages
# in five or more; a series paragraph on a tenth of the pages stays.
MIN_SHARE = 0.3
# Passages shorter than this are headings and labels ("Background", "Tags"): never learned.
MIN_WORDS = 2
# Passages seen on one page only are kept as digests, the newest this many.
MAX_SINGLES = 20_000

_WORD = re.compile(r"\w+", re.UNICODE)
_DIGIT = re.compile(r"\d")


def passage_key(paragraph: str) -> str | None:
    """A digest of the paragraph's words: case, punctuation and digits aside (a counter or a
    year changes from page to page, the notice stays the same). None for too short a passage."""
    folded = unicodedata.normalize("NFKC", paragraph).casefold()
    found = _WORD.findall(_DIGIT.sub("0", folded))
    if len(found) < MIN_WORDS:
        return None
    return hashlib.blake2b(" ".join(found).encode("utf-8"), digest_size=8).hexdigest()


def page_id(canonical_url: str) -> str:
    return hashlib.blake2b(canonical_url.encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class Passage:
    text: str  # as first seen
    pages: int  # distinct pages it was found on


@dataclass
class LearnedFurniture:
    """What one outlet's pages of one rules period taught."""

    outlet: str
    period: str  # the rules version's first day (ISO), or "start"
    pages: int = 0  # distinct pages learned from
    page_ids: list[str] = field(default_factory=list)  # sorted digests of their canonical URLs
    passages: dict[str, Passage] = field(default_factory=dict)  # key -> passage, found on 2+ pages
    singles: list[str] = field(default_factory=list)  # keys found on one page, oldest first
    generation: int = 0  # the number in the store key of the version this was read from (0: none)

    # -- deciding ---------------------------------------------------------------------
    def threshold(self) -> int:
        return max(MIN_PAGES, math.ceil(MIN_SHARE * self.pages))

    def furniture_keys(self) -> frozenset[str]:
        least = self.threshold()
        return frozenset(k for k, p in self.passages.items() if p.pages >= least)

    # -- learning ---------------------------------------------------------------------
    def learn(self, canonical_url: str, paragraphs: Sequence[str], keys: Sequence[str | None] | None = None) -> bool:
        """Count one page's paragraphs; False (and nothing counted) if the page was learned before.
        ``keys``: their ``passage_key``s, if computed already."""
        known, singles = self._working_sets()
        pid = page_id(canonical_url)
        if pid in known:
            return False
        known.add(pid)
        self.pages += 1
        for key, text in _keyed(paragraphs, keys).items():
            if key in self.passages:
                self.passages[key].pages += 1
            elif key in singles:
                del singles[key]
                self.passages[key] = Passage(text, 2)
            else:
                singles[key] = None
        while len(singles) > MAX_SINGLES:
            del singles[next(iter(singles))]
        self._dirty = True
        return True

    def _working_sets(self) -> tuple[set[str], dict[str, None]]:
        # The stored lists as a set and an ordered dict while a batch is learned; ``_sync``
        # writes them back before the entry is stored or its version computed.
        if getattr(self, "_known", None) is None:
            self._known = set(self.page_ids)
            self._singles = dict.fromkeys(self.singles)
        return self._known, self._singles

    def _sync(self) -> None:
        if getattr(self, "_dirty", False):
            self.page_ids = sorted(self._known)
            self.singles = list(self._singles)
            self._dirty = False

    # -- applying ---------------------------------------------------------------------
    def remove(self, paragraphs: Sequence[str], keys: Sequence[str | None] | None = None) -> list[str]:
        """The paragraphs that are not learned furniture (``keys``: their ``passage_key``s, if computed already)."""
        furniture = self.furniture_keys()
        if not furniture:
            return list(paragraphs)
        keys = keys if keys is not None else [passage_key(p) for p in paragraphs]
        return [p for p, key in zip(paragraphs, keys, strict=True) if key not in furniture]

    # -- storing ----------------------------------------------------------------------
    def to_json(self) -> dict:
        self._sync()
        return {
            "format": FORMAT,
            "outlet": self.outlet,
            "period": self.period,
            "pages": self.pages,
            "min_pages": MIN_PAGES,
            "min_share": MIN_SHARE,
            "threshold": self.threshold(),
            "passages": [
                {"key": k, "pages": p.pages, "furniture": p.pages >= self.threshold(), "text": p.text}
                for k, p in sorted(self.passages.items(), key=lambda item: (-item[1].pages, item[0]))
            ],
            "page_ids": self.page_ids,
            "singles": self.singles,
        }

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8") + b"\n"

    @property
    def version(self) -> str:
        """A digest of the content: the same counts give the same version, wherever computed."""
        return hashlib.sha256(self.to_bytes()).hexdigest()[:12]

    @classmethod
    def from_json(cls, data: dict, generation: int = 0) -> LearnedFurniture:
        if data.get("format") != FORMAT:
            raise ValueError(f"learned furniture format {data.get('format')!r} is not {FORMAT}")
        return cls(
            outlet=data["outlet"], period=data["period"], pages=int(data["pages"]),
            page_ids=list(data["page_ids"]),
            passages={p["key"]: Passage(p["text"], int(p["pages"])) for p in data["passages"]},
            singles=list(data["singles"]), generation=generation,
        )


def _keyed(paragraphs: Sequence[str], keys: Sequence[str | None] | None = None) -> dict[str, str]:
    """Each distinct passage of a page once (a page that prints a notice twice counts once)."""
    keyed: dict[str, str] = {}
    keys = keys if keys is not None else [passage_key(p) for p in paragraphs]
    for paragraph, key in zip(paragraphs, keys, strict=True):
        if key is not None and key not in keyed:
            keyed[key] = paragraph
    return keyed


class FurnitureBook:
    """The learned furniture of several outlets and periods, as one lookup."""

    def __init__(self, entries: Iterable[LearnedFurniture] = ()) -> None:
        self._entries: dict[tuple[str, str], LearnedFurniture] = {(e.outlet, e.period): e for e in entries}

    def get(self, outlet: str, period: str) -> LearnedFurniture | None:
        return self._entries.get((outlet, period))

    def entry(self, outlet: str, period: str) -> LearnedFurniture:
        """The entry for (outlet, period), created empty if there is none yet."""
        return self._entries.setdefault((outlet, period), LearnedFurniture(outlet, period))

    def entries(self) -> list[LearnedFurniture]:
        return [self._entries[k] for k in sorted(self._entries)]

    def versions(self) -> dict[tuple[str, str], str]:
        return {k: e.version for k, e in self._entries.items()}
