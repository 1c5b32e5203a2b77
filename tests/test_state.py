"""The state store on SQLite and on PostgreSQL (a real server, started here)."""
from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from storage.state import MIGRATIONS, ArchivedArticle, StateError, StateStore
from tests.postgres import PostgresServer

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
