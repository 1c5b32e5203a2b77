"""Crawl state between runs: which articles are archived, and under which text.

Embedded SQLite by default (a file path or ``sqlite:///path``); PostgreSQL
through a database URL (``postgresql://user@host:port/db``) when several
workers share one archive. A decision ("this URL is archived", "this text is
known") is committed only after the data it refers to is confirmed in the
store, so a crash can leave work to redo but never marks an unstored article
as seen.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

metadata = sa.MetaData()

articles = sa.Table(
    "articles", metadata,
    sa.Column("canonical_url", sa.Text, primary_key=True),
    sa.Column("outlet", sa.Text, nullable=False, index=True),
    sa.Column("text_sha256", sa.Text, nullable=False),
    sa.Column("first_run", sa.Text, nullable=False),
    sa.Column("last_run", sa.Text, nullable=False),
    sa.Column("articles_key", sa.Text, nullable=False),
)
texts = sa.Table(
    "texts", metadata,
    sa.Column("text_sha256", sa.Text, primary_key=True),
    sa.Column("canonical_url", sa.Text, nullable=False),
)
runs = sa.Table(
    "runs", metadata,
    sa.Column("run_id", sa.Text, primary_key=True),
    sa.Column("started", sa.Text, nullable=False),
    sa.Column("finished", sa.Text),
    sa.Column("manifest_key", sa.Text),
)
signatures = sa.Table(
    "signatures", metadata,
    sa.Column("canonical_url", sa.Text, primary_key=True),
    sa.Column("outlet", sa.Text, nullable=False),
    sa.Column("published", sa.Text),
    sa.Column("credited_outlet", sa.Text),
    sa.Column("minhash", sa.Text, nullable=False),
)
schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, nullable=False),
)


def _create(*tables: sa.Table) -> Callable[[Connection], None]:
    return lambda conn: [table.create(conn) for table in tables]


# Each entry upgrades the schema by one version; never edit a shipped entry, add one.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _create(articles, texts, runs),
    _create(signatures),
)


@dataclass(frozen=True)
class ArchivedArticle:
    canonical_url: str
    outlet: str
    text_sha256: str
    articles_key: str  # the articles/... object holding its record
    published: str | None = None
    credited_outlet: str | None = None  # slug of the outlet the page credits as its source
    minhash: str | None = None  # hex of the near-duplicate signature


class StateError(Exception):
    pass


def database_url(location: str | Path) -> str:
    """A path means SQLite; a URL is used as given (``postgresql://`` uses psycopg 3)."""
    text = str(location)
    if "://" not in text:
        return f"sqlite:///{Path(text)}"
    if text.startswith("postgresql://") or text.startswith("postgres://"):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def _redacted(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


class StateStore:
    def __init__(self, location: str | Path):
        self.url = database_url(location)
        try:
            if self.url.startswith("sqlite:///"):
                Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self._engine = self._connect(self.url)
            self._migrate()
        except (OSError, sa.exc.SQLAlchemyError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise StateError(f"cannot open state database {_redacted(self.url)}: {reason}") from None

    @staticmethod
    def _connect(url: str) -> Engine:
        if url.startswith("sqlite"):
            engine = sa.create_engine(url, connect_args={"timeout": 30})

            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection, _record):  # durable, and readers never block the writer
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=FULL")
                cursor.close()

            return engine
        return sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._engine.connect() as conn:
            if not sa.inspect(conn).has_table("schema_version"):
                return 0
            return conn.execute(sa.select(schema_version.c.version)).scalar_one_or_none() or 0

    def _migrate(self) -> None:
        with self._engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # one migrating worker at a time
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(74656)"))
            if not sa.inspect(conn).has_table("schema_version"):
                schema_version.create(conn)
                conn.execute(schema_version.insert().values(version=0))
            current = conn.execute(sa.select(schema_version.c.version)).scalar_one()
            for version, migration in enumerate(MIGRATIONS[current:], start=current + 1):
                migration(conn)
                conn.execute(schema_version.update().values(version=version))

    def _upsert(self, conn: Connection, table: sa.Table, row: dict, update: Iterable[str] = ()) -> None:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(table).values(**row)
        keys = [c.name for c in table.primary_key.columns]
        update = list(update)
        if update:
            statement = statement.on_conflict_do_update(
                index_elements=keys, set_={name: statement.excluded[name] for name in update})
        else:
            statement = statement.on_conflict_do_nothing(index_elements=keys)
        conn.execute(statement)

    def seen_urls(self, outlet: str | None = None) -> set[str]:
        query = sa.select(articles.c.canonical_url)
        if outlet is not None:
            query = query.where(articles.c.outlet == outlet)
        with self._engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def owner_of_text(self, text_sha256: str) -> str | None:
        """The canonical URL first archived with this normalised text, if any."""
        with self._engine.connect() as conn:
            return conn.execute(
                sa.select(texts.c.canonical_url).where(texts.c.text_sha256 == text_sha256)
            ).scalar_one_or_none()

    def start_run(self, run_id: str, started: str) -> None:
        with self._engine.begin() as conn:
            self._upsert(conn, runs, {"run_id": run_id, "started": started})

    def commit_run(self, run_id: str, finished: str, manifest_key: str, archived: Iterable[ArchivedArticle]) -> None:
        """Record a run's stored articles in one transaction (call after the store confirmed them)."""
        with self._engine.begin() as conn:
            for article in archived:
                self._upsert(conn, articles, {
                    "canonical_url": article.canonical_url, "outlet": article.outlet,
                    "text_sha256": article.text_sha256, "first_run": run_id, "last_run": run_id,
                    "articles_key": article.articles_key,
                }, update=("text_sha256", "last_run", "articles_key"))
                self._upsert(conn, texts, {"text_sha256": article.text_sha256,
                                           "canonical_url": article.canonical_url})
                if article.minhash:
                    self._upsert(conn, signatures, {
                        "canonical_url": article.canonical_url, "outlet": article.outlet,
                        "published": article.published, "credited_outlet": article.credited_outlet,
                        "minhash": article.minhash,
                    }, update=("outlet", "published", "credited_outlet", "minhash"))
            self._upsert(conn, runs, {"run_id": run_id, "started": finished, "finished": finished,
                                      "manifest_key": manifest_key}, update=("finished", "manifest_key"))

    def signatures(self) -> Iterator[tuple[str, str, str | None, str | None, str]]:
        """(canonical_url, outlet, published, credited_outlet, minhash hex) of every archived article."""
        query = sa.select(signatures.c.canonical_url, signatures.c.outlet, signatures.c.published,
                          signatures.c.credited_outlet, signatures.c.minhash).order_by(signatures.c.canonical_url)
        with self._engine.connect() as conn:
            yield from (tuple(row) for row in conn.execute(query))

    def article_count(self, outlet: str | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(articles)
        if outlet is not None:
            query = query.where(articles.c.outlet == outlet)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar_one()
