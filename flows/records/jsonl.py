"""Article records as gzip-compressed JSON lines (one record per line)."""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from flows.records.article import ArticleRecord


def write_records(path: Path, records: Iterable[ArticleRecord]) -> int:
    """Write records to ``path`` (gzip, deterministic bytes: no file name or mtime in the header)."""
    count = 0
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as out:
        for record in records:
            out.write(json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8"))
            out.write(b"\n")
            count += 1
    return count


def read_records(data: bytes) -> Iterator[dict]:
    for line in gzip.decompress(data).splitlines():
        if line.strip():
            yield json.loads(line)
