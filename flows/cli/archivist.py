"""What archivists get from the bucket: ``list``, ``get`` and ``export-wacz``.

``list`` and ``get`` go through the merged CDXJ index, so they read a few
index blocks and then exactly the WARC record(s) of one capture by Range
requests, never a whole WARC. A URL is looked up as given, in its canonical
form, and with either scheme (the crawler records ``http://<host>/...``
when it goes through a proxy, the canonical form is ``https``).
"""
from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from flows.cli.checks import add_store_option, iso_day
from flows.cli.errors import EXIT_FAILED, CliError

_TIMESTAMP = re.compile(r"^\d{4}(\d{2}){0,5}$")
_TIMESTAMP_FLOOR = "00000101000000"  # pads a partial timestamp to its earliest moment


# -- arguments ---------------------------------------------------------------

def url_variants(url: str) -> list[str]:
    """The URL as given, its canonical form, and both with http and https."""
    from flows.exports.capture import url_variants as variants

    try:
        return variants(url)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def parse_timestamp(text: str) -> datetime:
    """``YYYYMMDDhhmmss`` or a prefix of it (``YYYY``, ``YYYYMMDD``...), UTC."""
    if not _TIMESTAMP.match(text):
        raise CliError(f"--at must be YYYYMMDDhhmmss (or a prefix such as YYYYMMDD), not {text!r}")
    padded = text + _TIMESTAMP_FLOOR[len(text):]
    try:
        return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        raise CliError(f"--at is not a valid date and time: {text!r}") from None


def _open_store(uri: str):
    from storage.factory import open_store
    from storage.store import StoreError

    try:
        return open_store(uri, read_only=True)
    except StoreError as exc:
        raise CliError(str(exc)) from None


# -- list ----------------------------------------------------------------------

def format_capture(capture) -> str:
    """One line: timestamp, status, mime, digest, WARC key, offset, length, revisit marker, URL."""
    return " ".join([
        capture.timestamp, str(capture.status or "-"), capture.mime or "-", capture.digest or "-",
        capture.warc_key, str(capture.offset), str(capture.length),
        "revisit" if capture.is_revisit else "-", capture.url,
    ])


def cmd_list(args: argparse.Namespace) -> int:
    from storage.retrieval import list_captures
    from storage.store import StoreError

    variants = url_variants(args.url)
    store = _open_store(args.store)
    try:
        captures = list_captures(store, variants)
    except StoreError as exc:
        raise CliError(str(exc), EXIT_FAILED) from None
    if not captures:
        raise CliError(f"no captures of {args.url} in {store.uri}", EXIT_FAILED)
    for capture in captures:
        print(format_capture(capture))
    return 0


# -- get -----------------------------------------------------------------------

def cmd_get(args: argparse.Namespace) -> int:
    from flows.exports.capture import warc_records_of
    from storage.retrieval import closest_capture, retrieve
    from storage.store import StoreError

    variants = url_variants(args.url)
    at = parse_timestamp(args.at) if args.at else None
    store = _open_store(args.store)
    try:
        capture = closest_capture(store, variants, at)
        if capture is None:
            raise CliError(f"no captures of {args.url} in {store.uri}", EXIT_FAILED)
        retrieved = retrieve(store, capture, variants)
        if args.warc:
            records = warc_records_of(store, retrieved)
    except StoreError as exc:
        raise CliError(str(exc), EXIT_FAILED) from None
    if args.warc:
        try:
            args.warc.write_bytes(b"".join(records))
        except OSError as exc:
            raise CliError(f"cannot write {args.warc}: {exc.strerror or exc}", EXIT_FAILED) from None
        print(f"{args.warc}: {len(records)} WARC record(s) of {capture.url} at {capture.timestamp}")
        return 0
    sys.stdout.buffer.write(retrieved.payload)
    sys.stdout.buffer.flush()
    return 0


# -- export-wacz ---------------------------------------------------------------

def cmd_export_wacz(args: argparse.Namespace) -> int:
    from flows.exports.wacz import ExportError, export_wacz
    from spiders.outlets import UnknownOutlet, get_outlet
    from storage.store import StoreError

    try:
        outlet = get_outlet(args.outlet).slug
    except UnknownOutlet as exc:
        raise CliError(str(exc)) from None
    start = iso_day(args.start, "--from") if args.start else None
    end = iso_day(args.end, "--to") if args.end else None
    if start and end and start > end:
        raise CliError(f"--from {start} is after --to {end}")
    if not args.output.name.endswith(".wacz"):
        raise CliError(f"the output file name must end in .wacz: {args.output}")
    if not args.output.parent.is_dir():
        raise CliError(f"no such directory: {args.output.parent}")
    store = _open_store(args.store)
    try:
        result = export_wacz(store, outlet, args.output, start, end)
    except (ExportError, StoreError) as exc:
        raise CliError(str(exc), EXIT_FAILED) from None
    print(f"{args.output}: {len(result.warc_keys)} WARC file(s), {result.pages} page(s)")
    return 0


# -- registration --------------------------------------------------------------

def add_commands(subparsers) -> None:
    """Register ``list``, ``get`` and ``export-wacz`` on the CLI's subparsers."""
    listing = subparsers.add_parser(
        "list", help="list the archived captures of a URL",
        description="List every capture of a URL (as given, canonical, http and https): timestamp, status, "
                    "mime, digest, WARC key, offset, length, revisit marker, URL.")
    listing.add_argument("url", metavar="URL")
    add_store_option(listing)
    listing.set_defaults(handler=cmd_list)

    get = subparsers.add_parser(
        "get", help="print the archived page of a URL",
        description="Print the archived payload (decoded HTML) of the capture closest to --at (default: the "
                    "newest), read by Range requests; a revisit resolves to its original.")
    get.add_argument("url", metavar="URL")
    get.add_argument("--at", default=None, metavar="YYYYMMDDhhmmss", help="the moment wanted (UTC)")
    add_store_option(get)
    get.add_argument("--warc", type=Path, default=None, metavar="FILE",
                     help="write the capture's WARC records to FILE instead of printing the payload")
    get.set_defaults(handler=cmd_get)

    export = subparsers.add_parser(
        "export-wacz", help="package an outlet's WARCs into a WACZ file",
        description="Package the outlet's WARC files of a date range (UTC days of the store layout) into a "
                    "WACZ file whose pages list the archived articles.")
    export.add_argument("output", type=Path, metavar="OUT.wacz")
    export.add_argument("--outlet", required=True, help="outlet slug")
    export.add_argument("--from", dest="start", default=None, metavar="YYYY-MM-DD", help="first day (default: the first)")
    export.add_argument("--to", dest="end", default=None, metavar="YYYY-MM-DD", help="last day (default: the last)")
    add_store_option(export)
    export.set_defaults(handler=cmd_export_wacz)
