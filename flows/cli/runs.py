"""``run``, ``demo`` and ``extract``: archive outlets, or re-extract records from WARC files."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from flows.cli.checks import check_outlets, check_proxy, check_store, day, positive_int
from flows.cli.errors import EXIT_FAILED, CliError
from flows.orchestration import prefect_settings

CONFIG_HELP = "settings (TOML) overriding the shipped flows/settings.toml (default: $NEWSARCHIVE_CONFIG)"


def archive(outlets: list[str], store: str, max_articles: int, replica: str | None, delay: float | None,
            state: str | None = None, verbose: bool = False, since: date | None = None) -> dict:
    """Run the archive flow with a progress bar; its manifest, or a CliError."""
    prefect_settings.set_defaults(verbose)
    from flows.archive import archive as archive_flow
    from flows.cli.summary import ProgressBar
    from flows.pipeline import progress
    from storage.state import StateError
    from storage.store import StoreError

    bar = ProgressBar()
    previous = progress.install(bar)
    try:
        with bar, prefect_settings.run_settings():
            final = archive_flow(outlets=outlets, max_articles=max_articles, store=store, replica=replica,
                                 delay=delay, state=state, since=since, return_state=True)
        result = final.result(raise_on_failure=False)
    finally:
        progress.install(previous)
    if isinstance(result, (StoreError, StateError)):
        raise CliError(str(result), EXIT_FAILED)
    if isinstance(result, BaseException):
        raise CliError(f"the run failed: {type(result).__name__}: {result}", EXIT_FAILED)
    return result


def report(manifest: dict) -> int:
    """The summary table, one error line per failed outlet, and the exit status."""
    from flows.cli.summary import print_summary

    print_summary(manifest)
    errors = [(slug, o["error"]) for slug, o in manifest["outlets"].items() if o.get("error")]
    for slug, error in errors:
        print(f"newsarchive: error: {slug}: {error}", file=sys.stderr)
    if manifest.get("error") and not errors:
        print(f"newsarchive: error: {manifest['error']}", file=sys.stderr)
    return EXIT_FAILED if errors or manifest.get("error") else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from spiders.replica.process import ReplicaUnavailable, running_replica

    outlets = check_outlets(args.outlets)
    check_store(args.store)
    try:
        with running_replica(args.articles_per_outlet, seed=args.seed) as proxy:
            manifest = archive(outlets, args.store, args.articles_per_outlet, proxy, delay=0, state=args.state,
                               verbose=args.verbose)
    except ReplicaUnavailable as exc:
        raise CliError(str(exc), EXIT_FAILED) from None
    return report(manifest)


def cmd_run(args: argparse.Namespace) -> int:
    check_proxy(args.proxy)
    outlets = check_outlets(args.outlets)
    check_store(args.store)
    return report(archive(outlets, args.store, args.max_articles, args.proxy, args.delay, args.state,
                          verbose=args.verbose, since=args.since))


def cmd_extract(args: argparse.Namespace) -> int:
    from flows.extract.warc import extract_warc

    for path in args.warcs:
        if not path.is_file():
            raise CliError(f"no such WARC file: {path}")
    for path in args.warcs:
        try:
            for record in extract_warc(path):
                sys.stdout.write(json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        except (OSError, ValueError) as exc:
            raise CliError(f"cannot read {path}: {exc}", EXIT_FAILED) from None
    return 0


def add_commands(commands) -> None:
    """Register ``demo``, ``run`` and ``extract`` on the CLI's subparsers."""
    demo = commands.add_parser("demo", help="one full archive pass over the offline replica",
                               description="Start the offline replica of the six outlets, archive it, stop it, and print a summary.")
    demo.add_argument("--store", default="./archive", help="store directory or s3://bucket/prefix (default: ./archive)")
    demo.add_argument("--articles-per-outlet", type=positive_int, default=20, metavar="N",
                      help="articles the replica publishes per outlet, all archived (default: 20)")
    demo.add_argument("--outlets", default=None, help="comma-separated outlet slugs (default: all six)")
    demo.add_argument("--seed", type=int, default=1, help="replica content seed (default: 1)")
    demo.add_argument("--config", type=Path, default=None, metavar="FILE", help=CONFIG_HELP)
    demo.set_defaults(handler=cmd_demo, reads_settings=True)

    run = commands.add_parser("run", help="archive the live outlets",
                              description="Discover and archive new articles from the live outlets.")
    run.add_argument("--outlets", default=None, help="comma-separated outlet slugs (default: all six)")
    run.add_argument("--store", default="./archive", help="store directory or s3://bucket/prefix (default: ./archive)")
    run.add_argument("--since", type=day, default=None, metavar="YYYY-MM-DD",
                     help="fetch no new article known to be published before this day (UTC)")
    run.add_argument("--max-articles", type=positive_int, default=50, metavar="N",
                     help="newest unseen articles to fetch per outlet (default: 50)")
    run.add_argument("--delay", type=float, default=None, metavar="SECONDS",
                     help="seconds between requests to one outlet (default: the outlet's politeness setting)")
    run.add_argument("--proxy", default=None, metavar="URL",
                     help="reach the outlets as http://<host> through this HTTP proxy (e.g. a replica)")
    run.add_argument("--config", type=Path, default=None, metavar="FILE", help=CONFIG_HELP)
    run.set_defaults(handler=cmd_run, reads_settings=True)

    extract = commands.add_parser("extract", help="print article records from WARC files as JSON lines",
                                  description="Extract article records from WARC files (re-runnable over any old WARC).")
    extract.add_argument("warcs", nargs="+", type=Path, metavar="FILE.warc.gz")
    extract.set_defaults(handler=cmd_extract)
