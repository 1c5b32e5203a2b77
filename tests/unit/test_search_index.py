"""The web app's search index (SQLite FTS5): incremental updates, versions, filters, clusters,
query safety and the escaping of snippets."""
from __future__ import annotations

import gzip
import json
from datetime import date

import pytest

from flows.web.index import Filters, Query, SearchIndex, SearchIndexError, marked_html
from storage.local import LocalStore

DAY = "articles/sputnik/2026/11/20/20261120T130000Z-aaaaaaaa.jsonl.gz"
LATER = "articles/sputnik/2026/12/30/20261230T130000Z-bbbbbbbb.jsonl.gz"
MENAFN = "articles/menafn/2026/11/20/20261120T130000Z-cccccccc.jsonl.gz"


def record(url: str, text: str, *, outlet: str = "sputnik", title: str = "A title", version: int = 1,
           status: str = "ok", published: str = "2026-11-20T13:35:00+03:00", language: str = "en", **extra) -> dict:
    return {"url": url.replace("https://", "http://"), "canonical_url": url, "outlet": outlet, "title": title,
            "authors": ["A. Writer"], "published": published, "language": language, "text": text,
            "tags": ["Energy"], "section": "World", "original_source": None, "version": version, "status": status,
            "fetched_at": "2026-11-20T13:00:00+00:00", "text_sha256": f"sha-{version}", "diff": None,
            "cluster_id": None, "original_url": None, "gone_at": None, "http_status": None, **extra}


def put(store: LocalStore, key: str, records: list[dict]) -> None:
    data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    store.put_bytes(key, gzip.compress(data, mtime=0))


A = "https://sputnikglobe.com/20261120/pipeline-talks-1108199001.html"
B = "https://sputnikglobe.com/20261120/port-reopens-1108199002.html"
C = "https://menafn.com/1109300001/Pipeline-Talks"


@pytest.fixture
def store(tmp_path) -> LocalStore:
    return LocalStore(tmp_path / "store")


@pytest.fixture
def index(tmp_path):
    with SearchIndex(tmp_path / "search.sqlite") as index:
        yield index


def urls(results) -> list[str]:
    return [hit.canonical_url for hit in results.hits]


def test_the_update_indexes_only_new_record_files(store, index):
    put(store, DAY, [record(A, "Gas pipeline talks resumed in Vienna."), record(B, "The port reopened on Monday.")])
    first = index.update(store)
    assert (first.files, first.records) == (1, 2)
    assert urls(index.search("pipeline")) == [A]
    again = index.update(store)
    assert (again.files, again.records) == (0, 0)
    put(store, MENAFN, [record(C, "Pipeline talks, as MENAFN ran them.", outlet="menafn")])
    third = index.update(store)
    assert (third.files, third.records) == (1, 1)
    assert sorted(urls(index.search("pipeline"))) == sorted([A, C])
    assert index.stats()["files"] == 2


def test_a_new_version_replaces_the_text_and_a_tombstone_keeps_the_last_one(store, index):
    put(store, DAY, [record(A, "Gas pipeline talks resumed in Vienna.")])
    put(store, LATER, [
        record(A, "Talks collapsed over transit fees.", version=2,
               diff={"previous_version": 1, "paragraphs_added": 1, "paragraphs_removed": 1,
                     "words_added": 5, "words_removed": 6}),
        record(A, "", version=3, status="gone", gone_at="2026-12-30T13:05:00+00:00", http_status=410),
    ])
    index.update(store)
    assert urls(index.search("transit fees")) == [A]
    assert urls(index.search("Vienna")) == []  # version 1's words are no longer its text
    article = index.article(A)
    assert (article.version, article.status, article.http_status) == (3, "gone", 410)
    versions = index.versions(A)
    assert [(v.version, v.status) for v in versions] == [(1, "ok"), (2, "ok"), (3, "gone")]
    assert versions[1].diff["words_added"] == 5 and versions[1].articles_key == LATER
    assert urls(index.search("", Filters(has_versions=True))) == [A]


def test_record_files_indexed_in_any_order_end_in_the_same_state(store, tmp_path):
    put(store, DAY, [record(A, "Gas pipeline talks resumed in Vienna.")])
    put(store, LATER, [record(A, "Talks collapsed over transit fees.", version=2)])
    with SearchIndex(tmp_path / "reverse.sqlite") as index:
        index.update(store, [LATER, DAY])
        assert urls(index.search("transit")) == [A] and urls(index.search("Vienna")) == []
        assert index.article(A).version == 2


def test_filters_narrow_the_results(store, index):
    put(store, DAY, [
        record(A, "Pipeline talks resumed.", published="2026-11-20T13:35:00+03:00"),
        record(B, "Pipeline repairs in the port.", published="2026-11-02T08:00:00+00:00", language="fr"),
    ])
    put(store, MENAFN, [record(C, "Pipeline talks resumed, MENAFN says.", outlet="menafn", cluster_id=A,
                               original_url=A)])
    index.update(store)
    assert sorted(urls(index.search("pipeline"))) == sorted([A, B, C])
    assert urls(index.search("pipeline", Filters(outlet="menafn"))) == [C]
    assert urls(index.search("pipeline", Filters(language="fr"))) == [B]
    november_20 = Filters(published_from=date(2026, 11, 20), published_to=date(2026, 11, 20))
    assert sorted(urls(index.search("pipeline", november_20))) == sorted([A, C])
    assert urls(index.search("pipeline", Filters(published_to=date(2026, 11, 19)))) == [B]
    # The copy names its original: both are in the cluster, the original too (its own record says nothing).
    assert sorted(urls(index.search("pipeline", Filters(in_cluster=True)))) == sorted([A, C])


def test_a_cluster_lists_every_member_and_marks_the_original(store, index):
    put(store, DAY, [record(A, "Pipeline talks resumed."), record(B, "Another story.")])
    put(store, MENAFN, [record(C, "Pipeline talks resumed.", outlet="menafn", cluster_id=A, original_url=A)])
    index.update(store)
    members = index.cluster(C)
    assert [(m.canonical_url, m.outlet, m.is_original) for m in members] == [
        (C, "menafn", False), (A, "sputnik", True)]
    assert [m.canonical_url for m in index.cluster(A)] == [C, A]
    assert index.cluster(B) == []


def test_an_original_archived_after_its_copy_names_itself(store, index):
    # The copy came first and matched nothing; the original matched it and is its own original.
    put(store, MENAFN, [record(C, "Pipeline talks resumed.", outlet="menafn")])
    put(store, DAY, [record(A, "Pipeline talks resumed.", cluster_id=C, original_url=None)])
    index.update(store)
    assert [(m.canonical_url, m.is_original) for m in index.cluster(C)] == [(C, False), (A, True)]


def test_the_title_weighs_more_than_the_text(store, index):
    put(store, DAY, [record(A, "Talks. " + "Nothing else happened. " * 5 + "Kerch was mentioned once.",
                            title="Weather report"),
                     record(B, "The bridge stood. " * 6, title="Kerch bridge reopens")])
    index.update(store)
    assert urls(index.search("kerch")) == [B, A]


def test_paging_and_totals(store, index):
    put(store, DAY, [record(f"https://sputnikglobe.com/20261120/n-{n}.html", f"Harbour story number {n}.")
                     for n in range(45)])
    index.update(store)
    first, third = index.search("harbour", per_page=20), index.search("harbour", page=3, per_page=20)
    assert (first.total, first.pages, len(first.hits), len(third.hits)) == (45, 3, 20, 5)
    assert not set(urls(first)) & set(urls(third))


def test_any_query_text_is_safe_and_fts_syntax_is_not_interpreted(store, index):
    put(store, DAY, [record(A, "Pipeline talks resumed NEAR the border OR the coast.")])
    index.update(store)
    for text in ['"', "AND", "pipe*line(", "NEAR(", "title:pipeline", "-", "***", "a\"b", "\ue000", "')--"]:
        index.search(text)  # never an FTS5 syntax error
    assert urls(index.search("pipe*")) == [A]  # a trailing * is a prefix
    assert urls(index.search('"talks resumed"')) == [A]
    assert urls(index.search('"resumed talks"')) == []  # a phrase keeps its order
    assert urls(index.search("pipeline -coast")) == []
    assert urls(index.search("pipeline -harbour")) == [A]
    assert urls(index.search("OR")) == [A]  # the word, not the operator
    assert Query("title:pipeline").match == '"title:pipeline"'


def test_snippets_are_escaped_and_only_the_matches_are_marked(store, index):
    hostile = 'Before <script>alert("x")</script> the <b>pipeline</b> & "talks" \ue000end\ue001.'
    put(store, DAY, [record(A, hostile, title="<img src=x onerror=alert(1)> Pipeline")])
    index.update(store)
    hit = index.search("pipeline").hits[0]
    snippet, title = str(hit.snippet_html), str(hit.title_html)
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert "&lt;b&gt;<mark>pipeline</mark>&lt;/b&gt;" in snippet
    assert "&amp; &#34;talks&#34;" in snippet
    assert snippet.count("<mark>") == 1  # the private-use markers in the text were removed, not honoured
    assert title == "&lt;img src=x onerror=alert(1)&gt; <mark>Pipeline</mark>"
    assert str(marked_html("<i>x</i>")) == "&lt;i&gt;x&lt;/i&gt;"


def test_rebuild_starts_from_nothing_and_a_read_only_index_refuses_writes(store, tmp_path):
    path = tmp_path / "search.sqlite"
    put(store, DAY, [record(A, "Pipeline talks resumed.")])
    with SearchIndex(path) as index:
        index.update(store)
    store.delete(DAY)
    put(store, LATER, [record(B, "The port reopened.")])
    with SearchIndex(path) as index:
        result = index.rebuild(store)
        assert result.files == 1 and urls(index.search("pipeline")) == [] and urls(index.search("port")) == [B]
    with SearchIndex(path, read_only=True) as reader:
        assert urls(reader.search("port")) == [B]
        with pytest.raises(SearchIndexError):
            reader.update(store)
    with pytest.raises(SearchIndexError):
        SearchIndex(tmp_path / "missing.sqlite", read_only=True)


def test_unreadable_record_files_are_reported_and_skipped(store, index):
    store.put_bytes(DAY, b"not gzip")
    put(store, MENAFN, [record(C, "Pipeline talks.", outlet="menafn")])
    result = index.update(store)
    assert result.files == 1 and len(result.skipped) == 1 and result.skipped[0].startswith(DAY)
    assert DAY not in index.indexed_files()  # tried again next time
