"""Durability helpers shared by the store, the spool, its pending commits and the WARC writer."""
from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(path: Path, *, if_openable: bool = False) -> None:
    """Make a rename or a new name in ``path`` durable: fsync the directory itself.

    ``if_openable``: do nothing where the directory cannot be opened (some file systems)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        if if_openable:
            return
        raise
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """``data`` as ``path``, whole or not at all, and durably: a temp file, fsync, rename,
    then the directory's fsync."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)
