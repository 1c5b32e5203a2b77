"""The search index of the web app: SQLite FTS5 over the article records of a store.

The article records (``articles/...jsonl.gz``) are the source: the index keeps,
per article, its latest metadata and the text of its latest version that has one
(a tombstone keeps the text it had before it vanished, so a removed article is
still found), every version with its diff summary, and the syndication links the
records carry (a copy names its cluster and its original). It is updated
incrementally: each ``articles/`` object is indexed once (the ``files`` table
says which), by the end of each archive run and when ``newsarchive web`` starts;
``rebuild`` indexes the whole store again.

Search is FTS5's: the ``unicode61`` tokenizer with diacritics folded (English and
French), ``bm25`` ranking with the title weighted above the text, and FTS5's own
``snippet``/``highlight``. A user's query never reaches FTS5's syntax: words and
"quoted phrases" become quoted FTS5 strings (``word*`` a prefix, ``-word``
excluded), so any input is a valid query. Snippets come back as HTML with every
archived character escaped and only the ``<mark>`` of the matches added.
"""
from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from markupsafe import Markup, escape

from flows.records.jsonl import read_records
from storage.layout import ARTICLES_KEY
from storage.store import Store

SCHEMA_VERSION = 1
# FTS5 marks matches with these (private-use characters, stripped from indexed text);
# the HTML <mark> is put in only after the snippet has been escaped.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKERS = re.compile(f"[{_OPEN}{_CLOSE}]")
TITLE_WEIGHT = 5.0  # bm25 weight of a match in the title, against 1.0 in the text
SNIPPET_TOKENS = 32
PER_PAGE = 20
MAX_PAGE = 500  # deep paging costs ranking work for nothing: past this, refine the query
READER_MMAP_BYTES = 1 << 30
READER_CACHE_KIB = 64 * 1024
# After this many records in one update, FTS5's segments are merged into one ('optimize'):
# a few seconds per 100,000 articles, and fewer b-trees for every later query to read.
OPTIMIZE_AFTER_RECORDS = 5000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, records INTEGER NOT NULL, indexed_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,               -- the rowid of its row in articles_fts
    canonical_url TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,                    -- as fetched, of the latest version
    outlet TEXT NOT NULL,
    title TEXT,
    authors TEXT NOT NULL,                -- JSON list
    published TEXT,                       -- ISO 8601 as the record has it
    published_day TEXT,                   -- its date as the outlet printed it (YYYY-MM-DD)
    published_utc TEXT,                   -- for ordering
    language TEXT,
    section TEXT,
    tags TEXT NOT NULL,                   -- JSON list
    original_source TEXT,
    version INTEGER NOT NULL,             -- the latest version seen
    text_version INTEGER NOT NULL,        -- the version whose text is indexed (0: none)
    status TEXT NOT NULL,                 -- ok | gone (of the latest version)
    gone_at TEXT,
    http_status INTEGER,
    fetched_at TEXT NOT NULL,             -- of the latest version
    in_cluster INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles (outlet, published_utc);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published_utc);
CREATE TABLE IF NOT EXISTS versions (
    canonical_url TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    fetched_at TEXT,
    gone_at TEXT,
    http_status INTEGER,
    text_sha256 TEXT,
    diff TEXT,                            -- JSON summary of the change from the previous version
    articles_key TEXT NOT NULL,           -- the articles/... object holding this version's record
    PRIMARY KEY (canonical_url, version)
);
-- Syndication, as the records say it: each link stored both ways, and which member
-- each clustered record names as the original (itself, when it names none).
CREATE TABLE IF NOT EXISTS cluster_links (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b));
CREATE TABLE IF NOT EXISTS original_claims (
    member TEXT NOT NULL, original TEXT NOT NULL, fetched_at TEXT, PRIMARY KEY (member, original));
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, tokenize = 'unicode61 remove_diacritics 2');
"""


class SearchIndexError(Exception):
    """The search index cannot be opened, read or updated; the message is one line."""


@dataclass(frozen=True)
class Filters:
    """What a search may be narrowed to (all optional)."""
    outlet: str | None = None
    published_from: date | None = None
    published_to: date | None = None
    language: str | None = None
    has_versions: bool = False  # more than one version: edited, or gone
    in_cluster: bool = False  # syndicated: in a cluster with another outlet's copy

    def active(self) -> bool:
        return bool(self.outlet or self.published_from or self.published_to or self.language
                    or self.has_versions or self.in_cluster)


@dataclass(frozen=True)
class Hit:
    canonical_url: str
    outlet: str
    title: str | None
    title_html: Markup  # escaped, matches in <mark>
    snippet_html: Markup  # escaped, matches in <mark>
    published: str | None
    language: str | None
    version: int
    status: str
    in_cluster: bool


@dataclass(frozen=True)
class Results:
    query: str
    filters: Filters
    hits: list[Hit]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // self.per_page)))


@dataclass(frozen=True)
class Article:
    canonical_url: str
    url: str
    outlet: str
    title: str | None
    authors: list[str]
    published: str | None
    language: str | None
    section: str | None
    tags: list[str]
    original_source: str | None
    version: int
    status: str
    gone_at: str | None
    http_status: int | None
    fetched_at: str


@dataclass(frozen=True)
class Version:
    canonical_url: str
    version: int
    status: str
    fetched_at: str | None
    gone_at: str | None
    http_status: int | None
    text_sha256: str | None
    diff: dict | None
    articles_key: str


@dataclass(frozen=True)
class ClusterMember:
    canonical_url: str
    outlet: str | None  # None when that member's record is not indexed (yet)
    title: str | None
    published: str | None
    is_original: bool


@dataclass
class UpdateResult:
    files: int = 0
    records: int = 0
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)  # keys that could not be read, with why


class Query:
    """A user's search text as an FTS5 query: quoted strings only, never FTS5 syntax."""

    _TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')

    def __init__(self, text: str):
        self.text = text.strip()
        positive, negative = [], []
        for sign, phrase, word in self._TOKEN.findall(self.text):
            if word:
                sign, prefix = ("-" if word.startswith("-") and len(word) > 1 else ""), word.endswith("*")
                word = word.lstrip("-").rstrip("*")
                term = _fts_string(word) + (" *" if prefix and word else "")
            else:
                term = _fts_string(phrase)
            if not _has_token(term):
                continue
            (negative if sign == "-" else positive).append(term)
        self.match = " AND ".join(positive) if positive else ""
        if self.match and negative:
            self.match = f"({self.match}) NOT ({' OR '.join(negative)})"

    def __bool__(self) -> bool:
        return bool(self.match)


def _fts_string(text: str) -> str:
    return '"' + _MARKERS.sub("", text).replace('"', '""') + '"'


def _has_token(term: str) -> bool:
    return any(ch.isalnum() for ch in term)


def marked_html(text: str | None) -> Markup:
    """Escape ``text`` (from FTS5, with match markers) and turn the markers into <mark>."""
    if not text:
        return Markup("")
    escaped = str(escape(text))
    return Markup(escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


def _clean(text: str | None) -> str:
    return _MARKERS.sub("", text or "")


def _utc(published: str | None) -> str | None:
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(published: str | None) -> str | None:
    return published[:10] if published and re.match(r"^\d{4}-\d{2}-\d{2}", published) else None


class SearchIndex:
    """One index file. Readers open it read-only (``read_only=True``); one writer updates it."""

    def __init__(self, path: Path, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        try:
            if read_only:
                if not self.path.is_file():
                    raise SearchIndexError(f"no search index at {self.path}")
                self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30,
                                           check_same_thread=False)
                # Ranking a common word reads much of the index: map it, and cache more pages.
                self._db.execute(f"PRAGMA mmap_size={READER_MMAP_BYTES}")
                self._db.execute(f"PRAGMA cache_size=-{READER_CACHE_KIB}")
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")  # searches never wait for an update
                self._db.execute("PRAGMA synchronous=NORMAL")  # derived data: rebuilt if ever lost
                self._db.executescript(_SCHEMA)
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                self._db.commit()
            self._db.row_factory = sqlite3.Row
            version = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except (sqlite3.Error, OSError) as exc:
            raise SearchIndexError(f"cannot open the search index {self.path}: {exc}") from None
        if version is None or int(version[0]) != SCHEMA_VERSION:
            raise SearchIndexError(f"the search index {self.path} has another schema version: "
                              "rebuild it (newsarchive web --rebuild-index)")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise SearchIndexError(f"the search index {self.path} is open read-only")
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.rollback()
                raise
            self._db.commit()
        except sqlite3.Error as exc:
            raise SearchIndexError(f"cannot update the search index {self.path}: {exc}") from None

    # -- updating ------------------------------------------------------------------------

    def indexed_files(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT key FROM files")}

    def update(self, store: Store, keys: Iterable[str] | None = None) -> UpdateResult:
        """Index every ``articles/`` object of ``store`` (or of ``keys``) not indexed yet."""
        from storage.store import StoreError

        if self.read_only:
            raise SearchIndexError(f"the search index {self.path} is open read-only")
        started = time.perf_counter()
        result = UpdateResult()
        done = self.indexed_files()
        candidates = store.list("articles/") if keys is None else keys
        for key in candidates:
            if key in done or not ARTICLES_KEY.match(key):
                continue
            try:
                records = list(read_records(store.get_bytes(key)))
            except (StoreError, OSError, EOFError, ValueError) as exc:
                result.skipped.append(f"{key}: {exc}")
                continue
            self.add_file(key, records)
            result.files += 1
            result.records += len(records)
        if result.records >= OPTIMIZE_AFTER_RECORDS:
            with self._transaction() as db:
                db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
        if result.files:
            try:  # readers then find the index in its file, not in a long write-ahead log
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass  # a reader holds it: SQLite checkpoints later on its own
        result.seconds = time.perf_counter() - started
        return result

    def rebuild(self, store: Store) -> UpdateResult:
        """Index the whole store again, from nothing (searches see the old index until it is done)."""
        with self._transaction() as db:
            for table in ("files", "articles", "versions", "cluster_links", "original_claims", "articles_fts"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table names)
        return self.update(store)

    def add_file(self, key: str, records: list[dict]) -> None:
        """Index the records of one ``articles/`` object, in one transaction."""
        with self._transaction() as db:
            for record in records:
                self._add(db, key, record)
            db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                       (key, len(records), datetime.now(timezone.utc).isoformat(timespec="seconds")))

    def _add(self, db: sqlite3.Connection, key: str, r: dict) -> None:
        url = r["canonical_url"]
        version = int(r.get("version") or 1)
        status = r.get("status") or "ok"
        has_text = status == "ok"
        db.execute("INSERT OR REPLACE INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            url, version, status, r.get("fetched_at"), r.get("gone_at"), r.get("http_status"),
            r.get("text_sha256") if has_text else None,
            json.dumps(r["diff"], sort_keys=True) if r.get("diff") else None, key))
        for other in (r.get("cluster_id"), r.get("original_url")):
            if other and other != url:
                db.executemany("INSERT OR IGNORE INTO cluster_links VALUES (?, ?)", [(url, other), (other, url)])
                db.execute("UPDATE articles SET in_cluster = 1 WHERE canonical_url IN (?, ?)", (url, other))
        if r.get("cluster_id"):
            # A record in a cluster names its original, or names none when it is the original itself.
            db.execute("INSERT OR REPLACE INTO original_claims VALUES (?, ?, ?)",
                       (url, r.get("original_url") or url, r.get("fetched_at")))
        meta = {
            "url": r.get("url") or url, "outlet": r["outlet"], "title": r.get("title"),
            "authors": json.dumps(list(r.get("authors") or []), ensure_ascii=False),
            "published": r.get("published"), "published_day": _day(r.get("published")),
            "published_utc": _utc(r.get("published")), "language": r.get("language"), "section": r.get("section"),
            "tags": json.dumps(list(r.get("tags") or []), ensure_ascii=False),
            "original_source": r.get("original_source"), "version": version, "status": status,
            "gone_at": r.get("gone_at"), "http_status": r.get("http_status"), "fetched_at": r.get("fetched_at") or "",
        }
        row = db.execute("SELECT id, version, text_version FROM articles WHERE canonical_url = ?", (url,)).fetchone()
        if row is None:
            in_cluster = db.execute("SELECT 1 FROM cluster_links WHERE a = ? LIMIT 1", (url,)).fetchone() is not None
            columns = ["canonical_url", *meta, "text_version", "in_cluster"]
            cursor = db.execute(
                f"INSERT INTO articles ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",  # noqa: S608
                (url, *meta.values(), version if has_text else 0, int(in_cluster)))
            db.execute("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                       (cursor.lastrowid, _clean(r.get("title")), _clean(r.get("text")) if has_text else ""))
            return
        article_id, latest, text_version = row
        if version >= latest:  # the latest version's metadata wins, whatever order files come in
            db.execute(f"UPDATE articles SET {', '.join(f'{k} = ?' for k in meta)} WHERE id = ?",  # noqa: S608
                       (*meta.values(), article_id))
        if has_text and version > text_version:
            db.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
            db.execute("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                       (article_id, _clean(r.get("title")), _clean(r.get("text"))))
            db.execute("UPDATE articles SET text_version = ? WHERE id = ?", (version, article_id))

    # -- reading -------------------------------------------------------------------------

    def search(self, text: str, filters: Filters = Filters(), page: int = 1, per_page: int = PER_PAGE) -> Results:
        """Ranked hits for ``text`` (best first), or with no text the newest articles the filters allow."""
        query = Query(text)
        page = min(max(1, page), MAX_PAGE)
        where, params = self._filters(filters)
        try:
            if query:
                # FTS5 drives the join (CROSS JOIN keeps that order): left to the planner, a
                # filter's index would run the full-text query once per filtered article.
                base = ("FROM articles_fts CROSS JOIN articles a ON a.id = articles_fts.rowid "
                        f"WHERE articles_fts MATCH ?{where}") if where else "FROM articles_fts WHERE articles_fts MATCH ?"
                total = self._db.execute(f"SELECT count(*) {base}", (query.match, *params)).fetchone()[0]
                ranked = self._db.execute(
                    f"SELECT articles_fts.rowid {base} "
                    f"ORDER BY bm25(articles_fts, {TITLE_WEIGHT}, 1.0), articles_fts.rowid LIMIT ? OFFSET ?",
                    (query.match, *params, per_page, (page - 1) * per_page)).fetchall()
            elif text.strip() and not filters.active():
                total, ranked = 0, []  # only punctuation: nothing to look for
            else:
                base = f"FROM articles a WHERE 1 = 1{where}"
                total = self._db.execute(f"SELECT count(*) {base}", params).fetchone()[0]
                ranked = self._db.execute(
                    f"SELECT a.id {base} ORDER BY a.published_utc DESC, a.id LIMIT ? OFFSET ?",
                    (*params, per_page, (page - 1) * per_page)).fetchall()
            hits = self._hits([row[0] for row in ranked], query)
        except sqlite3.Error as exc:
            raise SearchIndexError(f"search failed in {self.path}: {exc}") from None
        return Results(text, filters, hits, total, page, per_page)

    @staticmethod
    def _filters(filters: Filters) -> tuple[str, list]:
        clauses, params = [], []
        if filters.outlet:
            clauses.append("a.outlet = ?")
            params.append(filters.outlet)
        if filters.language:
            clauses.append("a.language = ?")
            params.append(filters.language)
        if filters.published_from:
            clauses.append("a.published_day >= ?")
            params.append(filters.published_from.isoformat())
        if filters.published_to:
            clauses.append("a.published_day <= ?")
            params.append(filters.published_to.isoformat())
        if filters.has_versions:
            clauses.append("a.version > 1")
        if filters.in_cluster:
            clauses.append("a.in_cluster = 1")
        return "".join(f" AND {c}" for c in clauses), params

    def _hits(self, ids: list[int], query: Query) -> list[Hit]:
        """The page's hits with their snippets: computed for these rows only, never for every match."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = {row["id"]: row for row in self._db.execute(
            f"SELECT * FROM articles WHERE id IN ({marks})", ids)}  # noqa: S608
        if query:
            texts = {row[0]: (row[1], row[2]) for row in self._db.execute(
                f"SELECT rowid, highlight(articles_fts, 0, ?, ?), "
                f"snippet(articles_fts, 1, ?, ?, '…', {SNIPPET_TOKENS}) "
                f"FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN ({marks})",  # noqa: S608
                (_OPEN, _CLOSE, _OPEN, _CLOSE, query.match, *ids))}
        else:
            texts = {row[0]: (row[1], _lead(row[2])) for row in self._db.execute(
                f"SELECT rowid, title, substr(text, 1, 400) FROM articles_fts WHERE rowid IN ({marks})", ids)}  # noqa: S608
        hits = []
        for article_id in ids:
            row = rows[article_id]
            title, snippet = texts.get(article_id, (row["title"], ""))
            hits.append(Hit(
                canonical_url=row["canonical_url"], outlet=row["outlet"], title=row["title"],
                title_html=marked_html(title or row["title"] or row["canonical_url"]),
                snippet_html=marked_html(snippet), published=row["published"], language=row["language"],
                version=row["version"], status=row["status"], in_cluster=bool(row["in_cluster"])))
        return hits

    def article(self, canonical_url: str) -> Article | None:
        row = self._db.execute("SELECT * FROM articles WHERE canonical_url = ?", (canonical_url,)).fetchone()
        if row is None:
            return None
        return Article(
            canonical_url=row["canonical_url"], url=row["url"], outlet=row["outlet"], title=row["title"],
            authors=json.loads(row["authors"]), published=row["published"], language=row["language"],
            section=row["section"], tags=json.loads(row["tags"]), original_source=row["original_source"],
            version=row["version"], status=row["status"], gone_at=row["gone_at"], http_status=row["http_status"],
            fetched_at=row["fetched_at"])

    def versions(self, canonical_url: str) -> list[Version]:
        rows = self._db.execute("SELECT * FROM versions WHERE canonical_url = ? ORDER BY version", (canonical_url,))
        return [Version(
            canonical_url=row["canonical_url"], version=row["version"], status=row["status"],
            fetched_at=row["fetched_at"], gone_at=row["gone_at"], http_status=row["http_status"],
            text_sha256=row["text_sha256"], diff=json.loads(row["diff"]) if row["diff"] else None,
            articles_key=row["articles_key"]) for row in rows]

    def cluster(self, canonical_url: str) -> list[ClusterMember]:
        """The article's syndication cluster (itself included), or [] when it is in none.

        A cluster is the connected group of the links the records carry; its
        original is the one the members' records name (a clustered record without
        ``original_url`` names itself; the newest record's word wins).
        """
        members = [row[0] for row in self._db.execute(
            "WITH RECURSIVE linked(url) AS (SELECT ? UNION SELECT b FROM cluster_links JOIN linked ON a = url) "
            "SELECT url FROM linked ORDER BY url", (canonical_url,))]
        if len(members) < 2:
            return []
        marks = ",".join("?" * len(members))
        known = {row["canonical_url"]: row for row in self._db.execute(
            f"SELECT canonical_url, outlet, title, published FROM articles WHERE canonical_url IN ({marks})",  # noqa: S608
            members)}
        named = self._db.execute(
            f"SELECT original FROM original_claims WHERE member IN ({marks}) "  # noqa: S608
            "ORDER BY fetched_at DESC LIMIT 1", members).fetchone()
        original = named[0] if named else None
        return [ClusterMember(url, known[url]["outlet"] if url in known else None,
                              known[url]["title"] if url in known else None,
                              known[url]["published"] if url in known else None, url == original)
                for url in members]

    def stats(self) -> dict:
        row = self._db.execute(
            "SELECT count(*), sum(version > 1), sum(status = 'gone'), sum(in_cluster) FROM articles").fetchone()
        return {"articles": row[0], "with_versions": row[1] or 0, "gone": row[2] or 0, "in_clusters": row[3] or 0,
                "files": self._db.execute("SELECT count(*) FROM files").fetchone()[0]}

    def outlet_counts(self) -> dict[str, int]:
        return {row[0]: row[1] for row in self._db.execute(
            "SELECT outlet, count(*) FROM articles GROUP BY outlet ORDER BY outlet")}

    def languages(self) -> list[str]:
        return [row[0] for row in self._db.execute(
            "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY language")]


def _lead(text: str | None) -> str:
    """The opening words of a text, for a hit listed without a query."""
    if not text:
        return ""
    words = text.split()
    lead = " ".join(words[:SNIPPET_TOKENS])
    return lead + ("…" if len(words) > SNIPPET_TOKENS else "")


def index_run_records(index_path: Path, store: Store, manifest: dict) -> UpdateResult:
    """Index the article records a run wrote (the ``articles/`` keys of its manifest)."""
    keys = [f["key"] for f in manifest.get("files", []) if f.get("key", "").startswith("articles/")]
    with SearchIndex(index_path) as index:
        return index.update(store, keys)


def update_after_run(index_path: Path, store: Store, manifest: dict) -> UpdateResult | None:
    """The end of an archive run: index the records it wrote. The index is derived data,
    so a failure here never fails the run; the next update (or ``newsarchive web``) catches up."""
    import logging

    try:
        return index_run_records(index_path, store, manifest)
    except Exception as exc:  # noqa: BLE001 (whatever went wrong, the run's archive is complete)
        logging.getLogger("newsarchive").warning("search index not updated: %s", str(exc).splitlines()[0])
        return None
