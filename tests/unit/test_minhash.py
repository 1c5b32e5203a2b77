"""The numpy MinHash signatures and LSH bands are datasketch's, and the extraction workers' signatures are used
only for the text they are of."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from datasketch.lsh import _optimal_param

from flows.dedup import minhash
from flows.dedup.near import THRESHOLD, record_signature
from flows.records.article import ArticleRecord, normalized_text_hash

TEXTS = [
    "",
    "two words",
    "exactly five words in here",
    "Le Président a déclaré : « non ». L'ŒUVRE straße ﬁnance 2026 — 3,5 %. " * 4,
    "\n\n".join(f"Paragraph {n} of an article about the port of Latakia and its expansion." for n in range(60)),
]


def _datasketch(text: str) -> np.ndarray:
    found = MinHash(num_perm=minhash.NUM_PERM, seed=minhash.SEED, scheme=minhash.SCHEME)
    found.update_batch(list(minhash.shingles(text)))
    return found.hashvalues


@pytest.mark.parametrize("text", TEXTS)
def test_signatures_are_datasketchs(text: str) -> None:
    # stored signatures of earlier runs are compared with new ones: the values must not move
    ours = minhash.signature(text)
    assert ours.dtype == np.uint32 and ours.shape == (minhash.NUM_PERM,)
    assert np.array_equal(ours, _datasketch(text))


def test_the_permutations_are_datasketchs() -> None:
    drawn = MinHash(num_perm=minhash.NUM_PERM, seed=minhash.SEED, scheme=minhash.SCHEME).permutations
    assert np.array_equal(minhash.PERMUTATIONS, drawn)


@pytest.mark.parametrize("threshold", [0.1, 0.3, THRESHOLD, 0.75, 0.9])
@pytest.mark.parametrize("num_perm", [32, minhash.NUM_PERM, 256])
def test_the_bands_are_datasketchs(threshold: float, num_perm: int) -> None:
    theirs = MinHashLSH(threshold=threshold, num_perm=num_perm)
    assert minhash.lsh_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5) == (theirs.b, theirs.r)


def test_the_band_index_finds_the_candidates_datasketch_finds() -> None:
    # texts at every distance from each other: copies with edits, shared passages, strangers
    rng = np.random.default_rng(7)
    vocabulary = [f"w{n}" for n in range(400)]
    texts = []
    for _ in range(6):
        tokens = list(rng.choice(vocabulary, 300))
        for keep in (1.0, 0.9, 0.75, 0.6, 0.45, 0.3):
            cut = int(len(tokens) * keep)
            texts.append(" ".join(tokens[:cut] + list(rng.choice(vocabulary, len(tokens) - cut))))
    ours, theirs = minhash.BandIndex(THRESHOLD), MinHashLSH(threshold=THRESHOLD, num_perm=minhash.NUM_PERM)
    sizes = []
    for number, text in enumerate(texts):
        values = minhash.signature(text)
        drawn = MinHash(num_perm=minhash.NUM_PERM, seed=minhash.SEED, scheme=minhash.SCHEME, hashvalues=values,
                        permutations=minhash.PERMUTATIONS)
        assert ours.query(values) == set(theirs.query(drawn))
        ours.insert(f"k{number}", values)
        theirs.insert(f"k{number}", drawn)
        sizes.append(len(ours.query(values)))
    assert min(sizes) == 1 and max(sizes) > 1  # each finds itself, and some find their copies


def _record(text: str) -> ArticleRecord:
    return ArticleRecord(
        url="https://sputnikglobe.com/20261120/a-1.html", canonical_url="https://sputnikglobe.com/20261120/a-1.html",
        outlet="sputnik", title="A", authors=[], published=None, language="en", text=text, tags=[], section=None,
        original_source=None, warc_filename="a.warc.gz", warc_offset=1234, warc_length=10, warc_record_id="<urn:x>",
        fetched_at="2026-11-20T12:00:00+00:00", text_sha256=normalized_text_hash(text), extracted_at="now")


def test_a_workers_signature_is_used_for_the_same_text_only() -> None:
    record = _record(TEXTS[-1])
    marked = np.arange(minhash.NUM_PERM, dtype=np.uint32)  # not the text's: shows which one was used
    known = {("a.warc.gz", 1234): (minhash.text_digest(record.text), marked.tobytes())}
    assert np.array_equal(record_signature(record, known), marked)
    # learned furniture took a paragraph after the worker computed it: computed again
    shorter = dataclasses.replace(record, text=record.text.split("\n\n", 1)[1])
    assert np.array_equal(record_signature(shorter, known), minhash.signature(shorter.text))
    elsewhere = dataclasses.replace(record, warc_offset=99)
    assert np.array_equal(record_signature(elsewhere, known), minhash.signature(record.text))
    assert np.array_equal(record_signature(record, None), minhash.signature(record.text))
