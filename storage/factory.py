"""A store from its URI: the one place that knows which backend serves which location.

It sits above the backends (which import only the interface), so the store
package has no import circle. Each backend is imported when first asked for:
a local run never loads boto3.
"""
from __future__ import annotations

from pathlib import Path

from storage.store import Store, StoreError, StoreUnavailable


def open_store(uri: str, *, read_only: bool = False) -> Store:
    """``./archive``, ``/abs/dir``, ``file:///dir`` -> local; ``s3://bucket/prefix`` -> S3.

    ``read_only``: a local directory need only exist (archives on read-only media).
    Opened for writing, an S3 store is checked at once for conditional writes
    (unless it cannot be reached now: the run then spools, and the first upload checks).
    """
    if uri.startswith("s3://"):
        from storage.s3 import S3Store

        store = S3Store.from_uri(uri)
        if not read_only:
            try:
                store.require_conditional_writes()
            except StoreUnavailable:
                pass
        return store
    if "://" in uri.removeprefix("file://") or not uri.strip():
        raise StoreError(f"unsupported store URI {uri!r}: use a directory or s3://bucket/prefix")
    from storage.local import LocalStore

    return LocalStore(Path(uri.removeprefix("file://")), read_only=read_only)
