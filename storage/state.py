"""Crawl state between runs: which articles are archived, and under which text.

Embedded SQLite. A decision ("this URL is archived", "this text is known") is
committed only after the data it refers to is confirmed in the store, so a
crash can leave work to redo but never marks an unstored article as seen.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Each entry upgrades the schema by one version; never edit a shipped entry.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        canonical_url TEXT PRIMARY KEY,
        outlet TEXT NOT NULL,
        text_sha256 TEXT NOT NULL,
        first_run TEXT NOT NULL,
        last_run TEXT NOT NULL,
        articles_key TEXT NOT NULL
    );
    CREATE INDEX articles_outlet ON articles (outlet);
    CREATE TABLE texts (
        text_sha256 TEXT PRIMARY KEY,
        canonical_url TEXT NOT NULL
    );
    CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        manifest_key TEXT
    );
    """,
    """
    CREATE TABLE signatures (
        canonical_url TEXT PRIMARY KEY,
        outlet TEXT NOT NULL,
        published TEXT,
        credited_outlet TEXT,
        minhash TEXT NOT NULL
    );
    """,
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


class StateStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open state database {self.path}: {exc}") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.schema_version
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            self._db.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version={version}; COMMIT;")

    def seen_urls(self, outlet: str | None = None) -> set[str]:
        if outlet is None:
            rows = self._db.execute("SELECT canonical_url FROM articles")
        else:
            rows = self._db.execute("SELECT canonical_url FROM articles WHERE outlet = ?", (outlet,))
        return {row[0] for row in rows}

    def owner_of_text(self, text_sha256: str) -> str | None:
        """The canonical URL first archived with this normalised text, if any."""
        row = self._db.execute(
            "SELECT canonical_url FROM texts WHERE text_sha256 = ?", (text_sha256,)
        ).fetchone()
        return row[0] if row else None

    def start_run(self, run_id: str, started: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO runs (run_id, started) VALUES (?, ?)", (run_id, started))

    def commit_run(self, run_id: str, finished: str, manifest_key: str, articles: Iterable[ArchivedArticle]) -> None:
        """Record a run's stored articles in one transaction (call after the store confirmed them)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for article in articles:
                db.execute(
                    """INSERT INTO articles (canonical_url, outlet, text_sha256, first_run, last_run, articles_key)
                       VALUES (?, ?, ?, ?, ?, ?)
                       ON CONFLICT (canonical_url) DO UPDATE SET
                         text_sha256 = excluded.text_sha256, last_run = excluded.last_run,
                         articles_key = excluded.articles_key""",
                    (article.canonical_url, article.outlet, article.text_sha256, run_id, run_id, article.articles_key),
                )
                db.execute(
                    "INSERT OR IGNORE INTO texts (text_sha256, canonical_url) VALUES (?, ?)",
                    (article.text_sha256, article.canonical_url),
                )
                if article.minhash:
                    db.execute(
                        "INSERT OR REPLACE INTO signatures VALUES (?, ?, ?, ?, ?)",
                        (article.canonical_url, article.outlet, article.published,
                         article.credited_outlet, article.minhash),
                    )
            db.execute(
                "INSERT INTO runs (run_id, started, finished, manifest_key) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (run_id) DO UPDATE SET finished = excluded.finished, manifest_key = excluded.manifest_key",
                (run_id, finished, finished, manifest_key),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def signatures(self) -> Iterator[tuple[str, str, str | None, str | None, str]]:
        """(canonical_url, outlet, published, credited_outlet, minhash hex) of every archived article."""
        yield from self._db.execute(
            "SELECT canonical_url, outlet, published, credited_outlet, minhash FROM signatures ORDER BY canonical_url"
        )

    def article_count(self, outlet: str | None = None) -> int:
        if outlet is None:
            return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]
        return self._db.execute("SELECT count(*) FROM articles WHERE outlet = ?", (outlet,)).fetchone()[0]
