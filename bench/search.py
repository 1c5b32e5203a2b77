"""Search latency of the web app over a synthetic archive, beside a scan without an index.

Article records are generated with the replica's text generator
(``spiders.replica.bodies``: 250-1,200 words, English and French, six outlets,
publication dates over 90 days, about 5% edited into a second version, 1% gone,
4% syndicated copies naming an original) and written as ``articles/`` objects of
1,000 records into a local store. The index is built from the store the way
``newsarchive web`` builds it (``SearchIndex.update``); build time and index size
are reported per 10,000 articles.

Queries mix what archivists type: a place or topic word, two words, a phrase
taken from a generated text, a prefix, and very common words (the worst case:
most of the archive matches); a third carry filters (outlet, a week, has
versions, syndicated, language) and some ask for a later page. Each is timed
as a whole page of the app (``GET /?q=...`` through Starlette: ranking, count,
snippets, template) and as the index call alone. The baseline is the same phrase
queries as a ``LIKE '%phrase%'`` scan of a plain SQLite table of the same texts.
"""
from __future__ import annotations

import gzip
import json
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

from flows.web.index import Filters, SearchIndex
from spiders.replica import bodies
from spiders.replica import words as w
from storage.local import LocalStore

OUTLETS = ("globalresearch", "mondialisation", "southfront", "sputnik", "alwaght", "menafn")
START = datetime(2026, 9, 1, tzinfo=timezone.utc)
PER_FILE = 1000
COMMON = ("said", "officials", "government", "ministry said", "according to")


def _records(count: int, rng: random.Random) -> tuple[list[list[dict]], list[str]]:
    """Record files (lists of records) and sample phrases drawn from the texts."""
    files: list[list[dict]] = []
    phrases: list[str] = []
    current: list[dict] = []
    for n in range(count):
        outlet = OUTLETS[n % len(OUTLETS)]
        language = "fr" if outlet == "mondialisation" else "en"
        title, place, topic = bodies.title_for((n * 7919) % bodies.title_space(language), language)
        paragraphs = bodies.compose_body(random.Random(n), language, place, topic)
        text = "\n\n".join(paragraphs)
        published = START + timedelta(minutes=int(rng.random() * 90 * 24 * 60))
        url = f"https://{outlet}.example/article-{n}"
        record = {"url": url, "canonical_url": url, "outlet": outlet, "title": title, "authors": ["A. Writer"],
                  "published": published.isoformat(), "language": language, "text": text, "tags": [topic],
                  "section": "World", "original_source": None, "version": 1, "status": "ok",
                  "fetched_at": (published + timedelta(hours=1)).isoformat(), "text_sha256": f"{n:064x}",
                  "cluster_id": None, "original_url": None, "diff": None}
        if n > 10 and rng.random() < 0.04:  # a syndicated copy of an earlier article
            original = f"https://{OUTLETS[(n - 7) % 6]}.example/article-{n - 7}"
            record.update(cluster_id=min(original, url), original_url=original)
        current.append(record)
        if rng.random() < 0.05:  # edited: a second version with one paragraph replaced
            edited = dict(record, version=2, text=text + "\n\n" + bodies.revised_paragraph(rng, language, place, topic),
                          diff={"previous_version": 1, "paragraphs_added": 1, "paragraphs_removed": 0,
                                "words_added": 40, "words_removed": 0})
            current.append(edited)
        elif rng.random() < 0.01:
            current.append(dict(record, version=2, status="gone", text="", gone_at=record["fetched_at"],
                                http_status=410))
        if len(phrases) < 400 and rng.random() < 0.05:
            tokens = rng.choice(paragraphs).split()
            start = rng.randrange(max(1, len(tokens) - 6))
            phrases.append(" ".join(tokens[start:start + rng.randint(3, 6)]).strip(".,;:"))
        if len(current) >= PER_FILE:
            files.append(current)
            current = []
    if current:
        files.append(current)
    return files, phrases


def _write(store: LocalStore, files: list[list[dict]]) -> None:
    for number, records in enumerate(files):
        day = START + timedelta(days=number % 90)
        key = f"articles/{records[0]['outlet']}/{day:%Y/%m/%d}/{day:%Y%m%dT%H%M%SZ}-{number:08x}.jsonl.gz"
        data = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)
        store.put_bytes(key, gzip.compress(data, compresslevel=1, mtime=0))


def _queries(rng: random.Random, phrases: list[str], count: int) -> list[tuple[str, Filters, int]]:
    queries = []
    for n in range(count):
        kind = rng.random()
        if kind < 0.3:
            text = rng.choice((rng.choice(w.PLACES), rng.choice(w.TOPICS).split()[0]))
        elif kind < 0.5:
            text = f"{rng.choice(w.PLACES)} {rng.choice(w.TOPICS).split()[-1].lower()}"
        elif kind < 0.75:
            text = f'"{rng.choice(phrases)}"'
        elif kind < 0.85:
            text = rng.choice(w.PLACES)[:4] + "*"
        else:
            text = rng.choice(COMMON)
        filters = Filters()
        if n % 3 == 0:
            pick = rng.randrange(5)
            week = (START + timedelta(days=rng.randrange(80))).date()
            filters = [Filters(outlet=rng.choice(OUTLETS)), Filters(published_from=week,
                       published_to=week + timedelta(days=6)), Filters(has_versions=True),
                       Filters(in_cluster=True), Filters(language="fr")][pick]
        page = rng.randint(2, 5) if rng.random() < 0.1 else 1
        queries.append((text, filters, page))
    return queries


def _params(text: str, filters: Filters, page: int) -> str:
    params = {"q": text, "page": page if page > 1 else None, "outlet": filters.outlet,
              "from": filters.published_from.isoformat() if filters.published_from else None,
              "to": filters.published_to.isoformat() if filters.published_to else None,
              "language": filters.language, "versions": "1" if filters.has_versions else None,
              "syndicated": "1" if filters.in_cluster else None}
    return urlencode({k: v for k, v in params.items() if v is not None})


def _summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"median_ms": 1000 * statistics.median(ordered),
            "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
            "max_ms": 1000 * ordered[-1], "queries": len(ordered)}


def _baseline(db_path: Path, files: list[list[dict]], phrases: list[str], rng: random.Random) -> dict:
    """The phrase queries as LIKE scans of a plain table (what a search without an index costs)."""
    import sqlite3

    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, text TEXT)")
    db.executemany("INSERT INTO docs (title, text) VALUES (?, ?)",
                   ((r["title"], r["text"]) for records in files for r in records))
    db.commit()
    samples = []
    for phrase in rng.sample(phrases, min(10, len(phrases))):
        pattern = f"%{phrase}%"
        started = time.perf_counter()
        db.execute("SELECT count(*) FROM docs WHERE title LIKE ? OR text LIKE ?", (pattern, pattern)).fetchone()
        db.execute("SELECT id FROM docs WHERE title LIKE ? OR text LIKE ? LIMIT 20", (pattern, pattern)).fetchall()
        samples.append(time.perf_counter() - started)
    db.close()
    return _summary(samples)


def measure(articles: int, queries: int = 300) -> dict:
    from starlette.testclient import TestClient

    from flows.web.app import WebSettings, create_app

    rng = random.Random(16)
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        work = Path(tmp)
        store = LocalStore(work / "store")
        files, phrases = _records(articles, rng)
        _write(store, files)
        index_path = work / "search.sqlite"
        started = time.perf_counter()
        with SearchIndex(index_path) as index:
            update = index.update(store)
        build_s = time.perf_counter() - started
        size = sum(p.stat().st_size for p in work.glob("search.sqlite*"))
        plan = _queries(rng, phrases, queries)
        app = create_app(WebSettings(str(store.root), index_path), store)
        client = TestClient(app, base_url="http://127.0.0.1:8400")
        with SearchIndex(index_path, read_only=True) as reader:
            for text, filters, page in plan[:10]:  # warm the page cache, as a running app has it
                reader.search(text, filters, page)
            direct, hits = [], 0
            for text, filters, page in plan:
                t0 = time.perf_counter()
                results = reader.search(text, filters, page)
                direct.append(time.perf_counter() - t0)
                hits += bool(results.total)
        http = []
        for text, filters, page in plan:
            t0 = time.perf_counter()
            response = client.get("/?" + _params(text, filters, page))
            http.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.text[:300]
        baseline = _baseline(work / "baseline.sqlite", files, phrases, rng)
    per_10k = 10_000 / articles
    return {
        "articles": articles, "records": update.records, "files": update.files,
        "build_s": build_s, "build_s_per_10k": build_s * per_10k,
        "index_mb": size / 1e6, "index_mb_per_10k": size / 1e6 * per_10k,
        "queries_with_hits": hits / len(plan),
        "http": _summary(http), "index": _summary(direct), "baseline_like_scan": baseline,
    }


if __name__ == "__main__":
    import sys

    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000), indent=2))
