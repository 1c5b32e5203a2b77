"""``newsarchive reextract``: extract an outlet's stored WARCs again with the current rules."""
from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor

from flows.cli.checks import add_store_option, check_outlets, check_store, day
from flows.cli.errors import EXIT_FAILED, CliError

SIDE_BY_SIDE = 2  # outlets re-extracted at once


def cmd_reextract(args: argparse.Namespace) -> int:
    from flows.extract.parallel import start_workers

    outlets = check_outlets(args.outlet)
    if args.start and args.end and args.start > args.end:
        raise CliError(f"--from {args.start} is after --to {args.end}")
    check_store(args.store)
    start_workers()  # they import the extractor while this process imports the rest

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.pipeline.reextract import ReextractRequest, describe, reextract
    from storage.state import StateError
    from storage.store import StoreError

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(file=sys.stderr), transient=False)

    def run(outlet: str):
        task = None

        def on_warc(done: int, total: int, summary) -> None:
            nonlocal task
            if task is None:
                task = progress.add_task(f"re-extracting {outlet}", total=total)
            progress.update(task, completed=done,
                            description=f"re-extracting {outlet}: {summary.pages} pages, {summary.changed} changed")

        return reextract(ReextractRequest(outlet, args.store, args.start, args.end, args.state), on_warc=on_warc)

    # The outlets in this one process: the start-up and the extraction workers (which import
    # the extractor) are paid once. Two outlets go side by side, so that the workers extract
    # one outlet's WARC while this process compares and commits the other's records.
    with progress, ThreadPoolExecutor(max_workers=min(SIDE_BY_SIDE, len(outlets)),
                                      thread_name_prefix="reextract") as pool:
        running = [(outlet, pool.submit(run, outlet)) for outlet in outlets]
        try:
            for outlet, future in running:  # the summaries in the order asked, each once committed
                try:
                    summary = future.result()
                except (StoreError, StateError) as exc:
                    raise CliError(f"{outlet}: {exc}", EXIT_FAILED) from None
                print(describe(summary), flush=True)
                print(f"manifest: manifests/{summary.run_id}.json", flush=True)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # the outlets not started stay so
            raise
    return 0


def add_commands(commands) -> None:
    reextract = commands.add_parser(
        "reextract", help="extract outlets' stored WARCs again with the current rules",
        description="Read the outlet's WARCs of a period from the store, extract them with the current rules and "
                    "learned furniture, and write a new version of every article whose text or metadata changed "
                    "(its diff says \"reextracted\"). Idempotent, and resumable after a kill. Several outlets "
                    "are re-extracted two at a time, each with its own manifest and summary.")
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
