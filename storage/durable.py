"""Durability helpers shared by the store, the spool's pending commits and the WARC writer."""
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
