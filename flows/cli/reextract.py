"""``newsarchive reextract``: extract an outlet's stored WARCs again with the current rules."""
from __future__ import annotations

import argparse
import sys

from flows.cli.checks import add_store_option, check_outlets, check_store, day
from flows.cli.errors import EXIT_FAILED, CliError


def cmd_reextract(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.pipeline.reextract import ReextractRequest, describe, reextract
    from storage.state import StateError
    from storage.store import StoreError

    outlets = check_outlets(args.outlet)
    if len(outlets) != 1:
        raise CliError(f"--outlet takes one outlet, not {args.outlet!r}")
    [outlet] = outlets
    if args.start and args.end and args.start > args.end:
        raise CliError(f"--from {args.start} is after --to {args.end}")
    check_store(args.store)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(file=sys.stderr), transient=False)
    task = None

    def on_warc(done: int, total: int, summary) -> None:
        nonlocal task
        if task is None:
            task = progress.add_task(f"re-extracting {outlet}", total=total)
        progress.update(task, completed=done,
                        description=f"re-extracting {outlet}: {summary.pages} pages, {summary.changed} changed")

    request = ReextractRequest(outlet, args.store, args.start, args.end, args.state)
    try:
        with progress:
            summary = reextract(request, on_warc=on_warc)
    except (StoreError, StateError) as exc:
        raise CliError(str(exc), EXIT_FAILED) from None
    print(describe(summary))
    print(f"manifest: manifests/{summary.run_id}.json")
    return 0


def add_commands(commands) -> None:
    reextract = commands.add_parser(
        "reextract", help="extract an outlet's stored WARCs again with the current rules",
        description="Read the outlet's WARCs of a period from the store, extract them with the current rules and "
                    "learned furniture, and write a new version of every article whose text or metadata changed "
                    "(its diff says \"reextracted\"). Idempotent, and resumable after a kill.")
    reextract.add_argument("--outlet", required=True, help="outlet slug")
    reextract.add_argument("--from", dest="start", type=day, default=None, metavar="YYYY-MM-DD",
                           help="first capture day (UTC; default: the first)")
    reextract.add_argument("--to", dest="end", type=day, default=None, metavar="YYYY-MM-DD",
                           help="last capture day (UTC; default: the last)")
    add_store_option(reextract)
    reextract.add_argument("--state", default=None, metavar="URL",
                           help="state database (default: NEWSARCHIVE_STATE, else the store's SQLite)")
    reextract.set_defaults(handler=cmd_reextract)
