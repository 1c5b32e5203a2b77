"""The state store on SQLite and on PostgreSQL (a real server, started here)."""
from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from storage.state import MIGRATIONS, ArchivedArticle, StateError, StateStore
from tests.servers.postgres import PostgresServer

_databases = itertools.count()


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def state_location(request, tmp_path):
    if request.param == "sqlite":
        return tmp_path / "state.sqlite"
    return request.getfixturevalue("postgres").create_database(f"state{next(_databases)}")


def _article(url: str, text: str = "t1", outlet: str = "sputnik", minhash: str | None = None) -> ArchivedArticle:
    return ArchivedArticle(url, outlet, text, "articles/x.jsonl.gz", "2026-11-20T12:00:00+00:00", None, minhash)


def test_fresh_database_is_migrated_to_the_latest_version(state_location):
    with StateStore(state_location) as state:
        assert state.schema_version == len(MIGRATIONS)
        assert state.seen_urls() == set()


def test_committed_run_is_seen_by_a_new_connection(state_location):
    with StateStore(state_location) as state:
        state.start_run("r1", "2026-11-22T00:00:00+00:00")
        state.commit_run("r1", "2026-11-22T00:01:00+00:00", "manifests/r1.json",
                         [_article("https://a/1", "h1", minhash="00ff"), _article("https://b/2", "h2", "menafn")])
    with StateStore(state_location) as state:
        assert state.seen_urls() == {"https://a/1", "https://b/2"}
        assert state.seen_urls("menafn") == {"https://b/2"}
        assert state.owner_of_text("h2") == "https://b/2"
        assert state.owner_of_text("nope") is None
        assert state.article_count() == 2
        assert list(state.signatures()) == [("https://a/1", "sputnik", "2026-11-20T12:00:00+00:00", None, "00ff")]


def test_the_owners_of_many_texts_are_looked_up_in_batches(state_location):
    # more texts than one IN (...) query binds, on SQLite and PostgreSQL
    from storage import state as state_module

    count = 2 * state_module._IN_BATCH + 7
    with StateStore(state_location) as state:
        state.commit_run("r1", "t", "m1", [_article(f"https://a/{n}", f"h{n}") for n in range(count)])
        owners = state.owners_of_texts([f"h{n}" for n in range(count)] + ["nope", "h3"])
    assert len(owners) == count and owners["h3"] == "https://a/3" and "nope" not in owners


def test_recommitting_keeps_the_first_owner_of_a_text(state_location):
    with StateStore(state_location) as state:
        state.commit_run("r1", "t", "m1", [_article("https://a/1", "same")])
        state.commit_run("r2", "t", "m2", [_article("https://a/1", "same"), _article("https://a/2", "same")])
        assert state.owner_of_text("same") == "https://a/1"
        assert state.article_count() == 2


def test_a_failed_commit_records_nothing(state_location):
    class Boom(Exception):
        pass

    def articles():
        yield _article("https://a/1")
        raise Boom

    with StateStore(state_location) as state:
        with pytest.raises(Boom):
            state.commit_run("r1", "t", "m", articles())
        assert state.seen_urls() == set()


def test_an_old_database_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    from storage.state import schema_version

    with engine.begin() as conn:  # a database written by the first release: migration 1 only
        schema_version.create(conn)
        conn.execute(schema_version.insert().values(version=1))
        MIGRATIONS[0](conn)
        conn.execute(sa.text("INSERT INTO articles VALUES ('https://a/1', 'sputnik', 'h', 'r0', 'r0', 'k')"))
    engine.dispose()
    with StateStore(path) as state:
        assert state.schema_version == len(MIGRATIONS)
        assert state.seen_urls() == {"https://a/1"}
        assert list(state.signatures()) == []


def test_unreachable_database_is_a_one_line_error_without_the_password():
    with pytest.raises(StateError) as error:
        StateStore("postgresql://user:secret@127.0.0.1:1/db")
    message = str(error.value)
    assert "\n" not in message and "secret" not in message and "127.0.0.1:1" in message


# -- captures, versions, validators, revisits (schema version 3) ----------------------

from datetime import datetime, timezone  # noqa: E402

from storage.state import CaptureRow, Validator, VersionRow  # noqa: E402

_PUBLISHED = "2026-11-20T15:00:00+03:00"  # 12:00 UTC


def _capture(url: str, when: str, kind: str = "response", digest: str = "sha1:AAA", status: int = 200) -> CaptureRow:
    return CaptureRow(url, when, url.replace("https://", "http://"), "sputnik", status, kind, digest,
                      "warc/sputnik/2026/11/20/x.warc.gz", f"<urn:uuid:{when}>", '"e1"', "Fri, 20 Nov 2026 12:00:00 GMT")


def _first_version(url: str) -> VersionRow:
    return VersionRow(url, 1, "sputnik", "ok", "2026-11-20T12:30:00Z", "h1", "articles/x.jsonl.gz", _PUBLISHED)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_captures_versions_and_validators_round_trip(state_location):
    url = "https://sputnikglobe.com/a"
    with StateStore(state_location) as state:
        state.commit_run("r1", "t", "m1", [_article(url, "h1")], captures=[_capture(url, "2026-11-20T12:30:00.5Z")],
                         versions=[_first_version(url)],
                         validators=[Validator("http://sputnikglobe.com/export/rss2/archive/index.xml", "sputnik",
                                               '"v1"', "Fri, 20 Nov 2026 12:00:00 GMT")])
        diff = {"previous_version": 1, "paragraphs_added": 1, "paragraphs_removed": 1}
        state.commit_run("r2", "t", "m2", [], captures=[_capture(url, "2026-11-21T12:30:00Z", digest="sha1:BBB")],
                         versions=[VersionRow(url, 2, "sputnik", "ok", "2026-11-21T12:30:00Z", "h2", "articles/y", _PUBLISHED,
                                              diff=diff)],
                         validators=[Validator("http://sputnikglobe.com/export/rss2/archive/index.xml", "sputnik",
                                               lastmod="2026-11-21")])
    with StateStore(state_location) as state:
        assert [c.fetched_at for c in state.captures_of(url)] == ["2026-11-20T12:30:00.5Z", "2026-11-21T12:30:00Z"]
        assert state.captures_of(url)[0].run_id == "r1"
        assert [(v.version, v.diff) for v in state.versions_of(url)] == [(1, None), (2, diff)]
        assert state.latest_versions("sputnik")[url].text_sha256 == "h2"
        (validator,) = state.validators("sputnik").values()
        assert (validator.etag, validator.lastmod) == ('"v1"', "2026-11-21")  # a missing value keeps the stored one


def test_articles_are_due_for_a_revisit_once_per_scheduled_day(state_location):
    url = "https://sputnikglobe.com/a"
    with StateStore(state_location) as state:
        state.commit_run("r1", "t", "m", [_article(url, "h1")], captures=[_capture(url, "2026-11-20T12:30:00Z")],
                         versions=[_first_version(url)])
        schedule = [1, 7, 30]
        assert state.due_revisits("sputnik", _at("2026-11-21T11:59:00"), schedule) == []
        (due,) = state.due_revisits("sputnik", _at("2026-11-21T12:01:00"), schedule)
        assert (due.url, due.payload_digest, due.refers_to_date, due.etag, due.version) == (
            "http://sputnikglobe.com/a", "sha1:AAA", "2026-11-20T12:30:00Z", '"e1"', 1)
        assert state.due_revisits("sputnik", _at("2026-11-21T12:01:00"), []) == []
        assert state.due_revisits("menafn", _at("2026-11-21T12:01:00"), schedule) == []
        # revisited on day 1, payload unchanged: due again on day 7, still referring to the first response
        state.commit_run("r2", "t", "m", [], captures=[_capture(url, "2026-11-21T12:05:00Z", "revisit", status=304)])
        assert state.due_revisits("sputnik", _at("2026-11-26T00:00:00"), schedule) == []
        (due,) = state.due_revisits("sputnik", _at("2026-11-27T12:00:00"), schedule)
        assert (due.last_capture, due.refers_to_date) == ("2026-11-21T12:05:00Z", "2026-11-20T12:30:00Z")
        # a revisit long after the last scheduled day catches up once, then never again
        state.commit_run("r3", "t", "m", [], captures=[_capture(url, "2027-03-01T00:00:00Z", "revisit", status=304)])
        assert state.due_revisits("sputnik", _at("2027-06-01T00:00:00"), schedule) == []


def test_a_gone_article_is_never_due_again(state_location):
    url = "https://sputnikglobe.com/a"
    with StateStore(state_location) as state:
        state.commit_run("r1", "t", "m", [_article(url, "h1")], captures=[_capture(url, "2026-11-20T12:30:00Z")],
                         versions=[_first_version(url)])
        state.commit_run("r2", "t", "m", [], captures=[_capture(url, "2026-11-21T12:30:00Z", "gone", status=410)],
                         versions=[VersionRow(url, 2, "sputnik", "gone", "2026-11-21T12:30:00Z", None, "articles/y",
                                              _PUBLISHED, http_status=410)])
        assert state.due_revisits("sputnik", _at("2026-12-30T00:00:00"), [1, 7, 30]) == []
        assert [v.status for v in state.versions_of(url)] == ["ok", "gone"]


def test_reapplying_a_commit_changes_nothing(state_location):
    url = "https://sputnikglobe.com/a"
    commit = dict(captures=[_capture(url, "2026-11-20T12:30:00Z")], versions=[_first_version(url)])
    with StateStore(state_location) as state:
        state.commit_run("r1", "t", "m", [_article(url, "h1")], **commit)
        state.commit_run("r1", "t", "m", [_article(url, "h1")], **commit)  # a crash before the pending file went
        assert len(state.captures_of(url)) == 1 and len(state.versions_of(url)) == 1


def test_upgrading_makes_every_archived_article_its_version_1(tmp_path):
    path = tmp_path / "v2.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    from storage.state import schema_version

    with engine.begin() as conn:  # a database of schema version 2
        schema_version.create(conn)
        conn.execute(schema_version.insert().values(version=2))
        MIGRATIONS[0](conn)
        MIGRATIONS[1](conn)
        conn.execute(sa.text("INSERT INTO articles VALUES ('https://a/1', 'sputnik', 'h', 'r0', 'r0', 'k')"))
        conn.execute(sa.text("INSERT INTO signatures VALUES ('https://a/1', 'sputnik', '2026-11-20T12:00:00+00:00', NULL, 'ff')"))
    engine.dispose()
    with StateStore(path) as state:
        assert state.schema_version == len(MIGRATIONS)  # every later migration applied, in order
        assert state.health_history("sputnik") == []  # the health table (schema version 4) exists
        (version,) = state.versions_of("https://a/1")
        assert (version.version, version.status, version.text_sha256, version.published, version.articles_key) == (
            1, "ok", "h", "2026-11-20T12:00:00+00:00", "k")
        assert state.due_revisits("sputnik", _at("2026-12-30T00:00:00"), [1]) == []  # no capture known: not due


def _open_at_once(path: str, start) -> str:
    start.wait(10)
    try:
        with StateStore(path) as state:
            return f"ok {state.schema_version}"
    except StateError as exc:
        return f"error {exc}"


def test_processes_opening_a_new_sqlite_database_at_once_all_get_it_migrated(tmp_path):
    """Workers of one run on one machine may open the state at the same moment. (Fails without
    the migration lock in ``StateStore.__init__``: some of them create the tables twice.)"""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    path = str(tmp_path / "state.sqlite")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(8) as pool:
            pending = [pool.apply_async(_open_at_once, (path, start)) for _ in range(8)]
            start.set()
            results = [p.get(60) for p in pending]
    assert results == [f"ok {len(MIGRATIONS)}"] * 8, results
