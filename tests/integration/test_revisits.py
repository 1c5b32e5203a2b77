"""Revisits: archived articles fetched again on their schedule. Unchanged: a WARC revisit
record and no new text record; changed: a new capture and a new version with a diff;
gone (410, or a redirect to the home page): a tombstone version."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from spiders.urls import canonical_url
from storage.retrieval import fetch_record, list_captures, original_of, read_payload
from storage.factory import open_store
from tests.integration.revisit_scenario import ARTICLES, OUTLETS, scenario

VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return scenario(tmp_path_factory)


def _records(runs, manifest: dict) -> list[dict]:
    records = []
    for entry in manifest["files"]:
        if entry["key"].startswith("articles/"):
            records += [json.loads(line) for line in gzip.decompress((runs.store / entry["key"]).read_bytes()).splitlines()]
    return records


def _truth(runs, slug: str):
    """(edited, removed) canonical URLs among the articles archived by the first run."""
    before = {t.url: t for t in runs.before.articles(slug)}
    edited, removed = set(), set()
    for truth in runs.after.articles(slug):
        if truth.url in before:
            if truth.status != 200:
                removed.add(canonical_url(truth.url))
            elif truth.body != before[truth.url].body:
                edited.add(canonical_url(truth.url))
    return edited, removed


def test_every_archived_article_due_is_revisited_and_counted(runs):
    for slug in OUTLETS:
        counts = runs.manifests[2]["outlets"][slug]
        edited, removed = _truth(runs, slug)
        assert counts["revisited"] == ARTICLES, counts
        assert (counts["changed"], counts["gone"]) == (len(edited), len(removed)), slug
    assert sum(len(_truth(runs, s)[0]) for s in OUTLETS) >= 5 and sum(len(_truth(runs, s)[1]) for s in OUTLETS) >= 2


def test_changed_articles_get_a_new_version_with_a_diff(runs):
    records = _records(runs, runs.manifests[2])
    for slug in OUTLETS:
        edited, _ = _truth(runs, slug)
        versions = {r["canonical_url"]: r for r in records if r["outlet"] == slug and r["version"] > 1 and r["status"] == "ok"}
        assert set(versions) == edited, slug
        for record in versions.values():
            assert record["version"] == 2 and record["text"]
            diff = record["diff"]
            assert diff["previous_version"] == 1 and diff["paragraphs_added"] >= 1 and diff["paragraphs_removed"] >= 1
            assert diff["words_added"] > 0 and diff["words_removed"] > 0
            truth = runs.after.truth_for_url(record["url"])
            assert truth.body.split("\n\n")[-1][:60] in record["text"]


def test_removed_articles_get_a_tombstone(runs):
    records = _records(runs, runs.manifests[2])
    for slug in OUTLETS:
        _, removed = _truth(runs, slug)
        tombstones = {r["canonical_url"]: r for r in records if r["outlet"] == slug and r["status"] == "gone"}
        assert set(tombstones) == removed, slug
        for record in tombstones.values():
            assert record["text"] == "" and record["version"] == 2 and record["title"]
            assert record["gone_at"].startswith("2026-12-30")
            # MENAFN sends readers of a removed article to its home page; South Front answers 410
            assert record["http_status"] == (301 if slug == "menafn" else 410)
            assert record["warc_length"] > 0


def test_unchanged_articles_get_a_revisit_record_and_no_new_text_record(runs):
    records = _records(runs, runs.manifests[2])
    revisit_urls = set()
    for entry in runs.manifests[2]["files"]:
        if entry["key"].startswith("warc/"):
            with open(runs.store / entry["key"], "rb") as stream:
                for record in ArchiveIterator(stream):
                    if record.rec_type == "revisit":
                        headers = record.rec_headers
                        assert headers.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
                        assert headers.get_header("WARC-Refers-To-Target-URI") == headers.get_header("WARC-Target-URI")
                        assert headers.get_header("WARC-Refers-To-Date").startswith("2026-11-20T13:")
                        assert headers.get_header("WARC-Payload-Digest").startswith("sha1:")
                        revisit_urls.add(canonical_url(headers.get_header("WARC-Target-URI")))
    assert len(revisit_urls) >= 10
    assert not revisit_urls & {r["canonical_url"] for r in records}


def test_revisit_records_pass_warcio_check_index_and_resolve_to_their_original(runs):
    store = open_store(str(runs.store))
    warcs = [runs.store / e["key"] for e in runs.manifests[2]["files"] if e["key"].endswith(".warc.gz")]
    revisits = 0
    for warc in warcs:
        check = subprocess.run([str(VENV_BIN / "warcio"), "check", "-v", str(warc)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        index = subprocess.run([str(VENV_BIN / "cdxj-indexer"), str(warc)], capture_output=True, text=True, check=True)
        revisits += sum('"mime": "warc/revisit"' in line for line in index.stdout.splitlines())
    assert revisits >= 10
    resolved = 0
    for slug in OUTLETS:
        for truth in runs.before.articles(slug)[:15]:
            url = truth.url.replace("https://", "http://")
            captures = list_captures(store, [url])
            for capture in (c for c in captures if c.is_revisit):
                original = original_of(store, capture, [url])
                assert not original.is_revisit and original.digest == capture.digest
                assert original.timestamp < capture.timestamp
                headers, payload = read_payload(fetch_record(store, original))
                assert headers.get_statuscode() == "200" and truth.title.split()[0].encode() in payload
                resolved += 1
    assert resolved >= 5


def test_the_state_keeps_every_capture_and_version(runs):
    from storage.state import StateStore

    with StateStore(runs.store / ".newsarchive" / "state.sqlite") as state:
        for slug in OUTLETS:
            edited, removed = _truth(runs, slug)
            latest = state.latest_versions(slug)
            assert {u for u, v in latest.items() if v.version == 2 and v.status == "ok"} == edited
            assert {u for u, v in latest.items() if v.status == "gone"} == removed
            some = sorted(set(latest) - edited - removed - {canonical_url(t.url) for t in runs.after.articles(slug)
                                                             if t.url not in {b.url for b in runs.before.articles(slug)}})
            kinds = [c.kind for c in state.captures_of(some[0])]
            assert kinds[0] == "response" and len(kinds) == 2
            # nothing more is due right after the revisits
            assert state.due_revisits(slug, __import__("datetime").datetime.fromisoformat("2026-12-30T14:00:00+00:00"),
                                      [1, 7, 30]) == []


def _crawl(replica, out: Path, *args: str) -> dict:
    import os

    stats = out / "stats.json"
    done = subprocess.run([sys.executable, "-m", "spiders.crawl", "--outlet", "sputnik", "--out", str(out / "warc"),
                           "--stats", str(stats), "--delay", "0", *args],
                          env={**os.environ, **replica.env()}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(stats.read_text())


def test_the_recorder_writes_a_revisit_for_a_304_or_an_identical_payload_and_a_response_otherwise(replica, tmp_path):
    first = _crawl(replica, tmp_path / "first", "--max-articles", "2")
    a, b = first["captures"]

    def due(capture: dict, **changes) -> dict:
        return {"canonical_url": capture["canonical"], "url": capture["url"], "payload_digest": capture["payload_digest"],
                "refers_to_uri": capture["url"], "refers_to_date": capture["date"], "etag": capture["etag"],
                "last_modified": capture["last_modified"], **changes}

    revisit_file = tmp_path / "revisit.jsonl"
    revisit_file.write_text("".join(json.dumps(d) + "\n" for d in (
        due(a, etag=None, last_modified=None),  # unconditional: 200 with the same payload
        due(b),  # conditional: 304
        due(a, etag=None, last_modified=None, payload_digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),  # differs
    )))
    again = _crawl(replica, tmp_path / "again", "--max-articles", "0", "--revisit", str(revisit_file))
    assert again["revisit_outcomes"] == {"unchanged": 2, "changed": 1}
    (warc,) = (tmp_path / "again" / "warc").glob("*.warc.gz")
    found, revisit_ids, requests_of = [], [], {}
    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type in ("response", "revisit") and uri in (a["url"], b["url"]):
                found.append((uri, record.rec_type, record.http_headers.get_statuscode(),
                              record.rec_headers.get_header("WARC-Payload-Digest")))
                if record.rec_type == "revisit":
                    revisit_ids.append(record.rec_headers.get_header("WARC-Record-ID"))
            if record.rec_type == "request":
                requests_of[record.rec_headers.get_header("WARC-Concurrent-To")] = uri
    # Each revisit has its request record beside it, as a response has.
    assert len(revisit_ids) == 2 and all(requests_of.get(i) in (a["url"], b["url"]) for i in revisit_ids)
    assert sorted(found) == sorted([(a["url"], "revisit", "200", a["payload_digest"]),
                                    (b["url"], "revisit", "304", b["payload_digest"]),
                                    (a["url"], "response", "200", a["payload_digest"])])
    check = subprocess.run([str(VENV_BIN / "warcio"), "check", "-v", str(warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
