"""``newsarchive``: archive news outlets into WARC and clean text.

Every bad input ends in one line on stderr and exit status 2; a run in which
an outlet failed ends with status 1 after its summary.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from flows import prefect_settings

EXIT_FAILED = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A one-line message for the user; ``status`` is the exit code."""

    def __init__(self, message: str, status: int = EXIT_USAGE):
        super().__init__(message)
        self.status = status


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Archive six news outlets: WARC captures, clean article text, dedup, one bucket layout.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show the flow's log lines on the console")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser("demo", help="one full archive pass over the offline replica",
                               description="Start the offline replica of the six outlets, archive it, stop it, and print a summary.")
    demo.add_argument("--store", default="./archive", help="store directory or s3://bucket/prefix (default: ./archive)")
    demo.add_argument("--articles-per-outlet", type=_positive_int, default=20, metavar="N",
                      help="articles the replica publishes per outlet, all archived (default: 20)")
    demo.add_argument("--outlets", default=None, help="comma-separated outlet slugs (default: all six)")
    demo.add_argument("--seed", type=int, default=1, help="replica content seed (default: 1)")
    demo.add_argument("--config", type=Path, default=None, metavar="FILE", help=_CONFIG_HELP)

    run = commands.add_parser("run", help="archive the live outlets",
                              description="Discover and archive new articles from the live outlets.")
    run.add_argument("--outlets", default=None, help="comma-separated outlet slugs (default: all six)")
    run.add_argument("--store", default="./archive", help="store directory or s3://bucket/prefix (default: ./archive)")
    run.add_argument("--since", type=_day, default=None, metavar="YYYY-MM-DD",
                     help="fetch no new article known to be published before this day (UTC)")
    run.add_argument("--max-articles", type=_positive_int, default=50, metavar="N",
                     help="newest unseen articles to fetch per outlet (default: 50)")
    run.add_argument("--delay", type=float, default=None, metavar="SECONDS",
                     help="seconds between requests to one outlet (default: the outlet's politeness setting)")
    run.add_argument("--proxy", default=None, metavar="URL",
                     help="reach the outlets as http://<host> through this HTTP proxy (e.g. a replica)")
    run.add_argument("--config", type=Path, default=None, metavar="FILE", help=_CONFIG_HELP)

    extract = commands.add_parser("extract", help="print article records from WARC files as JSON lines",
                                  description="Extract article records from WARC files (re-runnable over any old WARC).")
    extract.add_argument("warcs", nargs="+", type=Path, metavar="FILE.warc.gz")
    # Commands living in their own modules register themselves (imported here: they import CliError).
    from flows import archivist, history, schedule

    for module in (archivist, history, schedule):
        module.add_commands(commands)
    return parser


_CONFIG_HELP = "settings (TOML) overriding the shipped flows/settings.toml (default: $NEWSARCHIVE_CONFIG)"


def _with_config(parser: argparse.ArgumentParser, args: argparse.Namespace, argv: list[str] | None) -> argparse.Namespace:
    """Parse again with the settings file's values as defaults: options given on the command line win."""
    from flows.config import ConfigError, load_settings

    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    command = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[args.command]
    command.set_defaults(outlets=",".join(settings.outlets) or None, store=settings.store, state=settings.state)
    if args.command == "run":
        command.set_defaults(max_articles=settings.max_articles, delay=settings.delay)
    os.environ.setdefault("NEWSARCHIVE_CONTACT_URL", settings.contact_url)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command in ("run", "demo"):
            args = _with_config(parser, args, argv)
        return (_COMMANDS.get(args.command) or args.handler)(args)
    except CliError as exc:
        print(f"newsarchive: error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("newsarchive: interrupted", file=sys.stderr)
        return 130


def _check_outlets(spec: str | None) -> list[str]:
    from spiders.outlets import UnknownOutlet, parse_outlets

    try:
        return parse_outlets(spec)
    except UnknownOutlet as exc:
        raise CliError(str(exc)) from None


def _check_store(uri: str) -> str:
    from storage.store import StoreError, open_store

    try:
        return open_store(uri).uri
    except StoreError as exc:
        raise CliError(str(exc)) from None


def _archive(outlets: list[str], store: str, max_articles: int, replica: str | None, delay: float | None,
             state: str | None = None, verbose: bool = False, since: date | None = None) -> dict:
    prefect_settings.set_defaults(verbose)
    from flows import progress
    from flows.archive import archive
    from flows.summary import ProgressBar
    from storage.state import StateError
    from storage.store import StoreError

    bar = ProgressBar()
    previous = progress.install(bar)
    try:
        with bar, prefect_settings.run_settings():
            final = archive(outlets=outlets, max_articles=max_articles, store=store, replica=replica,
                            delay=delay, state=state, since=since, return_state=True)
        result = final.result(raise_on_failure=False)
    finally:
        progress.install(previous)
    if isinstance(result, (StoreError, StateError)):
        raise CliError(str(result), EXIT_FAILED)
    if isinstance(result, BaseException):
        raise CliError(f"the run failed: {type(result).__name__}: {result}", EXIT_FAILED)
    return result


def _report(manifest: dict) -> int:
    from flows.summary import print_summary

    print_summary(manifest)
    errors = [(slug, o["error"]) for slug, o in manifest["outlets"].items() if o.get("error")]
    for slug, error in errors:
        print(f"newsarchive: error: {slug}: {error}", file=sys.stderr)
    if manifest.get("error") and not errors:
        print(f"newsarchive: error: {manifest['error']}", file=sys.stderr)
    return EXIT_FAILED if errors or manifest.get("error") else 0


def _cmd_demo(args) -> int:
    from flows.replica_process import ReplicaUnavailable, running_replica

    outlets = _check_outlets(args.outlets)
    _check_store(args.store)
    try:
        with running_replica(args.articles_per_outlet, seed=args.seed) as proxy:
            manifest = _archive(outlets, args.store, args.articles_per_outlet, proxy, delay=0, state=args.state,
                                verbose=args.verbose)
    except ReplicaUnavailable as exc:
        raise CliError(str(exc), EXIT_FAILED) from None
    return _report(manifest)


def _check_proxy(proxy: str | None) -> None:
    if proxy and urlsplit(proxy).username:
        raise CliError("--proxy must not carry credentials (flow parameters are stored by Prefect): "
                       "give the proxy without them, and the whole URL with user:password in NEWSARCHIVE_PROXY")
    if proxy and (urlsplit(proxy).scheme != "http" or not urlsplit(proxy).hostname):
        raise CliError(f"--proxy must be an http://host:port URL, not {proxy!r}")


def _cmd_run(args) -> int:
    _check_proxy(args.proxy)
    outlets = _check_outlets(args.outlets)
    _check_store(args.store)
    return _report(_archive(outlets, args.store, args.max_articles, args.proxy, args.delay, args.state,
                            verbose=args.verbose, since=args.since))


def _cmd_extract(args) -> int:
    from flows.extract import extract_warc

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


_COMMANDS = {"demo": _cmd_demo, "run": _cmd_run, "extract": _cmd_extract}

if __name__ == "__main__":
    # Through the installed module, so ``python -m flows.cli`` and the console script
    # share one CliError class with the command modules that import it.
    from flows.cli import main as installed_main

    sys.exit(installed_main())
