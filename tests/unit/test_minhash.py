"""The numpy MinHash signatures are datasketch's, and the extraction workers' are used only for the text they are of."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from datasketch import MinHash

from flows.dedup import minhash
from flows.dedup.near import record_signature
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
