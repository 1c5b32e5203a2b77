"""Crash-safe hand-over between the store and the state database: pending state commits.

Each outlet's part of a run, and the run's manifest, ends in a state commit (the
articles archived, their captures and versions, discovery validators, the run's
end) that refers to files (WARCs, their CDXJ indexes, the article records, the
manifest). The files are finished in the run's directory first; then

1. ``pending/<name>.json`` is written (temp file, fsync, rename): the state commit
   and the key, sha256, size and current place of every file it refers to. This is
   the commit point: a file enters the spool only once a pending commit names it;
2. each file is staged in the spool (``Spool.stage`` keeps the source until the
   spool entry is complete, so a file is always at its source, in the spool or in
   the store);
3. the spool is uploaded; a file leaves it once the store confirmed its checksum;
4. when none of its files waits in the spool any more, the commit's derived views
   are rebuilt (the caller's Parquet files) and the commit is applied to the state
   database in one transaction; then the pending file is removed.

A kill before step 1 leaves nothing the store or the state will ever see (the
crawl is simply redone); after it, the next run's :meth:`PendingCommits.recover`
finishes the commit. The writer of a pending commit holds an exclusive lock on
``<name>.lock`` while it works on it, so recovery (in any process sharing the
workspace) only completes commits whose writer is gone. Recovery stages what is
still at its source, uploads, checks every file against the store (key, size and
sha256), rebuilds the views and applies. A spooled file that no pending commit
names cannot come from this protocol (an older release staged before committing):
recovery removes it from the spool instead of uploading it, since its articles
were never committed and will be fetched again.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from storage.durable import fsync_dir, write_atomic
from storage.spool import Spool, SpoolEntry
from storage.state import ArchivedArticle, CaptureRow, StateStore, Validator, VersionRow
from storage.store import Store, sha256_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommitFile:
    """A file a state commit refers to, and where it waits until it is staged."""

    key: str
    source: str  # absolute path of the finished file, until the spool takes it
    sha256: str
    size: int


@dataclass
class StateCommit:
    """What a state commit records (see :meth:`storage.state.StateStore.commit_run`)."""

    run_id: str
    finished: str
    manifest_key: str
    articles: list[ArchivedArticle] = field(default_factory=list)
    captures: list[CaptureRow] = field(default_factory=list)
    versions: list[VersionRow] = field(default_factory=list)
    validators: list[Validator] = field(default_factory=list)


class Pending:
    """One pending commit, held (locked) by this process."""

    def __init__(self, path: Path, lock: int, payload: dict, fresh: bool = False) -> None:
        self.path = path
        self.fresh = fresh  # written by this process just now: every file is still at its source
        self._lock: int | None = lock
        self.payload = payload
        self.run_id: str = payload["run_id"]
        # Written by a release that staged before committing: it claims the whole spool.
        self.legacy = "files" not in payload
        self.files = [CommitFile(**f) for f in payload.get("files", [])]

    @property
    def keys(self) -> list[str]:
        """The keys of its files (for a legacy commit, its article-record keys)."""
        if self.legacy:
            return sorted({a["articles_key"] for a in self.payload["articles"]})
        return [f.key for f in self.files]

    def stage(self, spool: Spool) -> list[SpoolEntry]:
        """Stage every file still at its source (all of them, for a fresh commit).

        Should staging fail (a full disk), the commit is abandoned: what it staged
        leaves the spool, and the pending file is removed.
        """
        spooled = {e.key: e for e in spool.pending()}
        entries = []
        try:
            for file in self.files:
                if file.key in spooled:
                    entries.append(spooled[file.key])
                elif Path(file.source).exists():
                    entries.append(spool.stage(file.key, Path(file.source), sha256=file.sha256))
                elif self.fresh:
                    raise FileNotFoundError(f"{file.source} ({file.key}) vanished before it was staged")
        except BaseException:
            self.abort(spool)
            raise
        return entries

    def abort(self, spool: Spool) -> None:
        """Undo a commit none of whose files may reach the store: unstage them, remove it."""
        keys = set(self.keys)
        spool.discard_unclaimed(lambda: _AllBut(keys))
        self.path.unlink(missing_ok=True)
        self.path.with_suffix(".lock").unlink(missing_ok=True)
        self.release()

    def waiting(self, spool: Spool) -> list[str]:
        """Keys of this commit still in the spool (every spool entry, for a legacy commit)."""
        keys = [e.key for e in spool.pending()]
        return keys if self.legacy else [k for k in keys if k in set(self.keys)]

    def missing(self, store: Store, skip: Container[str] = ()) -> list[str]:
        """Keys (not in ``skip``) the store does not hold with the size and checksum recorded."""
        missing = []
        for file in self.files:
            if file.key in skip:
                continue
            info = store.head(file.key)
            if info is None or info.size != file.size or (info.sha256 and info.sha256 != file.sha256):
                missing.append(file.key)
        return missing

    def apply(self, state: StateStore) -> str:
        """Apply the commit to the state (its files are in the store) and remove it."""
        payload = self.payload
        state.commit_run(payload["run_id"], payload["finished"], payload["manifest_key"],
                         [ArchivedArticle(**a) for a in payload["articles"]],
                         captures=[CaptureRow(**c) for c in payload.get("captures", [])],
                         versions=[VersionRow(**v) for v in payload.get("versions", [])],
                         validators=[Validator(**v) for v in payload.get("validators", [])])
        self.path.unlink()
        self.path.with_suffix(".lock").unlink(missing_ok=True)
        fsync_dir(self.path.parent)
        self.release()
        return self.run_id

    def release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor drops the lock
            self._lock = None

    def __enter__(self) -> Pending:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


class PendingCommits:
    """The pending commits of one workspace (``pending/``)."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)

    def begin(self, name: str, commit: StateCommit, files: Iterable[tuple[str, Path]]) -> Pending:
        """Write ``pending/<name>.json`` naming ``files`` (key, finished file): the commit point.

        The returned commit is locked by this process until applied or released.
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f"{name}.json"
        lock = _try_lock(path.with_suffix(".lock"))
        if lock is None:
            raise RuntimeError(f"pending commit {name} is held by another process")
        named = []
        for key, source in files:
            source = Path(source).absolute()
            named.append(CommitFile(key, str(source), sha256_file(source), source.stat().st_size))
        payload = {"run_id": commit.run_id, "finished": commit.finished, "manifest_key": commit.manifest_key,
                   "articles": [asdict(a) for a in commit.articles],
                   "captures": [asdict(c) for c in commit.captures],
                   "versions": [asdict(v) for v in commit.versions],
                   "validators": [asdict(v) for v in commit.validators],
                   "files": [asdict(f) for f in named]}
        write_atomic(path, json.dumps(payload).encode("utf-8"))  # the commit point
        return Pending(path, lock, payload, fresh=True)

    def _payloads(self) -> Iterator[dict]:
        for path in sorted(self.dir.glob("*.json")) if self.dir.exists() else []:
            try:
                yield json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue  # applied meanwhile

    def claimed_keys(self) -> set[str] | None:
        """Keys some pending commit names; None when a legacy commit claims the whole spool."""
        keys: set[str] = set()
        for payload in self._payloads():
            if "files" not in payload:
                return None
            keys.update(f["key"] for f in payload["files"])
        return keys

    def seen_urls(self, outlet: str) -> set[str]:
        """Articles of pending commits: archived as far as crawling goes."""
        return {a["canonical_url"] for payload in self._payloads() for a in payload["articles"]
                if a["outlet"] == outlet}

    def abandoned(self) -> list[Pending]:
        """The pending commits whose writer is gone, each now locked by this process."""
        held = []
        for path in sorted(self.dir.glob("*.json")) if self.dir.exists() else []:
            lock = _try_lock(path.with_suffix(".lock"))
            if lock is None:
                continue  # its writer (or another recovery) is at work on it
            try:
                payload = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:  # applied by its writer just now
                path.with_suffix(".lock").unlink(missing_ok=True)
                os.close(lock)
                continue
            held.append(Pending(path, lock, payload))
        return held

    def recover(self, spool: Spool, store: Store, state: StateStore, flush: Callable[[], object],
                rebuild_views: Callable[[list[str]], object]) -> list[str]:
        """Finish the commits of processes that died; returns the run ids applied.

        ``flush`` uploads the spool (raising ``StoreError`` when it cannot),
        ``rebuild_views`` rebuilds what is derived from a commit's keys.
        """
        claimed = self.claimed_keys
        dropped = spool.discard_unclaimed(lambda: _everything if (keys := claimed()) is None else keys)
        for entry in dropped:
            log.warning("removed %s from the spool: no pending commit names it (staged by a run killed "
                        "before its commit point; its articles will be fetched again)", entry.key)
        commits = self.abandoned()
        try:
            for commit in commits:
                commit.stage(spool)
            spooled = {e.key for e in spool.pending()}
            for commit in list(commits):
                absent = [key for key in commit.missing(store, skip=spooled)]
                if absent:  # only if someone removed files by hand: the articles are fetched again
                    log.error("pending commit %s of run %s cannot complete: %d file(s) neither at their "
                              "source, spooled nor in the store, e.g. %s; its articles will be fetched again",
                              commit.path.name, commit.run_id, len(absent), absent[0])
                    commit.abort(spool)
                    commits.remove(commit)
            if spool.pending():
                flush()
            applied = []
            for commit in commits:
                if commit.waiting(spool) or commit.missing(store):
                    continue
                rebuild_views(commit.keys)
                applied.append(finish_recovered(commit, state))
            return applied
        finally:
            for commit in commits:
                commit.release()


def finish_recovered(commit: Pending, state: StateStore) -> str:
    """Apply a commit recovered from a process that died (its own step, so a kill can target it)."""
    return commit.apply(state)


class _Everything:
    def __contains__(self, _key: object) -> bool:
        return True


_everything = _Everything()


class _AllBut:
    def __init__(self, keys: set[str]) -> None:
        self.keys = keys

    def __contains__(self, key: object) -> bool:
        return key not in self.keys


def _try_lock(path: Path) -> int | None:
    """An exclusive lock on ``path`` (created if need be), or None when another holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd
