"""Near-duplicates across outlets, evaluated on the replica's known syndicated copies.

Every article page of the six outlets is extracted as the pipeline extracts it,
then clustered by MinHash LSH in publication order; the clusters are compared
with the replica's ground truth (``ArticleTruth.syndicated_from``).
"""
from __future__ import annotations

from itertools import combinations

import pytest

from flows.extract.page import extract_html
from flows.dedup.near import NearDupIndex
from flows.records.article import ArticleRecord
from flows.dedup.near import assign_clusters
from spiders.outlets import SLUGS
from spiders.urls import canonical_url
from spiders.replica.catalogue import Replica

ARTICLES = 300


def _record(outlet: str, truth, html: bytes) -> ArticleRecord:
    article = extract_html(html, truth.url)
    return ArticleRecord(
        url=truth.url, canonical_url=article.canonical_url, outlet=outlet, title=article.title,
        authors=article.authors, published=article.published, language=article.language, text=article.text,
        tags=article.tags, section=article.section, original_source=article.original_source,
        warc_filename="x.warc.gz", warc_offset=0, warc_length=1, warc_record_id="<urn:uuid:x>",
        fetched_at="", text_sha256="", extracted_at="",
    )


@pytest.fixture(scope="module")
def clustered():
    replica = Replica(ARTICLES, seed=1)
    records = [_record(slug, truth, replica.article_html(slug, truth.index))
               for slug in SLUGS for truth in replica.articles(slug)]
    records.sort(key=lambda r: r.published or "")  # archived as published: originals come first
    index = NearDupIndex()
    assign_clusters(index, records)
    return replica, records, index


def _pairs(groups) -> set[frozenset[str]]:
    return {frozenset(pair) for group in groups for pair in combinations(sorted(group), 2)}


def test_clusters_match_the_known_syndicated_pairs(clustered):
    replica, records, index = clustered
    truth_pairs = {frozenset((canonical_url(t.url), canonical_url(t.syndicated_from)))
                   for slug in SLUGS for t in replica.articles(slug) if t.syndicated_from}
    assert len(truth_pairs) >= 20
    found = _pairs([m.key for m in cluster] for cluster in index.clusters())
    true_positives = len(found & truth_pairs)
    precision, recall = true_positives / len(found), true_positives / len(truth_pairs)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall, len(found), len(truth_pairs))


def test_each_copy_points_to_its_original(clustered):
    replica, records, _ = clustered
    by_url = {r.canonical_url: r for r in records}
    copies = [t for slug in SLUGS for t in replica.articles(slug) if t.syndicated_from]
    right = sum(by_url[canonical_url(t.url)].original_url == canonical_url(t.syndicated_from) for t in copies)
    assert right / len(copies) >= 0.95
    originals = {canonical_url(t.syndicated_from) for t in copies}
    assert all(by_url[url].original_url is None for url in originals)
