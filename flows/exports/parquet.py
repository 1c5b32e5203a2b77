"""Article records as Parquet: one table per outlet per day, for analytics tools.

``parquet/<outlet>/<yyyy>/<mm>/<dd>.parquet`` holds every record of that day's
``articles/<outlet>/<yyyy>/<mm>/<dd>/*.jsonl.gz`` files, in key order (run ids
sort by start time) and line order. The JSON lines stay the source of truth:
the Parquet file is rebuilt from them and overwritten whenever a run adds
records to that day. Columns follow :class:`flows.records.article.ArticleRecord`
one to one; ``extra`` and ``diff`` (free-form) are kept as JSON strings.
"""
from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterable
from datetime import date

# Arrow's own allocator (mimalloc in these wheels) keeps what a day's table freed for the
# next one, in the flow process that outlives every outlet; the system allocator returns
# it (under flows.malloc's tuning). Arrow reads the variable when it first allocates, in
# C++ as well as here: ``pyarrow.set_memory_pool`` would leave the Parquet writer on
# mimalloc. Measured with ``python -m bench.memory 1667`` (10,002 replica articles, two
# runs each), the flow process's largest RSS 320-329 MiB -> 241-243 MiB. A pool the user
# names wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

import pyarrow as pa  # noqa: E402 (after the variable)
import pyarrow.parquet as pq  # noqa: E402

from flows.records.jsonl import read_records
from storage import layout
from storage.store import Store

_TEXT = pa.string()
_TEXT_LIST = pa.list_(pa.string())

SCHEMA = pa.schema([
    pa.field("url", _TEXT, nullable=False),
    pa.field("canonical_url", _TEXT, nullable=False),
    pa.field("outlet", _TEXT, nullable=False),
    pa.field("title", _TEXT),
    pa.field("authors", _TEXT_LIST, nullable=False),
    pa.field("published", _TEXT),  # ISO 8601 with its own offset: a timestamp column would drop it
    pa.field("language", _TEXT),
    pa.field("text", _TEXT, nullable=False),
    pa.field("tags", _TEXT_LIST, nullable=False),
    pa.field("section", _TEXT),
    pa.field("original_source", _TEXT),
    pa.field("warc_filename", _TEXT, nullable=False),
    pa.field("warc_offset", pa.int64(), nullable=False),
    pa.field("warc_length", pa.int64(), nullable=False),
    pa.field("warc_record_id", _TEXT, nullable=False),
    pa.field("fetched_at", _TEXT, nullable=False),
    pa.field("text_sha256", _TEXT, nullable=False),
    pa.field("extracted_at", _TEXT, nullable=False),
    pa.field("warc_key", _TEXT),
    pa.field("cluster_id", _TEXT),
    pa.field("original_url", _TEXT),
    pa.field("record_version", pa.int32(), nullable=False),
    pa.field("extra", _TEXT, nullable=False),  # JSON object
    pa.field("version", pa.int32(), nullable=False),
    pa.field("status", _TEXT, nullable=False),
    pa.field("diff", _TEXT),  # JSON object
    pa.field("gone_at", _TEXT),
    pa.field("http_status", pa.int32()),
    pa.field("extraction_step", _TEXT),
    pa.field("container_matched", pa.bool_()),
    pa.field("extractor_version", _TEXT),
    pa.field("rules_version", _TEXT),
    pa.field("furniture_version", _TEXT),
], metadata={"source": "newsarchive article records", "layout_version": str(layout.LAYOUT_VERSION)})

_SLUG = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


def articles_day_prefix(outlet: str, day: date) -> str:
    """``articles/<outlet>/<yyyy>/<mm>/<dd>/``: where :func:`storage.layout.articles_key` puts a day's files."""
    if not _SLUG.match(outlet):
        raise layout.BadKeyPart(f"invalid outlet for a store key: {outlet!r}")
    return f"articles/{outlet}/{day:%Y/%m/%d}/"


def day_table(store: Store, outlet: str, day: date) -> pa.Table:
    """Every article record of the outlet's day, as a table with :data:`SCHEMA`."""
    rows = []
    for key in store.list(articles_day_prefix(outlet, day)):
        if key.endswith(".jsonl.gz"):
            rows += [_row(record) for record in read_records(store.get_bytes(key))]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def write_day_parquet(store: Store, outlet: str, day: date) -> str:
    """Rebuild ``parquet/<outlet>/<yyyy>/<mm>/<dd>.parquet`` from the day's records; returns its key."""
    key = layout.parquet_key(outlet, day)
    buffer = io.BytesIO()
    pq.write_table(day_table(store, outlet, day), buffer, compression="zstd")
    store.put_bytes(key, buffer.getvalue(), overwrite=True)
    return key


def days_in_manifest(manifest: dict) -> list[tuple[str, date]]:
    """The (outlet, day) pairs a run wrote article records for, from its manifest's ``files``."""
    return layout.article_days(entry["key"] for entry in manifest.get("files", []))


def write_parquet_for_keys(store: Store, keys: Iterable[str]) -> list[str]:
    """Rebuild the Parquet file of every day that the article-record keys among ``keys`` belong to."""
    return [write_day_parquet(store, outlet, day) for outlet, day in layout.article_days(keys)]


def write_run_parquet(store: Store, manifests: Iterable[dict]) -> list[str]:
    """Rebuild the Parquet file of every day the given runs added records to; returns the keys."""
    return write_parquet_for_keys(store, (entry["key"] for manifest in manifests
                                          for entry in manifest.get("files", [])))


def _row(record: dict) -> dict:
    row = {name: record.get(name) for name in SCHEMA.names}
    row["authors"] = list(record.get("authors") or [])
    row["tags"] = list(record.get("tags") or [])
    row["extra"] = json.dumps(record.get("extra") or {}, ensure_ascii=False, sort_keys=True)
    row["diff"] = None if record.get("diff") is None else json.dumps(record["diff"], ensure_ascii=False,
                                                                      sort_keys=True)
    # Records written before these fields existed are first versions of live articles.
    row["version"] = record.get("version", 1)
    row["status"] = record.get("status", "ok")
    return row
