"""Where a run keeps its local files for a given store.

A local store keeps its working files in a hidden ``.newsarchive`` directory
beside the layout; an S3 store keeps them under ``$NEWSARCHIVE_HOME`` (default
``./.newsarchive``), one directory per bucket and prefix. The spool and the
state database live there, so a rerun finds what a crashed run left. The
search index of the web app lives beside the state: it is derived from the
store's article records and can always be rebuilt from them.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def spool(self) -> Path:
        return self.root / "spool"

    @property
    def state_db(self) -> Path:
        return self.root / "state.sqlite"

    @property
    def search_db(self) -> Path:
        """The full-text search index (SQLite FTS5) over the store's article records."""
        return self.root / "search.sqlite"

    @property
    def pending(self) -> Path:
        """State commits whose files are staged but not yet confirmed by the store."""
        return self.root / "pending"

    @property
    def furniture_cache(self) -> Path:
        """Copies of the learned-furniture objects last read or written (read when the store cannot be)."""
        return self.root / "furniture"

    def run_dir(self, run_id: str) -> Path:
        return self.root / "runs" / run_id


def workspace_for(store_uri: str) -> Workspace:
    if store_uri.startswith("s3://"):
        home = Path(os.environ.get("NEWSARCHIVE_HOME", ".newsarchive"))
        digest = hashlib.sha256(store_uri.encode()).hexdigest()[:12]
        return Workspace(home / f"s3-{digest}")
    path = store_uri.removeprefix("file://")
    return Workspace(Path(path) / ".newsarchive")
