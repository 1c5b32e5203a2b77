"""MinHash signatures of article texts, with numpy alone.

The values are datasketch's ``MinHash(num_perm=128, seed=1, scheme="affine32")`` fed
with the text's 5-word shingles (SHA-1, first four bytes little-endian, the
MurmurHash3 finaliser, then ``a * h + b`` modulo 2^32), computed without
datasketch: the extraction workers compute them as they extract, and importing
datasketch would bring SciPy into every worker (about 50 MB each). The LSH index
that compares them stays datasketch's (``flows.dedup.near``);
``tests/unit/test_minhash.py`` holds both to the same values.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

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


def signature_hex(hashvalues: np.ndarray) -> str:
    return hashvalues.astype(np.uint32).tobytes().hex()


def text_digest(text: str) -> bytes:
    """Identifies the exact text a signature was computed from."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
