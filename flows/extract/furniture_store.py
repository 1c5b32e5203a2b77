"""Learned furniture in the archive: read the newest version per outlet and period, write new ones.

Each version is a new write-once object (``storage.layout.furniture_key``), so the
history of what an outlet's pages taught stays inspectable, and a record's
``furniture_version`` names the object that cleaned it.
"""
from __future__ import annotations

import json
from collections.abc import Iterable

from flows.extract.furniture import FurnitureBook, LearnedFurniture
from flows.extract.warc import WarcExtraction, learn_and_finish
from storage import layout
from storage.store import Store


def latest_keys(store: Store, outlet: str) -> dict[str, str]:
    """period -> the key of the newest version of the outlet's furniture for that period."""
    newest: dict[str, tuple[int, str]] = {}
    for key in store.list(layout.furniture_prefix(outlet)):
        parsed = layout.parse_furniture_key(key)
        if parsed is None:
            continue
        _, period, generation, _ = parsed
        if period not in newest or generation > newest[period][0]:
            newest[period] = (generation, key)
    return {period: key for period, (_, key) in newest.items()}


def load_entry(store: Store, key: str) -> LearnedFurniture:
    parsed = layout.parse_furniture_key(key)
    if parsed is None:
        raise ValueError(f"not a learned-furniture key: {key!r}")
    return LearnedFurniture.from_json(json.loads(store.get_bytes(key)), generation=parsed[2])


def load_book(store: Store, outlets: Iterable[str]) -> FurnitureBook:
    """The newest learned furniture of each of ``outlets``, every period."""
    return FurnitureBook(load_entry(store, key) for outlet in outlets for key in latest_keys(store, outlet).values())


def save_book(store: Store, book: FurnitureBook, before: dict[tuple[str, str], str]) -> list[str]:
    """Write each entry whose version differs from ``before`` (``book.versions()`` when it was
    loaded) as the next generation; returns the keys written."""
    written = []
    for entry in book.entries():
        if before.get((entry.outlet, entry.period)) == entry.version:
            continue
        generation = entry.generation + 1
        key = layout.furniture_key(entry.outlet, entry.period, generation, entry.version)
        store.put_bytes(key, entry.to_bytes())
        entry.generation = generation
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
