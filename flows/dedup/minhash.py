"""MinHash signatures of article texts, and the LSH bands that compare them, with numpy alone.

The values are datasketch's ``MinHash(num_perm=128, seed=1, scheme="affine32")`` fed
with the text's 5-word shingles (SHA-1, first four bytes little-endian, the
MurmurHash3 finaliser, then ``a * h + b`` modulo 2^32), computed without
datasketch: the extraction workers compute them as they extract, and importing
datasketch would bring SciPy into every worker (about 50 MB each). The LSH index is
datasketch's ``MinHashLSH`` too (the same bands and rows, chosen the same way, and the
same candidates), without its import: SciPy and redis cost the flow's process about
2 s holding the GIL, the longest single item of an 808-article run.
``tests/unit/test_minhash.py`` holds both to datasketch's values.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

import numpy as np

NUM_PERM = 128
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are only comparable within one scheme
SEED = 1
SHINGLE_WORDS = 5

# (WARC file, offset) -> (digest of the text, signature bytes): what the extraction workers computed
KnownSignatures = Mapping[tuple[str, int], tuple[bytes, bytes]]

_WORD = re.compile(r"\w+", re.UNICODE)
_MAX = np.uint32(0xFFFFFFFF)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _permutations(num_perm: int, seed: int) -> np.ndarray:
    # datasketch's affine permutations: odd a, any b, drawn from RandomState(seed) in this order
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


# Drawn once: the same ones every MinHash with this seed and scheme would draw.
PERMUTATIONS = _permutations(NUM_PERM, SEED)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def _fmix32(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def signature(text: str) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` unsigned 32-bit values) of a text."""
    found = shingles(text)
    if not found:
        return np.full(NUM_PERM, _MAX, dtype=np.uint32)
    sha1 = hashlib.sha1
    hv = np.frombuffer(b"".join(sha1(s).digest()[:4] for s in found), dtype="<u4").astype(np.uint32)
    a, b = PERMUTATIONS
    with np.errstate(over="ignore"):  # the arithmetic is modulo 2^32
        permuted = _fmix32(hv).reshape(-1, 1) * a + b
    return permuted.min(axis=0)


def _integrals(values, low: float, high: float) -> np.ndarray:
    # values(s) gives one row per candidate (bands, rows) at the nodes s. Gauss-Legendre
    # with 80 nodes is exact for polynomials up to degree 159, and the probabilities are
    # polynomials of degree bands * rows <= NUM_PERM. (Computed here, not at import: the
    # extraction workers import this module for signatures and never choose bands.)
    nodes, weights = np.polynomial.legendre.leggauss(80)
    half, middle = (high - low) / 2, (high + low) / 2
    return half * (values(half * nodes + middle) @ weights)


@lru_cache(maxsize=8)
def lsh_bands(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) minimising the false positive plus false negative probability
    areas around ``threshold``, weighted equally: datasketch's ``MinHashLSH`` choice."""
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    bands = np.array([b for b, _ in pairs], dtype=float).reshape(-1, 1)
    rows = np.array([r for _, r in pairs], dtype=float).reshape(-1, 1)

    def candidate(s):  # the probability that two signatures of similarity s share a band
        return 1 - (1 - s**rows) ** bands

    error = 0.5 * _integrals(candidate, 0.0, threshold) + 0.5 * _integrals(lambda s: 1 - candidate(s), threshold, 1.0)
    return pairs[int(np.argmin(error))]  # the first of equal minima, as datasketch's loop keeps


class BandIndex:
    """MinHash LSH: keys whose signatures agree on all rows of at least one band."""

    def __init__(self, threshold: float, num_perm: int = NUM_PERM) -> None:
        bands, rows = lsh_bands(threshold, num_perm)
        self._ranges = [(i * rows, (i + 1) * rows) for i in range(bands)]
        self._tables: list[dict[bytes, list[str]]] = [{} for _ in self._ranges]

    def _keys(self, hashvalues: np.ndarray) -> Iterator[tuple[dict[bytes, list[str]], bytes]]:
        for table, (start, end) in zip(self._tables, self._ranges):
            yield table, hashvalues[start:end].tobytes()

    def insert(self, key: str, hashvalues: np.ndarray) -> None:
        for table, band in self._keys(hashvalues):
            table.setdefault(band, []).append(key)

    def query(self, hashvalues: np.ndarray) -> set[str]:
        found: set[str] = set()
        for table, band in self._keys(hashvalues):
            found.update(table.get(band, ()))
        return found


def signature_hex(hashvalues: np.ndarray) -> str:
    return hashvalues.astype(np.uint32).tobytes().hex()


def text_digest(text: str) -> bytes:
    """Identifies the exact text a signature was computed from."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
