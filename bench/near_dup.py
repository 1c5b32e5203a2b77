"""Near-duplicate index: signature, insert and query cost per article at a given index size.

Signatures are computed from synthetic 600-word articles. The index is filled
with random signatures, one in twenty a near copy of an earlier one (a fifth of
its values changed, as a syndicated copy with its own furniture), the way
``assign_clusters`` fills it: insert, and name the cluster and its original
when the article matched. Insert cost is timed over the last inserts (the index
at full size); query cost over fresh signatures, half of them near copies.
"""
from __future__ import annotations

import random
import time

import numpy as np

from flows.dedup.near import NUM_PERM, Member, NearDupIndex, signature

TIMED = 1000  # inserts and queries timed at the full size
COPY_EVERY = 20


def _near_copy(rng: np.random.Generator, hashvalues: np.ndarray) -> np.ndarray:
    copy = hashvalues.copy()
    changed = rng.choice(NUM_PERM, NUM_PERM // 5, replace=False)
    copy[changed] = rng.integers(0, 2**32, len(changed), dtype=np.uint32)
    return copy


def _signatures(rng: np.random.Generator, count: int) -> list[np.ndarray]:
    found: list[np.ndarray] = []
    for n in range(count):
        if n and n % COPY_EVERY == 0:
            found.append(_near_copy(rng, found[int(rng.integers(0, n))]))
        else:
            found.append(rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32))
    return found


def _add(index: NearDupIndex, key: str, hashvalues: np.ndarray) -> None:
    if index.add(Member(key, "bench", None), hashvalues):
        index.cluster_id(key)
        index.original_of(key)


def signature_cost(articles: int = 300) -> float:
    """Milliseconds to compute one article's signature."""
    rng = random.Random(1)
    words = [f"w{n}" for n in range(20_000)]
    texts = [" ".join(rng.choice(words) for _ in range(600)) for _ in range(articles)]
    start = time.perf_counter()
    for text in texts:
        signature(text)
    return 1000 * (time.perf_counter() - start) / articles


def measure(documents: int) -> dict:
    rng = np.random.default_rng(1)
    stored = _signatures(rng, documents)
    index = NearDupIndex()
    start = time.perf_counter()
    for n, hashvalues in enumerate(stored[:-TIMED]):
        _add(index, f"k{n}", hashvalues)
    filled = time.perf_counter()
    for n, hashvalues in enumerate(stored[-TIMED:], start=documents - TIMED):
        _add(index, f"k{n}", hashvalues)
    end = time.perf_counter()
    queries = [_near_copy(rng, stored[int(rng.integers(0, documents))]) if n % 2 else
               rng.integers(0, 2**32, NUM_PERM, dtype=np.uint32) for n in range(TIMED)]
    query_start = time.perf_counter()
    matched = sum(1 for q in queries if index.matches(q))
    query_end = time.perf_counter()
    return {
        "documents": documents,
        "build_s": end - start,
        "insert_ms": 1000 * (end - filled) / TIMED,
        "query_ms": 1000 * (query_end - query_start) / TIMED,
        "queries_matched": matched / TIMED,
        "clusters": sum(1 for c in index.clusters() if len(c) > 1),
    }
