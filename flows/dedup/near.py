"""Near-duplicates across outlets (syndicated copies): MinHash LSH over word shingles.

These outlets republish each other with their own boilerplate and small
edits, so exact hashes miss the copies. Each article gets a MinHash
signature; LSH finds candidates, and a candidate counts when the estimated
Jaccard similarity of the two shingle sets reaches the threshold. Matches are
grouped into clusters; the cluster's original is the member whose page is
credited as the source, else the earliest published.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from flows.dedup.minhash import NUM_PERM, BandIndex, KnownSignatures, signature, signature_hex, text_digest
from flows.records.article import ArticleRecord
from spiders.outlets import outlet_by_name

THRESHOLD = 0.6  # estimated Jaccard of 5-word shingles; syndicated copies measure far above it

def record_signature(record: ArticleRecord, known: KnownSignatures | None = None) -> np.ndarray:
    """The record's signature: the one its extraction worker computed if it is of the same text, else computed now."""
    found = known.get((record.warc_filename, record.warc_offset)) if known else None
    if found is not None and found[0] == text_digest(record.text):
        return np.frombuffer(found[1], dtype=np.uint32)
    return signature(record.text)


@dataclass(frozen=True)
class Member:
    key: str  # canonical URL
    outlet: str
    published: str | None  # ISO 8601; earliest wins
    credited_outlet: str | None = None  # the outlet this page credits as its source


class NearDupIndex:
    """An LSH index of signatures, with union-find clusters over the matches."""

    def __init__(self, threshold: float = THRESHOLD):
        self._threshold = threshold
        self._lsh = BandIndex(threshold, NUM_PERM)
        self._signatures: dict[str, np.ndarray] = {}
        self._members: dict[str, Member] = {}
        self._parent: dict[str, str] = {}
        # Each root's members, so that a cluster is read without scanning the whole index.
        self._groups: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self._members)

    def _find(self, key: str) -> str:
        root = key
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[key] != root:  # path compression
            self._parent[key], key = root, self._parent[key]
        return root

    def matches(self, hashvalues: np.ndarray) -> list[str]:
        """Indexed keys whose estimated similarity to ``hashvalues`` reaches the threshold."""
        found = []
        for key in self._lsh.query(hashvalues):
            if np.mean(self._signatures[key] == hashvalues) >= self._threshold:
                found.append(key)
        return sorted(found)

    def add(self, member: Member, hashvalues: np.ndarray) -> list[str]:
        """Index ``member``; return the keys it matched (joining their clusters)."""
        if member.key in self._members:
            return []
        matched = self.matches(hashvalues)
        self._lsh.insert(member.key, hashvalues)
        self._signatures[member.key] = hashvalues
        self._members[member.key] = member
        self._parent[member.key] = member.key
        self._groups[member.key] = [member.key]
        for other in matched:
            self._union(other, member.key)
        return matched

    def _union(self, a: str, b: str) -> None:
        root_a, root_b = self._find(a), self._find(b)
        if root_a == root_b:
            return
        if len(self._groups[root_a]) > len(self._groups[root_b]):
            root_a, root_b = root_b, root_a
        self._parent[root_a] = root_b  # the smaller group joins the larger
        self._groups[root_b] += self._groups.pop(root_a)

    def cluster_of(self, key: str) -> list[Member]:
        return sorted((self._members[k] for k in self._groups[self._find(key)]), key=lambda m: m.key)

    def original_of(self, key: str) -> Member:
        """The credited source if a member credits another member's outlet, else the earliest published."""
        members = self.cluster_of(key)
        by_outlet = {m.outlet: m for m in members}
        for member in members:
            if member.credited_outlet and member.credited_outlet in by_outlet:
                return by_outlet[member.credited_outlet]
        return min(members, key=lambda m: (m.published or "9999", m.key))

    def cluster_id(self, key: str) -> str:
        """A stable name for the cluster: its lowest key."""
        return self.cluster_of(key)[0].key

    def clusters(self) -> Iterable[list[Member]]:
        return [sorted((self._members[k] for k in group), key=lambda m: m.key) for group in self._groups.values()]


def index_from_state(rows: Iterable[tuple[str, str, str | None, str | None, str]]) -> NearDupIndex:
    """Rebuild the index from stored ``(url, outlet, published, credited_outlet, minhash hex)`` rows."""
    index = NearDupIndex()
    for url, outlet, published, credited, minhash in rows:
        index.add(Member(url, outlet, published, credited), np.frombuffer(bytes.fromhex(minhash), dtype=np.uint32))
    return index


# --- syndication: marking the records of a run -----------------------------------------


def credited_slug(record: ArticleRecord) -> str | None:
    """The slug of the other outlet this page credits as its source, if it is one of ours."""
    credited = outlet_by_name(record.original_source)
    return credited.slug if credited and credited.slug != record.outlet else None


def assign_clusters(index: NearDupIndex, records: list[ArticleRecord],
                    known: KnownSignatures | None = None) -> dict[str, str]:
    """Index ``records``; set ``cluster_id`` and ``original_url`` on those with near-duplicates.

    Returns each record's signature (hex) by canonical URL, for the state.
    """
    signatures = {}
    for record in records:
        hashvalues = record_signature(record, known)
        member = Member(record.canonical_url, record.outlet, record.published, credited_slug(record))
        if index.add(member, hashvalues):
            record.cluster_id = index.cluster_id(record.canonical_url)
            original = index.original_of(record.canonical_url)
            record.original_url = original.key if original.key != record.canonical_url else None
        signatures[record.canonical_url] = signature_hex(hashvalues)
    return signatures
