"""Incremental discovery: a run with nothing new fetches no article page, only discovery,
with conditional GETs on feeds and sitemaps; a later run fetches exactly what is new."""
from __future__ import annotations

from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from spiders.outlets import get_outlet
from spiders.urls import canonical_url
from tests.integration.revisit_scenario import OUTLETS, scenario


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return scenario(tmp_path_factory)


def _responses(store: Path, manifest: dict, outlet: str) -> list[tuple[str, int, str]]:
    """(target URI, HTTP status, WARC type) of every response or revisit record an outlet's run wrote."""
    found = []
    for entry in manifest["files"]:
        if entry["key"].startswith(f"warc/{outlet}/"):
            with open(store / entry["key"], "rb") as stream:
                for record in ArchiveIterator(stream):
                    if record.rec_type in ("response", "revisit"):
                        found.append((record.rec_headers.get_header("WARC-Target-URI"),
                                      record.http_headers.get_statuscode() and int(record.http_headers.get_statuscode()),
                                      record.rec_type))
    return found


def test_a_run_with_nothing_new_makes_only_discovery_requests(runs):
    for slug in OUTLETS:
        counts = runs.manifests[1]["outlets"][slug]
        assert counts["error"] is None
        assert (counts["fetched"], counts["new"], counts["revisited"]) == (0, 0, 0), counts
        outlet = get_outlet(slug, {})
        fetched = _responses(runs.store, runs.manifests[1], slug)
        assert not [url for url, _, _ in fetched if outlet.is_article(url)], slug
        assert counts["requests"] == len(fetched) == counts["discovery_requests"] + 1  # + robots.txt
        assert counts["requests"] < runs.manifests[0]["outlets"][slug]["requests"] / 5


def test_feeds_and_sitemaps_answer_304_to_the_validators_of_the_last_run(runs):
    for slug in OUTLETS:
        outlet = get_outlet(slug, {})
        statuses = {url: status for url, status, _ in _responses(runs.store, runs.manifests[1], slug)}
        for path in (*outlet.sitemaps, *outlet.feeds):
            assert statuses[f"http://{outlet.host}{path}"] == 304, (slug, path)
        assert runs.manifests[1]["outlets"][slug]["not_modified"] == len(outlet.sitemaps) + len(outlet.feeds)


def test_section_pagination_stops_at_the_first_page_with_nothing_new(runs):
    for slug in OUTLETS:
        outlet = get_outlet(slug, {})
        urls = [url for url, _, _ in _responses(runs.store, runs.manifests[1], slug)]
        assert sorted(u for u in urls if "page" in u) == [], slug  # page 1 only
        assert {f"http://{outlet.host}{path}" for path in outlet.sections} <= set(urls)


def test_a_later_run_fetches_exactly_the_new_articles(runs):
    for slug in OUTLETS:
        published_since = {canonical_url(t.url) for t in runs.after.articles(slug)
                           if t.status == 200 and t.url not in {u.url for u in runs.before.articles(slug)}}
        outlet = get_outlet(slug, {})
        new_pages = {canonical_url(url) for url, status, kind in _responses(runs.store, runs.manifests[2], slug)
                     if outlet.is_article(url) and canonical_url(url) in published_since}
        counts = runs.manifests[2]["outlets"][slug]
        assert new_pages == published_since and counts["new"] + counts["duplicate"] == len(published_since), slug
