"""A local spool of finished files waiting for the store.

A run stages every finished file here first; ``flush`` uploads them and
removes each one only after the store confirmed its checksum. A crashed or
offline run leaves its files spooled, and the next run's flush uploads them.

On disk each entry is ``<id>.data`` plus a ``<id>.json`` sidecar naming the
key, size and sha256. The sidecar is written last (temp file, fsync,
rename), so an entry without one, or a temp file, is never taken as complete;
a moved file leaves its source only after that.

Per-WARC CDXJ indexes (``layout.is_warc_cdxj_key``) are also added to the
merged index during the flush, and leave the spool only once that succeeded.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from pathlib import Path

from storage import layout
from storage.durable import write_atomic
from storage.store import ObjectInfo, Store, StoreError, StoreUnavailable, check_key, sha256_file


@dataclass(frozen=True)
class SpoolEntry:
    key: str
    sha256: str
    size: int
    path: Path
    staged_at: float


@dataclass
class FlushResult:
    uploaded: list[ObjectInfo] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, reason)
    remaining: int = 0  # entries still in the spool afterwards

    @property
    def ok(self) -> bool:
        return not self.failed


Progress = Callable[[int, int, ObjectInfo], None]  # (done, total, uploaded object)


class Spool:
    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)

    def stage(self, key: str, path: Path, *, move: bool = True, sha256: str | None = None) -> SpoolEntry:
        """Put a finished file in the spool under ``key`` (moved by default, else copied).

        A moved file keeps its source name until the entry is complete (a hard
        link, or a copy on another filesystem), so a kill at any moment leaves the
        file at its source, in the spool, or both. ``sha256``: the file's checksum
        when the caller has it already.
        """
        check_key(key)
        path = Path(path)
        entry_id = hashlib.sha256(key.encode()).hexdigest()[:32]
        data, sidecar = self.dir / f"{entry_id}.data", self.dir / f"{entry_id}.json"
        tmp = self.dir / f".{entry_id}.data.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            if not move:
                raise OSError("copy asked for")
            os.link(path, tmp)
        except OSError:  # a copy: asked for, or another filesystem
            shutil.copyfile(path, tmp)
        _fsync_file(tmp)
        size = tmp.stat().st_size
        sha = sha256 or sha256_file(tmp)
        # Replacing a pending entry of the same key: drop its sidecar first,
        # so the old sidecar never describes the new data.
        sidecar.unlink(missing_ok=True)
        os.replace(tmp, data)
        entry = SpoolEntry(key, sha, size, data, time.time())
        write_atomic(sidecar, json.dumps(
            {"key": key, "sha256": sha, "size": size, "staged_at": entry.staged_at}).encode())
        if move:
            path.unlink(missing_ok=True)
        return entry

    def discard_unclaimed(self, claimed_keys: Callable[[], Container[str]]) -> list[SpoolEntry]:
        """Remove the entries whose key is not in ``claimed_keys()``; returns them.

        ``claimed_keys`` is called after the spool is listed, under the flush lock:
        whoever names an entry must have done so before staging it.
        """
        with _locked(self.dir / ".lock"):
            entries = self.pending()
            claimed = claimed_keys()
            unclaimed = [entry for entry in entries if entry.key not in claimed]
            for entry in unclaimed:
                _remove(entry)
            return unclaimed

    def pending(self) -> list[SpoolEntry]:
        entries = []
        for sidecar in self.dir.glob("*.json"):
            try:
                meta = json.loads(sidecar.read_text(encoding="utf-8"))
                data = sidecar.with_suffix(".data")
                if data.stat().st_size != meta["size"]:
                    continue
                entries.append(SpoolEntry(meta["key"], meta["sha256"], meta["size"], data, meta["staged_at"]))
            except (OSError, ValueError, KeyError):
                continue  # incomplete or foreign: never uploaded as complete
        return sorted(entries, key=lambda e: (e.staged_at, e.key))

    def flush(self, store: Store, progress: Progress | None = None) -> FlushResult:
        """Upload every pending entry; stop at the first outage, keeping the rest."""
        with _locked(self.dir / ".lock"):
            return self._flush(store, progress)

    def _flush(self, store: Store, progress: Progress | None) -> FlushResult:
        result = FlushResult()
        entries = self.pending()
        indexes: list[SpoolEntry] = []
        outage = False
        for done, entry in enumerate(entries, 1):
            try:
                info = self._upload(store, entry)
            except StoreUnavailable as exc:
                result.failed.append((entry.key, str(exc)))
                outage = True
                break
            except StoreError as exc:
                result.failed.append((entry.key, str(exc)))
                continue
            result.uploaded.append(info)
            if layout.is_warc_cdxj_key(entry.key):
                indexes.append(entry)  # leaves the spool once merged
            else:
                _remove(entry)
            if progress:
                progress(done, len(entries), info)
        if indexes and not outage:
            # An index goes into the merged index only once its WARC is in the store.
            waiting = {e.key for e in self.pending()}
            ready = [e for e in indexes if layout.warc_key_for_cdxj(e.key) not in waiting]
            if ready:
                self._merge_indexes(store, ready, result)
        result.remaining = len(self.pending())
        return result

    def _upload(self, store: Store, entry: SpoolEntry) -> ObjectInfo:
        if sha256_file(entry.path) != entry.sha256:
            raise StoreError(f"spooled file for {entry.key} is corrupt (checksum differs from when staged)")
        info = store.put_file(entry.key, entry.path)
        if info.sha256 != entry.sha256 or info.size != entry.size:
            raise StoreError(f"{store.uri}: {entry.key} was stored with another checksum")
        return info

    def _merge_indexes(self, store: Store, entries: list[SpoolEntry], result: FlushResult) -> None:
        from storage.cdxj import MergedIndex

        try:
            MergedIndex(store).add([entry.path.read_bytes() for entry in entries])
        except StoreError as exc:
            result.failed.append((entries[0].key, f"merged index not updated: {exc}"))
            return
        for entry in entries:
            _remove(entry)


def _remove(entry: SpoolEntry) -> None:
    # Sidecar first: a crash in between leaves an orphan, never a stale entry.
    entry.path.with_suffix(".json").unlink(missing_ok=True)
    entry.path.unlink(missing_ok=True)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


class _locked:
    """An exclusive lock so two flushes of one spool never race."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.fh = open(self.path, "a")
        fcntl.flock(self.fh, fcntl.LOCK_EX)

    def __exit__(self, *exc_info) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()
