"""The article-extraction benchmark metric (scrapinghub/article-extraction-benchmark).

Texts are compared as multisets of word 4-shingles (``\\w+`` tokens). Each page's
true positives, false positives and false negatives are divided by their sum so
that long pages weigh no more than short ones; precision and recall are the means
over pages, and F1 is computed from those two means (not averaged per page).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE_SIZE = 4


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of ``size``-token runs; a shorter non-empty text is one short shingle."""
    words = tokens(text)
    if not words:
        return Counter()
    if len(words) < size:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


@dataclass(frozen=True)
class PageScore:
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp > 0 else None

    @property
    def recall(self) -> float | None:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn > 0 else None


def page_score(expected: str, predicted: str) -> PageScore:
    """tp/fp/fn of one page, normalised to sum to 1 (all zero for two empty texts)."""
    true, pred = shingles(expected), shingles(predicted)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


def shingle_scores(expected: str, predicted: str) -> tuple[float, float]:
    """(precision, recall) of one page; an undefined value (nothing predicted) counts as 0."""
    page = page_score(expected, predicted)
    return page.precision or 0.0, page.recall or 0.0


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Benchmark score of (expected, predicted) text pairs."""
    pages = [page_score(expected, predicted) for expected, predicted in pairs]
    precisions = [p.precision for p in pages if p.precision is not None]
    recalls = [p.recall for p in pages if p.recall is not None]
    return Score(_mean(precisions), _mean(recalls), len(pages))
