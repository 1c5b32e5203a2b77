"""Package an outlet's WARC files into a WACZ (Web Archive Collection Zipped) file.

The WARCs of a date range (the UTC days of ``warc/<outlet>/<yyyy>/<mm>/<dd>/``)
are copied out of the store and handed to the ``wacz`` package, which indexes
them and writes ``datapackage.json``. The page list (``pages/pages.jsonl``,
required by WACZ 1.1.1) names the archived articles, from the article records
of the same days: url, ts (the capture's WARC-Date) and title. A record is
listed only if its response record is in one of the packaged WARCs, so every
page replays from the package.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from flows.records.jsonl import read_records
from storage.layout import ARTICLES_KEY
from storage.store import Store

_WARC_KEY = re.compile(r"^warc/([a-z][a-z0-9_]{1,31})/(\d{4})/(\d{2})/(\d{2})/([^/]+\.warc\.gz)$")
PAGES_FORMAT = "json-pages-1.0"


class ExportError(Exception):
    """The export cannot be made; the message is one line."""


@dataclass(frozen=True)
class WaczExport:
    path: Path
    warc_keys: list[str]
    pages: int
    unmatched: list[str] = field(default_factory=list)  # article URLs whose response is not packaged


def _in_range(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def _keys_of_days(store: Store, prefix: str, pattern: re.Pattern, outlet: str,
                  start: date | None, end: date | None) -> list[str]:
    keys = []
    for key in store.list(prefix):
        match = pattern.match(key)
        if match and match.group(1) == outlet:
            year, month, day = (int(part) for part in match.group(2, 3, 4))
            if _in_range(date(year, month, day), start, end):
                keys.append(key)
    return keys


def outlet_warc_keys(store: Store, outlet: str, start: date | None = None, end: date | None = None) -> list[str]:
    """The outlet's WARC keys whose layout day is within [start, end] (either bound optional)."""
    return _keys_of_days(store, f"warc/{outlet}/", _WARC_KEY, outlet, start, end)


def outlet_article_records(store: Store, outlet: str, start: date | None = None,
                           end: date | None = None) -> list[dict]:
    records = []
    for key in _keys_of_days(store, f"articles/{outlet}/", ARTICLES_KEY, outlet, start, end):
        records += read_records(store.get_bytes(key))
    return records


def response_ids(warc_path: Path) -> set[str]:
    """The WARC-Record-IDs of the file's response records."""
    with open(warc_path, "rb") as stream:
        return {record.rec_headers.get_header("WARC-Record-ID")
                for record in ArchiveIterator(stream) if record.rec_type == "response"}


def pages_lines(outlet_name: str, records: list[dict], packaged_ids: set[str]) -> tuple[list[dict], list[str]]:
    """The pages.jsonl header and entries (one per article whose response is packaged), and the rest."""
    pages = [{"format": PAGES_FORMAT, "id": "pages", "title": f"{outlet_name}: archived articles"}]
    unmatched, seen = [], set()
    for record in records:
        record_id = record.get("warc_record_id")
        if record_id not in packaged_ids:
            unmatched.append(record["url"])
            continue
        if record_id in seen:
            continue
        seen.add(record_id)
        pages.append({
            "id": record_id.strip("<>").removeprefix("urn:uuid:"),
            "url": record["url"],
            "ts": record["fetched_at"],
            "title": record.get("title") or record["url"],
        })
    return pages, unmatched


def export_wacz(store: Store, outlet: str, output: Path, start: date | None = None,
                end: date | None = None) -> WaczExport:
    """Write ``output`` (a WACZ) from the outlet's WARCs and article records of [start, end]."""
    from spiders.outlets import get_outlet

    outlet_name = get_outlet(outlet).name
    warc_keys = outlet_warc_keys(store, outlet, start, end)
    span = f"{start or 'the first day'} to {end or 'the last day'}"
    if not warc_keys:
        raise ExportError(f"no WARC files of {outlet} from {span} in {store.uri}")
    names = [key.rsplit("/", 1)[1] for key in warc_keys]
    if len(set(names)) != len(names):
        # The WACZ keeps archive/<file name> only: two keys with one name would collide.
        raise ExportError(f"two WARC files of {outlet} share a file name in {store.uri}")
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix=".wacz-export-", dir=output.parent) as tmp:
        work = Path(tmp)
        warc_paths, packaged_ids = [], set()
        for key, name in zip(warc_keys, names):
            path = work / name
            path.write_bytes(store.get_bytes(key))
            warc_paths.append(path)
            packaged_ids |= response_ids(path)
        pages, unmatched = pages_lines(outlet_name, outlet_article_records(store, outlet, start, end), packaged_ids)
        pages_path = work / "pages.jsonl"
        pages_path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages), encoding="utf-8")
        partial = work / f"out-{secrets.token_hex(4)}.wacz"
        _create(warc_paths, pages_path, partial, title=f"{outlet_name} ({outlet}), {span}",
                description=f"newsarchive: WARC captures of {outlet_name} from {span}")
        os.replace(partial, output)  # same directory: the file appears complete or not at all
    return WaczExport(output, warc_keys, len(pages) - 1, unmatched)


def _create(warcs: list[Path], pages: Path, output: Path, *, title: str, description: str) -> None:
    from wacz.main import main as wacz_main

    # The pages file is copied as written (-c): wacz would otherwise drop the list
    # when it is empty, and WACZ 1.1.1 requires pages/pages.jsonl.
    argv = ["create", "-o", str(output), "-p", str(pages), "-c", "--hash-type", "sha256",
            "--title", title, "--desc", description, *map(str, warcs)]
    chatter = io.StringIO()
    try:
        with contextlib.redirect_stdout(chatter):
            status = wacz_main(argv)
    except (ValueError, OSError) as exc:
        raise ExportError(f"wacz create failed: {exc}") from None
    if status != 0 or not output.is_file():
        last = chatter.getvalue().strip().splitlines()[-1:] or ["no output"]
        raise ExportError(f"wacz create failed: {last[0]}")


def export_records_wacz(members: list[bytes], pages: list[dict], output: Path, *, title: str,
                        description: str) -> Path:
    """Write ``output`` (a WACZ) holding the given WARC records (gzip members, in order)
    as one WARC file, with ``pages`` (url, ts, title) as its page list.

    This packages a few captures (one article's), where :func:`export_wacz`
    packages whole WARC files.
    """
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix=".wacz-export-", dir=output.parent) as tmp:
        work = Path(tmp)
        warc_path = work / "captures.warc.gz"
        with open(warc_path, "wb") as out:
            for member in members:
                out.write(member)
        header = {"format": PAGES_FORMAT, "id": "pages", "title": title}
        pages_path = work / "pages.jsonl"
        pages_path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in [header, *pages]),
                              encoding="utf-8")
        partial = work / f"out-{secrets.token_hex(4)}.wacz"
        _create([warc_path], pages_path, partial, title=title, description=description)
        os.replace(partial, output)
    return output
