"""``newsarchive``: archive news outlets into WARC and clean text.

``main`` builds the parser from the command modules (each registers its own
commands and imports nothing of this module) and runs the chosen handler. Every
bad input ends in one line on stderr and exit status 2; a run in which an
outlet failed ends with status 1 after its summary, and so does a probe in
which an outlet is not ready.
"""
from __future__ import annotations

import argparse
import os
import sys

from flows.cli import archivist, furniture, history, probe, reextract, runs, schedule, web
from flows.cli.errors import CliError
from flows.malloc import tune_malloc

COMMAND_MODULES = (runs, reextract, archivist, history, schedule, furniture, probe, web)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Archive six news outlets: WARC captures, clean article text, dedup, one bucket layout.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show the flow's log lines on the console")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.add_commands(commands)
    return parser


def _with_settings(parser: argparse.ArgumentParser, args: argparse.Namespace, argv: list[str] | None) -> argparse.Namespace:
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
    if args.config:  # what the pipeline itself reads from the file (the [health] thresholds)
        os.environ["NEWSARCHIVE_CONFIG"] = str(args.config)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    tune_malloc()  # before any thread or child process starts
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "reads_settings", False):
            args = _with_settings(parser, args, argv)
        return args.handler(args)
    except CliError as exc:
        print(f"newsarchive: error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("newsarchive: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
