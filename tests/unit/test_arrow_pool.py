"""The flow process's Parquet views allocate from the system allocator, which hands freed
memory back, not from Arrow's mimalloc pool, which keeps it for the process's lifetime."""
from __future__ import annotations

import os
import subprocess
import sys

# A day of 2,000 articles of about 4 KB, written as its Parquet view in a fresh process;
# then how much each of Arrow's pools has ever held.
_WRITE_A_DAY = """
import gzip, json, sys, tempfile
from datetime import date
from pathlib import Path
from flows.exports.parquet import write_day_parquet
from storage.local import LocalStore
import pyarrow as pa

with tempfile.TemporaryDirectory() as tmp:
    store = LocalStore(Path(tmp))
    lines = []
    for i in range(2000):
        lines.append(json.dumps({
            "url": f"https://sputnikglobe.com/20261120/story-{i}.html", "canonical_url": f"sputnikglobe.com/20261120/story-{i}.html",
            "outlet": "sputnik", "authors": [], "tags": [], "text": f"Paragraph {i}. " * 300,
            "warc_filename": "a.warc.gz", "warc_offset": i, "warc_length": 1, "warc_record_id": f"<urn:uuid:{i}>",
            "fetched_at": "2026-11-20T06:00:00Z", "text_sha256": "0" * 64, "extracted_at": "2026-11-20T06:00:00Z",
            "record_version": 1}))
    store.put_bytes("articles/sputnik/2026/11/20/run.jsonl.gz", gzip.compress("\\n".join(lines).encode()))
    write_day_parquet(store, "sputnik", date(2026, 11, 20))
print(pa.default_memory_pool().backend_name, pa.mimalloc_memory_pool().max_memory(),
      pa.system_memory_pool().max_memory())
"""


def _write_a_day(**env: str) -> tuple[str, int, int]:
    environment = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"} | env
    done = subprocess.run([sys.executable, "-c", _WRITE_A_DAY], capture_output=True, text=True,
                          env=environment, check=True)
    backend, mimalloc, system = done.stdout.split()
    return backend, int(mimalloc), int(system)


def test_a_days_parquet_view_leaves_nothing_in_arrows_own_pool() -> None:
    backend, mimalloc, system = _write_a_day()
    assert backend == "system"
    assert mimalloc == 0  # the Parquet writer too (pyarrow.set_memory_pool alone would leave it on mimalloc)
    assert system > 8_000_000  # the day's table was built, from the system allocator


def test_a_pool_the_user_names_wins() -> None:
    backend, mimalloc, _ = _write_a_day(ARROW_DEFAULT_MEMORY_POOL="mimalloc")
    assert (backend, mimalloc > 8_000_000) == ("mimalloc", True)
