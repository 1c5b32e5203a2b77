"""The store interface: a flat key space of write-once objects.

Two backends implement it: a local directory laid out exactly like the bucket
(:mod:`storage.local`) and S3 (:mod:`storage.s3`); :func:`storage.factory.open_store`
picks one for a URI. Every object is written once:
putting a key again with the same content is a no-op, with other content it
is an error (:class:`ConflictingObject`), unless the caller asks to overwrite.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

_CHUNK = 1024 * 1024


class StoreError(Exception):
    """A store operation failed; the message is one line naming the store and key."""


class StoreUnavailable(StoreError):
    """The store cannot be reached (outage, timeout, 5xx): retrying later may succeed."""


class ConflictingObject(StoreError):
    """The key already holds an object with other content."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str  # hex; empty when the store does not know it


class Store(Protocol):
    uri: str  # printable, never includes credentials

    def put_file(self, key: str, path: Path, *, overwrite: bool = False) -> ObjectInfo: ...

    def put_bytes(self, key: str, data: bytes, *, overwrite: bool = False) -> ObjectInfo: ...

    def get_bytes(self, key: str) -> bytes: ...

    def get_range(self, key: str, offset: int, length: int) -> bytes: ...

    def head(self, key: str) -> ObjectInfo | None: ...

    def list(self, prefix: str) -> Iterator[str]: ...

    def delete(self, key: str) -> None: ...


def check_key(key: str) -> str:
    """Refuse keys that could escape the store root or hide among temp files."""
    parts = key.split("/")
    if not key or key.startswith("/") or "\\" in key or any(
        not part or part in (".", "..") or part.startswith(".") for part in parts
    ):
        raise StoreError(f"invalid store key {key!r}")
    return key


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return sha256_stream(fh)


def sha256_stream(fh: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := fh.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()
