"""``newsarchive furniture --outlet X``: the furniture learned from an outlet's pages, with page counts.

It shows, per rules period, the newest learned version: how many pages it was
learned from, the threshold a passage must reach to count as furniture, and each
passage seen on two pages or more with its page count, so an archivist can see why
a paragraph was removed from a record (its ``furniture_version`` names the version).
"""
from __future__ import annotations

import argparse
import json
import sys

from flows.cli.checks import add_store_option, check_outlets, check_store
from flows.cli.errors import EXIT_FAILED, CliError


def furniture_lines(entry, key: str, everything: bool) -> list[str]:
    lines = [f"{entry.outlet} period {entry.period}: version {entry.version} ({key}), learned from {entry.pages} "
             f"page(s); furniture = on at least {entry.threshold()} pages"]
    passages = sorted(entry.passages.values(), key=lambda p: (-p.pages, p.text))
    least = entry.threshold()
    for passage in passages:
        if passage.pages < least and not everything:
            continue
        mark = "furniture" if passage.pages >= least else "kept     "
        lines.append(f"  {passage.pages:6d}  {mark}  {passage.text[:160]}")
    return lines


def cmd_furniture(args: argparse.Namespace) -> int:
    from flows.extract.furniture_store import latest_keys, load_entry
    from storage.factory import open_store
    from storage.store import StoreError

    slugs = check_outlets(args.outlet)
    check_store(args.store, read_only=True)
    try:
        store = open_store(args.store, read_only=True)
        found = [(key, load_entry(store, key)) for slug in slugs for _, key in sorted(latest_keys(store, slug).items())]
    except (StoreError, ValueError) as exc:
        raise CliError(str(exc), EXIT_FAILED) from None
    if args.period:
        found = [(key, entry) for key, entry in found if entry.period == args.period]
    if not found:
        raise CliError(f"no learned furniture for {args.outlet} in {store.uri}"
                       + (f" (period {args.period})" if args.period else ""), EXIT_FAILED)
    for key, entry in found:
        if args.json:
            data = entry.to_json()
            data.pop("page_ids")
            data.pop("singles")
            sys.stdout.write(json.dumps({"key": key, "version": entry.version, **data}, ensure_ascii=False) + "\n")
        else:
            print("\n".join(furniture_lines(entry, key, args.all)))
    return 0


def add_commands(commands) -> None:
    parser = commands.add_parser(
        "furniture", help="list the furniture learned from an outlet's pages, with page counts",
        description="List the newest learned-furniture version of an outlet per rules period: the passages that recur "
                    "across its pages and on how many pages each was seen.")
    parser.add_argument("--outlet", required=True, help="outlet slug (or a comma-separated list, or 'all')")
    add_store_option(parser)
    parser.add_argument("--period", default=None, metavar="YYYY-MM-DD|start", help="only this rules period")
    parser.add_argument("--all", action="store_true", help="also list passages below the threshold (kept as text)")
    parser.add_argument("--json", action="store_true", help="one JSON object per period instead of lines")
    parser.set_defaults(handler=cmd_furniture)
