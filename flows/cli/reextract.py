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
    if args.start and args.end and args.start > args.end:
        raise CliError(f"--from {args.start} is after --to {args.end}")
    check_store(args.store)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(file=sys.stderr), transient=False)
    # The outlets one after the other in this process: the start-up and the extraction
    # workers (which import the extractor) are paid once, not once per outlet.
    with progress:
        for outlet in outlets:
            task = None

            def on_warc(done: int, total: int, summary, outlet: str = outlet) -> None:
                nonlocal task
                if task is None:
                    task = progress.add_task(f"re-extracting {outlet}", total=total)
                progress.update(task, completed=done,
                                description=f"re-extracting {outlet}: {summary.pages} pages, {summary.changed} changed")

            request = ReextractRequest(outlet, args.store, args.start, args.end, args.state)
            try:
                summary = reextract(request, on_warc=on_warc)
            except (StoreError, StateError) as exc:
                raise CliError(f"{outlet}: {exc}", EXIT_FAILED) from None
            print(describe(summary), flush=True)  # each outlet's summary as soon as it is committed
            print(f"manifest: manifests/{summary.run_id}.json", flush=True)
    return 0


def add_commands(commands) -> None:
    reextract = commands.add_parser(
        "reextract", help="extract outlets' stored WARCs again with the current rules",
        description="Read the outlet's WARCs of a period from the store, extract them with the current rules and "
                    "learned furniture, and write a new version of every article whose text or metadata changed "
                    "(its diff says \"reextracted\"). Idempotent, and resumable after a kill. Several outlets "
                    "are re-extracted one after the other, each with its own manifest.")
    reextract.add_argument("--outlet", required=True, metavar="SLUG[,SLUG...]|all",
                           help="outlet slug, several separated by commas, or all")
    reextract.add_argument("--from", dest="start", type=day, default=None, metavar="YYYY-MM-DD",
                           help="first capture day (UTC; default: the first)")
    reextract.add_argument("--to", dest="end", type=day, default=None, metavar="YYYY-MM-DD",
                           help="last capture day (UTC; default: the last)")
    add_store_option(reextract)
    reextract.add_argument("--state", default=None, metavar="URL",
                           help="state database (default: NEWSARCHIVE_STATE, else the store's SQLite)")
    reextract.set_defaults(handler=cmd_reextract)
