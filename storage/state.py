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
import fcntl
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

metadata = sa.MetaData()
# Values bound in one IN (...) query: well under SQLite's and PostgreSQL's limits on parameters.
_IN_BATCH = 500

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
# Every fetch of an archived article: the first one, revisits, the one that found it gone.
capture_table = sa.Table(
    "captures", metadata,
    sa.Column("canonical_url", sa.Text, primary_key=True),
    sa.Column("fetched_at", sa.Text, primary_key=True),  # the record's WARC-Date, verbatim
    sa.Column("url", sa.Text, nullable=False),  # as fetched (the WARC-Target-URI)
    sa.Column("outlet", sa.Text, nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),  # response | revisit | gone
    sa.Column("payload_digest", sa.Text),
    sa.Column("warc_key", sa.Text),
    sa.Column("warc_record_id", sa.Text),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("run_id", sa.Text),
)
# Every version of an article's text, and the tombstone of one that vanished.
version_table = sa.Table(
    "versions", metadata,
    sa.Column("canonical_url", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("outlet", sa.Text, nullable=False, index=True),
    sa.Column("status", sa.Text, nullable=False),  # ok | gone
    sa.Column("fetched_at", sa.Text),
    sa.Column("text_sha256", sa.Text),
    sa.Column("articles_key", sa.Text),
    sa.Column("published", sa.Text),
    sa.Column("http_status", sa.Integer),
    sa.Column("diff", sa.Text),  # JSON summary of the change from the previous version
    sa.Column("run_id", sa.Text),
)
# Conditional-GET validators of discovery URLs (feeds, sitemaps), and the lastmod a
# sitemap index last listed for a child sitemap that was then read in full.
validator_table = sa.Table(
    "validators", metadata,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("outlet", sa.Text, nullable=False, index=True),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("lastmod", sa.Text),
)

# Extraction health of each outlet in each run (signals as JSON), with the drift verdict.
health_table = sa.Table(
    "health", metadata,
    sa.Column("run_id", sa.Text, primary_key=True),
    sa.Column("outlet", sa.Text, primary_key=True),
    sa.Column("recorded", sa.Text, nullable=False),  # ISO time; orders an outlet's runs
    sa.Column("verdict", sa.Text, nullable=False),  # healthy | degraded | baseline | too few pages
    sa.Column("signals", sa.Text, nullable=False),  # JSON object of flows.health.signals.OutletHealth
    sa.Column("findings", sa.Text, nullable=False),  # JSON list of one-line findings
)


def _create(*tables: sa.Table) -> Callable[[Connection], None]:
    return lambda conn: [table.create(conn) for table in tables]


def _versions_and_captures(conn: Connection) -> None:
    """Captures, versions and validators; every archived article becomes its version 1."""
    _create(capture_table, version_table, validator_table)(conn)
    conn.execute(sa.text(
        "INSERT INTO versions (canonical_url, version, outlet, status, text_sha256, articles_key, published, run_id) "
        "SELECT a.canonical_url, 1, a.outlet, 'ok', a.text_sha256, a.articles_key, s.published, a.last_run "
        "FROM articles a LEFT JOIN signatures s ON s.canonical_url = a.canonical_url"))


# Each entry upgrades the schema by one version; never edit a shipped entry, add one.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _create(articles, texts, runs),
    _create(signatures),
    _versions_and_captures,
    _create(health_table),
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


@dataclass(frozen=True)
class CaptureRow:
    """One fetch of an archived article, as recorded in the WARC."""
    canonical_url: str
    fetched_at: str  # WARC-Date of the record, verbatim
    url: str
    outlet: str
    status: int
    kind: str  # "response" (payload stored), "revisit" (payload unchanged), "gone"
    payload_digest: str | None = None
    warc_key: str | None = None
    warc_record_id: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    run_id: str | None = None


@dataclass(frozen=True)
class VersionRow:
    canonical_url: str
    version: int  # 1 for the first capture, then one more per change of text
    outlet: str
    status: str  # "ok", or "gone" for a tombstone
    fetched_at: str | None = None
    text_sha256: str | None = None
    articles_key: str | None = None  # the articles/... object holding this version's record
    published: str | None = None
    http_status: int | None = None
    diff: dict | None = None  # what changed since the previous version
    run_id: str | None = None


@dataclass(frozen=True)
class Validator:
    url: str  # a discovery URL as fetched
    outlet: str
    etag: str | None = None
    last_modified: str | None = None
    lastmod: str | None = None  # what the sitemap index listed when this sitemap was last read


@dataclass(frozen=True)
class HealthRow:
    """One outlet's extraction health in one run."""
    run_id: str
    outlet: str
    recorded: str
    verdict: str
    signals: dict
    findings: list[str]


@dataclass(frozen=True)
class RevisitDue:
    """An archived article due to be fetched again, with what a conditional GET needs."""
    canonical_url: str
    url: str  # as last fetched
    last_capture: str  # WARC-Date of the latest capture
    payload_digest: str | None  # of the stored payload (the latest response record)
    refers_to_uri: str | None  # WARC-Target-URI of that response record
    refers_to_date: str | None  # its WARC-Date
    etag: str | None
    last_modified: str | None
    version: int  # the latest version number
    published: str | None


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
            self._engine = self._connect(self.url)
            if self.url.startswith("sqlite:///"):
                path = Path(self.url.removeprefix("sqlite:///"))
                path.parent.mkdir(parents=True, exist_ok=True)
                # Processes opening a new database at once would each create its tables.
                with open(path.with_name(path.name + ".migrate-lock"), "a") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)
                    self._migrate()
            else:
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

    def _upsert(self, conn: Connection, table: sa.Table, rows: dict | list[dict], update: Iterable[str] = ()) -> None:
        """Insert ``rows`` (one, or many with the same keys, sent as one batch); on a primary-key
        conflict update the ``update`` columns, or leave the row as it is."""
        keys = [c.name for c in table.primary_key.columns]
        update = list(update)
        unique: dict[tuple, dict] = {}  # a key twice in one batch: the last row updates, the first inserts
        for row in [rows] if isinstance(rows, dict) else rows:
            key = tuple(row[k] for k in keys)
            if update or key not in unique:
                unique[key] = row
        if not unique:
            return
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(table)
        if update:
            statement = statement.on_conflict_do_update(
                index_elements=keys, set_={name: statement.excluded[name] for name in update})
        else:
            statement = statement.on_conflict_do_nothing(index_elements=keys)
        conn.execute(statement, list(unique.values()))

    def seen_urls(self, outlet: str | None = None) -> set[str]:
        query = sa.select(articles.c.canonical_url)
        if outlet is not None:
            query = query.where(articles.c.outlet == outlet)
        with self._engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def owner_of_text(self, text_sha256: str) -> str | None:
        """The canonical URL first archived with this normalised text, if any."""
        return self.owners_of_texts([text_sha256]).get(text_sha256)

    def owners_of_texts(self, hashes: Iterable[str]) -> dict[str, str]:
        """:meth:`owner_of_text` of many texts in a few queries: ``{sha256: canonical URL}``
        for those archived already."""
        wanted, found = sorted(set(hashes)), {}
        with self._engine.connect() as conn:
            for start in range(0, len(wanted), _IN_BATCH):
                rows = conn.execute(sa.select(texts.c.text_sha256, texts.c.canonical_url)
                                    .where(texts.c.text_sha256.in_(wanted[start:start + _IN_BATCH])))
                found.update((sha256, url) for sha256, url in rows)
        return found

    def start_run(self, run_id: str, started: str) -> None:
        with self._engine.begin() as conn:
            self._upsert(conn, runs, {"run_id": run_id, "started": started})

    def commit_run(self, run_id: str, finished: str, manifest_key: str, archived: Iterable[ArchivedArticle],
                   captures: Iterable[CaptureRow] = (), versions: Iterable[VersionRow] = (),
                   validators: Iterable[Validator] = ()) -> None:
        """Record a run's stored articles, captures, versions and discovery validators in one
        transaction (call after the store confirmed the files they refer to)."""
        archived = list(archived)
        with self._engine.begin() as conn:
            self._upsert(conn, articles, [{
                "canonical_url": a.canonical_url, "outlet": a.outlet, "text_sha256": a.text_sha256,
                "first_run": run_id, "last_run": run_id, "articles_key": a.articles_key,
            } for a in archived], update=("text_sha256", "last_run", "articles_key"))
            self._upsert(conn, texts, [{"text_sha256": a.text_sha256, "canonical_url": a.canonical_url}
                                       for a in archived])
            self._upsert(conn, signatures, [{
                "canonical_url": a.canonical_url, "outlet": a.outlet, "published": a.published,
                "credited_outlet": a.credited_outlet, "minhash": a.minhash,
            } for a in archived if a.minhash], update=("outlet", "published", "credited_outlet", "minhash"))
            self._upsert(conn, capture_table, [{**asdict(c), "run_id": c.run_id or run_id} for c in captures])
            self._upsert(conn, version_table, [
                {**asdict(v), "run_id": v.run_id or run_id,
                 "diff": json.dumps(v.diff, sort_keys=True) if v.diff is not None else None}
                for v in versions])
            for validator in validators:
                row = asdict(validator)
                self._upsert(conn, validator_table, row,
                             update=[k for k, v in row.items() if k != "url" and v is not None])
            self._upsert(conn, runs, {"run_id": run_id, "started": finished, "finished": finished,
                                      "manifest_key": manifest_key}, update=("finished", "manifest_key"))

    # -- revisits, versions, validators ------------------------------------------

    def captures_of(self, canonical_url: str) -> list[CaptureRow]:
        """Every capture of an article, oldest first."""
        table = capture_table
        query = sa.select(*[table.c[f.name] for f in fields(CaptureRow)]).where(
            table.c.canonical_url == canonical_url).order_by(table.c.fetched_at)
        with self._engine.connect() as conn:
            return [CaptureRow(**row._mapping) for row in conn.execute(query)]

    def versions_of(self, canonical_url: str) -> list[VersionRow]:
        """Every version of an article, the first first."""
        table = version_table
        query = sa.select(table).where(table.c.canonical_url == canonical_url).order_by(table.c.version)
        with self._engine.connect() as conn:
            return [_version_row(row._mapping) for row in conn.execute(query)]

    def latest_versions(self, outlet: str) -> dict[str, VersionRow]:
        """The latest version of each of the outlet's articles, by canonical URL."""
        table = version_table
        newest = sa.select(table.c.canonical_url, sa.func.max(table.c.version).label("version")).where(
            table.c.outlet == outlet).group_by(table.c.canonical_url).subquery()
        query = sa.select(table).join(newest, sa.and_(table.c.canonical_url == newest.c.canonical_url,
                                                      table.c.version == newest.c.version))
        with self._engine.connect() as conn:
            return {row.canonical_url: _version_row(row._mapping) for row in conn.execute(query)}

    def due_revisits(self, outlet: str, now: datetime, after_days: Iterable[int]) -> list[RevisitDue]:
        """Archived, not gone articles with a revisit day passed since their latest capture.

        An article is due when, for some N in ``after_days``, published + N days is no
        later than ``now`` and its latest capture is older than that moment. Articles
        without a known publication date or without a recorded capture are never due.
        """
        days = sorted({int(d) for d in after_days if int(d) >= 0})
        if not days:
            return []
        latest = self.latest_versions(outlet)
        table = capture_table
        query = sa.select(table).where(table.c.outlet == outlet).order_by(table.c.canonical_url, table.c.fetched_at)
        last_capture: dict[str, sa.Row] = {}
        last_response: dict[str, sa.Row] = {}
        with self._engine.connect() as conn:
            for row in conn.execute(query):
                last_capture[row.canonical_url] = row
                if row.kind == "response":
                    last_response[row.canonical_url] = row
        due = []
        for url, version in sorted(latest.items()):
            capture = last_capture.get(url)
            published = _parse_time(version.published)
            if version.status != "ok" or capture is None or published is None:
                continue
            captured = _parse_time(capture.fetched_at)
            if not any(captured < published + timedelta(days=n) <= now for n in days):
                continue
            response = last_response.get(url)
            due.append(RevisitDue(
                canonical_url=url, url=capture.url, last_capture=capture.fetched_at,
                payload_digest=response.payload_digest if response else None,
                refers_to_uri=response.url if response else None,
                refers_to_date=response.fetched_at if response else None,
                etag=response.etag if response else None,
                last_modified=response.last_modified if response else None,
                version=version.version, published=version.published,
            ))
        return due

    def validators(self, outlet: str) -> dict[str, Validator]:
        table = validator_table
        query = sa.select(table).where(table.c.outlet == outlet)
        with self._engine.connect() as conn:
            return {row.url: Validator(**row._mapping) for row in conn.execute(query)}

    def signatures(self) -> Iterator[tuple[str, str, str | None, str | None, str]]:
        """(canonical_url, outlet, published, credited_outlet, minhash hex) of every archived article."""
        query = sa.select(signatures.c.canonical_url, signatures.c.outlet, signatures.c.published,
                          signatures.c.credited_outlet, signatures.c.minhash).order_by(signatures.c.canonical_url)
        with self._engine.connect() as conn:
            yield from (tuple(row) for row in conn.execute(query))

    # -- extraction health ----------------------------------------------------------

    def record_health(self, row: HealthRow) -> None:
        values = {**asdict(row), "signals": json.dumps(row.signals, sort_keys=True),
                  "findings": json.dumps(row.findings)}
        with self._engine.begin() as conn:
            self._upsert(conn, health_table, values, update=("recorded", "verdict", "signals", "findings"))

    def health_history(self, outlet: str, verdicts: Iterable[str] | None = None, limit: int = 20,
                       before_run: str | None = None) -> list[HealthRow]:
        """The outlet's health rows, newest first (only ``verdicts`` if given; none of ``before_run`` or later)."""
        table = health_table
        query = sa.select(table).where(table.c.outlet == outlet)
        if verdicts is not None:
            query = query.where(table.c.verdict.in_(list(verdicts)))
        if before_run is not None:
            query = query.where(table.c.run_id < before_run)
        query = query.order_by(table.c.recorded.desc(), table.c.run_id.desc()).limit(limit)
        with self._engine.connect() as conn:
            return [HealthRow(**{**row._mapping, "signals": json.loads(row.signals), "findings": json.loads(row.findings)})
                    for row in conn.execute(query)]

    def article_count(self, outlet: str | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(articles)
        if outlet is not None:
            query = query.where(articles.c.outlet == outlet)
        with self._engine.connect() as conn:
            return conn.execute(query).scalar_one()


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _version_row(mapping) -> VersionRow:
    values = dict(mapping)
    values["diff"] = json.loads(values["diff"]) if values.get("diff") else None
    return VersionRow(**values)
