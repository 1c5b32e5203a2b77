"""Mark article records that are copies of one story across outlets."""
from __future__ import annotations

from flows.near_dup import Member, NearDupIndex, signature, signature_hex
from flows.records import ArticleRecord
from spiders.outlets import outlet_by_name


def credited_slug(record: ArticleRecord) -> str | None:
    """The slug of the other outlet this page credits as its source, if it is one of ours."""
    credited = outlet_by_name(record.original_source)
    return credited.slug if credited and credited.slug != record.outlet else None


def assign_clusters(index: NearDupIndex, records: list[ArticleRecord]) -> dict[str, str]:
    """Index ``records``; set ``cluster_id`` and ``original_url`` on those with near-duplicates.

    Returns each record's signature (hex) by canonical URL, for the state.
    """
    signatures = {}
    for record in records:
        hashvalues = signature(record.text)
        member = Member(record.canonical_url, record.outlet, record.published, credited_slug(record))
        if index.add(member, hashvalues):
            record.cluster_id = index.cluster_id(record.canonical_url)
            original = index.original_of(record.canonical_url)
            record.original_url = original.key if original.key != record.canonical_url else None
        signatures[record.canonical_url] = signature_hex(hashvalues)
    return signatures
