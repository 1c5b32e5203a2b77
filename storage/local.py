"""A local directory laid out exactly like the bucket: a key is a relative path.

Writes are atomic: the data goes to a hidden temp file in the target directory,
is fsynced, then linked (write-once) or renamed (overwrite) to its final name,
so a crash never leaves a partial file under a key. Hidden names (leading dot)
are never keys: temp files and the working directory beside the layout stay
out of listings. A writer holds a lock on its temp file; the next write of the
same key removes the temp files of writers that died (their lock is gone).
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

from storage.durable import fsync_dir
from storage.store import ConflictingObject, ObjectInfo, StoreError, check_key, sha256_file

_CHUNK = 1024 * 1024


class LocalStore:
    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        self.root = Path(root).expanduser().absolute()
        self.uri = str(self.root)
        if read_only:
            if not self.root.is_dir():
                raise StoreError(f"store directory {self.root} does not exist")
        else:
            _check_writable(self.root)

    def put_file(self, key: str, path: Path, *, overwrite: bool = False) -> ObjectInfo:
        try:
            with open(path, "rb") as src:
                return self._put(key, src.read, overwrite)
        except FileNotFoundError:
            raise StoreError(f"{self.uri}: cannot upload {key}: source file {path} is missing") from None

    def put_bytes(self, key: str, data: bytes, *, overwrite: bool = False) -> ObjectInfo:
        chunks = iter([data])
        return self._put(key, lambda _size: next(chunks, b""), overwrite)

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"{self.uri}: no object {key}") from None
        except OSError as exc:
            raise StoreError(f"{self.uri}: cannot read {key}: {exc.strerror}") from None

    def get_range(self, key: str, offset: int, length: int) -> bytes:
        if offset < 0 or length <= 0:
            raise StoreError(f"{self.uri}: invalid range {offset}+{length} for {key}")
        try:
            with open(self._path(key), "rb") as fh:
                fh.seek(offset)
                data = fh.read(length)
        except FileNotFoundError:
            raise StoreError(f"{self.uri}: no object {key}") from None
        if len(data) != length:
            raise StoreError(f"{self.uri}: range {offset}+{length} is beyond the end of {key}")
        return data

    def head(self, key: str) -> ObjectInfo | None:
        path = self._path(key)
        if not path.is_file():
            return None
        # The directory keeps no metadata, so the checksum is computed on demand.
        return ObjectInfo(key, path.stat().st_size, sha256_file(path))

    def list(self, prefix: str) -> Iterator[str]:
        if not self.root.is_dir():
            return
        base = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        start = self.root / base if base else self.root
        if not start.is_dir():
            return
        found = []
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            rel_dir = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            for name in filenames:
                if name.startswith("."):
                    continue
                key = name if rel_dir == "." else f"{rel_dir}/{name}"
                if key.startswith(prefix):
                    found.append(key)
        yield from sorted(found)  # the same order S3 lists in

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _put(self, key: str, read, overwrite: bool) -> ObjectInfo:
        final = self._path(key)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            _remove_abandoned_temp_files(final)
            tmp = final.parent / f"{_temp_prefix(final)}{secrets.token_hex(6)}"
            digest, size = hashlib.sha256(), 0
            try:
                with open(tmp, "xb") as out:
                    fcntl.flock(out.fileno(), fcntl.LOCK_EX)  # released when this writer ends or dies
                    while chunk := read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                info = ObjectInfo(key, size, digest.hexdigest())
                if overwrite:
                    os.replace(tmp, final)
                else:
                    self._link_once(tmp, final, info)
            finally:
                tmp.unlink(missing_ok=True)
            fsync_dir(final.parent)
        except OSError as exc:
            raise StoreError(f"{self.uri}: cannot write {key}: {exc.strerror or exc}") from None
        return info

    def _link_once(self, tmp: Path, final: Path, info: ObjectInfo) -> None:
        try:
            os.link(tmp, final)  # fails if the key exists: a write-once rename
        except FileExistsError:
            existing = sha256_file(final)
            if existing != info.sha256:
                raise ConflictingObject(
                    f"{self.uri}: conflicting object {info.key}: stored sha256 {existing[:12]}..., "
                    f"new {info.sha256[:12]}..."
                ) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            # Filesystems without hard links: check, then rename (not race-free).
            if final.exists():
                if sha256_file(final) != info.sha256:
                    raise ConflictingObject(f"{self.uri}: conflicting object {info.key}") from None
                return
            os.replace(tmp, final)


def _temp_prefix(final: Path) -> str:
    return f".{final.name}.tmp-"


# A temp file younger than this may belong to a writer that has created it but not yet
# taken its lock.
_ABANDONED_AFTER_SECONDS = 1.0


def _remove_abandoned_temp_files(final: Path) -> None:
    """Remove the temp files of earlier writes of ``final`` whose writer died (killed
    before its rename): nobody holds their lock any more."""
    for tmp in final.parent.glob(f"{_temp_prefix(final)}*"):
        try:
            if time.time() - tmp.stat().st_mtime < _ABANDONED_AFTER_SECONDS:
                continue
            with open(tmp, "rb") as held:
                fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                tmp.unlink()
        except OSError:
            continue  # a live writer's (its lock is held), already gone, or not ours to remove


def _check_writable(root: Path) -> None:
    """Fail at open time, writing nothing, if the store could not be written."""
    probe = root
    try:
        while not probe.exists():
            if probe.parent == probe:
                break
            probe = probe.parent
    except OSError as exc:
        raise StoreError(f"store directory {root} is not accessible: {exc.strerror}") from None
    if not probe.is_dir():
        raise StoreError(f"store directory {root} is unusable: {probe} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise StoreError(f"store directory {root} is not writable ({probe} denies write access)")
