"""``newsarchive probe``: the preflight check of the outlets from this network (see ``flows.probe``).

Exit status: 0 when every outlet probed is ready, 1 when one is degraded, blocked
or unreachable, 2 on bad input (as every command).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from flows.cli.checks import check_outlets, check_proxy
from flows.cli.errors import EXIT_FAILED, CliError

_STYLE = {"ready": "green", "degraded": "yellow", "blocked": "red", "unreachable": "red"}


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def print_report(report: dict, file=None) -> None:
    from rich.console import Console
    from rich.table import Table

    from flows.probe.report import table_rows

    out = file or sys.stdout
    console = Console(file=out, width=None if out.isatty() else 160)
    table = Table(title=f"preflight probe {report['started']} (proxy: {report['proxy'] or 'none'})")
    rows = table_rows(report)
    for column in ("outlet", "verdict", "robots.txt", "endpoints working", "container", "sample words", "reasons"):
        table.add_column(column, overflow="fold")
    for row in rows:
        style = _STYLE.get(row["verdict"].lower(), "")
        table.add_row(row["outlet"], f"[{style}]{row['verdict']}[/]", row["robots.txt"], row["endpoints working"],
                      row["container"], str(row["sample words"]), row["reasons"])
    console.print(table)
    console.print(f"User-Agent: {report['user_agent']}")


def cmd_probe(args: argparse.Namespace) -> int:
    check_proxy(args.proxy)
    outlets = check_outlets(args.outlets)
    if args.timeout <= 0:
        raise CliError("--timeout must be more than 0 seconds")
    if args.flow:
        report = _run_flow(outlets, args)
    else:
        from flows.probe.report import run_probe

        report = run_probe(outlets, args.proxy, args.timeout, args.delay).to_dict()
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        print_report(report)
    not_ready = [o for o in report["outlets"] if o["verdict"] != "ready"]
    for outlet in not_ready:
        print(f"newsarchive: probe: {outlet['slug']}: {outlet['verdict']}: {'; '.join(outlet['reasons'])}",
              file=sys.stderr)
    return EXIT_FAILED if not_ready else 0


def _run_flow(outlets: list[str], args: argparse.Namespace) -> dict:
    from flows.orchestration import prefect_settings

    prefect_settings.set_defaults(args.verbose)
    from flows.probe.flow import probe

    with prefect_settings.run_settings():
        state = probe(outlets=outlets, proxy=args.proxy, timeout=args.timeout, delay=args.delay, return_state=True)
    result = state.result(raise_on_failure=False)
    if not isinstance(result, dict):
        raise CliError(f"the probe flow failed: {result}", EXIT_FAILED)
    return result


def add_commands(commands) -> None:
    probe = commands.add_parser(
        "probe", help="preflight check of the outlets from this network: ready, degraded, blocked or unreachable",
        description="Fetch each outlet's robots.txt, feeds, sitemaps and sections and one sample article, as a "
                    "run would (same User-Agent, same proxy), and give each outlet a verdict with its reasons. "
                    "Exit status 0 when every outlet is ready, 1 otherwise, 2 on bad input.")
    probe.add_argument("--outlets", default=None, help="comma-separated outlet slugs (default: all six)")
    probe.add_argument("--proxy", default=None, metavar="URL",
                       help="reach the outlets as http://<host> through this HTTP proxy, as runs do "
                            "(credentials from NEWSARCHIVE_PROXY)")
    probe.add_argument("--timeout", type=_seconds, default=20.0, metavar="SECONDS",
                       help="seconds to wait for one answer (default: 20)")
    probe.add_argument("--delay", type=_seconds, default=None, metavar="SECONDS",
                       help="seconds between two requests to one outlet (default: the outlet's politeness setting)")
    probe.add_argument("--json", action="store_true", help="print the whole report as JSON")
    probe.add_argument("--flow", action="store_true",
                       help="run it as the newsarchive-probe Prefect flow (its report becomes artifacts)")
    probe.add_argument("--config", type=Path, default=None, metavar="FILE",
                       help="settings (TOML) overriding flows/settings.toml: its outlets and contact URL")
    probe.set_defaults(handler=cmd_probe, reads_settings=True)
