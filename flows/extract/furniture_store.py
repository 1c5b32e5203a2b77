"""Learned furniture in the archive: read the newest version per outlet and period, write new ones.

Each version is a new write-once object (``storage.layout.furniture_key``), so the
history of what an outlet's pages taught stays inspectable, and a record's
``furniture_version`` names the object that cleaned it.

A run reads what the store knows, what earlier runs left in the spool and not yet
uploaded, and, when the store cannot be read, its workspace's copy of what it last
read (``FurnitureCache``): an outage never fails a run here. New versions are staged
in the spool with the outlet's other files (``new_versions``), so they reach the
store, listed in the manifest, when the rest does.
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from flows.extract.furniture import FurnitureBook, LearnedFurniture
from flows.extract.warc import WarcExtraction, learn_and_finish
from storage import layout
from storage.spool import Spool
from storage.store import Store, StoreError

logger = logging.getLogger(__name__)


class FurnitureCache:
    """The workspace's copies of learned-furniture objects, by key (read when the store cannot be)."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory

    def _path(self, key: str) -> Path:
        return self.dir / key.removeprefix("furniture/")

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def keys(self, outlet: str) -> list[str]:
        base = self.dir / outlet
        if not base.is_dir():
            return []
        return sorted("furniture/" + p.relative_to(self.dir).as_posix() for p in base.rglob("*.json"))


def newest_of(keys: Iterable[str]) -> dict[str, str]:
    """period -> the newest of ``keys`` (learned-furniture keys) for that period."""
    newest: dict[str, tuple[int, str]] = {}
    for key in keys:
        parsed = layout.parse_furniture_key(key)
        if parsed is None:
            continue
        _, period, generation, _ = parsed
        if period not in newest or generation > newest[period][0]:
            newest[period] = (generation, key)
    return {period: key for period, (_, key) in newest.items()}


def latest_keys(store: Store, outlet: str) -> dict[str, str]:
    """period -> the key of the newest version of the outlet's furniture for that period."""
    return newest_of(store.list(layout.furniture_prefix(outlet)))


def load_entry(store: Store, key: str, data: bytes | None = None) -> LearnedFurniture:
    parsed = layout.parse_furniture_key(key)
    if parsed is None:
        raise ValueError(f"not a learned-furniture key: {key!r}")
    return LearnedFurniture.from_json(json.loads(data if data is not None else store.get_bytes(key)),
                                      generation=parsed[2])


def load_for_run(store: Store, outlets: Iterable[str], spool: Spool, cache: FurnitureCache) -> FurnitureBook:
    """The newest learned furniture of ``outlets``: the store's, the spool's not yet uploaded,
    and the cache's when the store cannot be read (a run goes on with what it has)."""
    staged = {e.key: e.path for e in spool.pending() if layout.parse_furniture_key(e.key)}
    entries = []
    for outlet in outlets:
        try:
            known = list(store.list(layout.furniture_prefix(outlet)))
        except StoreError as exc:
            logger.warning("learned furniture of %s read from the workspace: %s", outlet, exc)
            known = cache.keys(outlet)
        ours = [k for k in staged if layout.parse_furniture_key(k)[0] == outlet]
        for key in newest_of(known + ours).values():
            data = staged[key].read_bytes() if key in staged else cache.get(key)
            if data is None:
                try:
                    data = store.get_bytes(key)
                except StoreError as exc:
                    logger.warning("learned furniture %s not read: %s", key, exc)
                    continue
                cache.put(key, data)
            entries.append(load_entry(store, key, data))
    return FurnitureBook(entries)


def new_versions(book: FurnitureBook, before: dict[tuple[str, str], str]) -> list[tuple[str, bytes]]:
    """The entries whose version differs from ``before`` as their next generation: ``(key, bytes)``."""
    written = []
    for entry in book.entries():
        if before.get((entry.outlet, entry.period)) == entry.version:
            continue
        entry.generation += 1
        written.append((layout.furniture_key(entry.outlet, entry.period, entry.generation, entry.version),
                        entry.to_bytes()))
    return written


def load_book(store: Store, outlets: Iterable[str]) -> FurnitureBook:
    """The newest learned furniture of each of ``outlets``, every period."""
    return FurnitureBook(load_entry(store, key) for outlet in outlets for key in latest_keys(store, outlet).values())


def save_book(store: Store, book: FurnitureBook, before: dict[tuple[str, str], str]) -> list[str]:
    """Write each entry whose version differs from ``before`` (``book.versions()`` when it was
    loaded) as the next generation; returns the keys written."""
    written = []
    for key, data in new_versions(book, before):
        store.put_bytes(key, data)
        written.append(key)
    return written


def learn_and_finish_in_store(store: Store, outlets: Iterable[str], extractions: Iterable[WarcExtraction],
                              learn: bool = True) -> tuple[WarcExtraction, list[str]]:
    """A batch's records cleaned with what the store knows of ``outlets`` plus what the batch
    teaches (unless ``learn`` is False); the new versions are written to the store."""
    book = load_book(store, outlets)
    before = book.versions()
    if not learn:
        from flows.extract.warc import finish

        batch = WarcExtraction()
        for extraction in extractions:
            batch.extend(extraction)
        return finish(batch, book), []
    done, book = learn_and_finish(extractions, book)
    return done, save_book(store, book, before)


def learn_and_finish_for_run(store: Store, outlet: str, extractions: Iterable[WarcExtraction], spool: Spool,
                             cache: FurnitureCache) -> tuple[WarcExtraction, list[tuple[str, bytes]]]:
    """A run's records cleaned with the outlet's learned furniture plus what its pages teach;
    the new versions come back as ``(key, bytes)``, for the caller to stage in the spool."""
    book = load_for_run(store, [outlet], spool, cache)
    before = book.versions()
    done, book = learn_and_finish(extractions, book)
    versions = new_versions(book, before)
    for key, data in versions:
        cache.put(key, data)
    return done, versions
