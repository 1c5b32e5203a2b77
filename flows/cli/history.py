"""``newsarchive history URL``: every capture and version of one article.

Captures (each fetch: the first response, revisits with an unchanged payload,
changed payloads, the fetch that found it gone) and versions (each change of
its text, with a summary of the change, and the tombstone) come from the state
database of the store, in time order.
"""
from __future__ import annotations

import argparse
import json

from flows.cli.checks import add_store_option
from flows.cli.errors import EXIT_FAILED, CliError


def history_lines(captures, versions) -> list[str]:
    """One line per capture and per version, oldest first; a version follows the capture it came from."""
    from flows.dedup.versions import describe_diff

    events = []
    for c in captures:
        events.append((c.fetched_at, 0, f"{c.fetched_at}  capture      {c.status}  {c.kind:<8}  "
                                        f"{c.payload_digest or '-'}  {c.warc_key or '-'}  {c.url}"))
    for v in versions:
        if v.status == "gone":
            detail = f"gone (HTTP {v.http_status})"
        else:
            detail = f"text {(v.text_sha256 or '-')[:12]}" + (f"  {describe_diff(v.diff)}" if v.diff else "")
        events.append((v.fetched_at or "", 1, f"{v.fetched_at or '-'}  version {v.version:<4} {detail}"))
    return [line for _, _, line in sorted(events, key=lambda e: (e[0].replace("Z", "+00:00"), e[1]))]


def cmd_history(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from flows.cli.archivist import url_variants
    from storage.workspace import workspace_for
    from spiders.urls import canonical_url
    from storage.state import StateError, StateStore

    url_variants(args.url)  # a one-line error for what is not an http(s) URL
    canonical = canonical_url(args.url.strip() if "://" in args.url else "https://" + args.url.strip())
    location = args.state or workspace_for(args.store).state_db
    if not args.state and not workspace_for(args.store).state_db.exists():
        raise CliError(f"no archive state for {args.store}: nothing archived there yet", EXIT_FAILED)
    try:
        with StateStore(location) as state:
            captures, versions = state.captures_of(canonical), state.versions_of(canonical)
    except StateError as exc:
        raise CliError(str(exc), EXIT_FAILED) from None
    if not captures and not versions:
        raise CliError(f"no history of {canonical} in {args.store}", EXIT_FAILED)
    if args.json:
        print(json.dumps({"canonical_url": canonical, "captures": [asdict(c) for c in captures],
                          "versions": [asdict(v) for v in versions]}, indent=2, sort_keys=True))
        return 0
    print(canonical)
    for line in history_lines(captures, versions):
        print(line)
    return 0


def add_commands(subparsers) -> None:
    """Register ``history`` on the CLI's subparsers."""
    history = subparsers.add_parser(
        "history", help="list every capture and version of an article",
        description="List every capture (date, HTTP status, kind: response, revisit or gone, payload digest, "
                    "WARC key) and every version (text hash, what changed, or when it vanished) of an article.")
    history.add_argument("url", metavar="URL", help="any form of the article's URL (it is canonicalised)")
    add_store_option(history)
    history.add_argument("--state", default=None, metavar="URL",
                         help="state database (default: the store's, e.g. ARCHIVE/.newsarchive/state.sqlite)")
    history.add_argument("--json", action="store_true", help="print JSON instead of lines")
    history.set_defaults(handler=cmd_history)
