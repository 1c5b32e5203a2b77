"""``newsarchive schedule``: run the per-outlet schedules of the settings file in this process.

The light way to schedule without a work pool: Prefect's ``serve`` registers
one deployment per outlet, with the cron expression of the settings file's
``[schedules]`` table, and runs each scheduled run here. Stopping the command
pauses the schedules. (``deploy/prefect.yaml`` is the way with work pools and
many workers.)
"""
from __future__ import annotations

import argparse
import os

from flows.orchestration import prefect_settings
from flows.cli.checks import check_outlets, check_store
from flows.cli.errors import CliError


def add_commands(commands) -> None:
    schedule = commands.add_parser(
        "schedule", help="run the settings file's per-outlet cron schedules in this process",
        description="Register one Prefect deployment per outlet with the cron schedule of the settings "
                    "file (flows/settings.toml, overridden by --config) and run its scheduled runs here "
                    "until stopped. Needs a Prefect server (PREFECT_API_URL).")
    schedule.add_argument("--config", default=os.environ.get("NEWSARCHIVE_CONFIG"), metavar="FILE",
                          help="settings file overriding flows/settings.toml (default: $NEWSARCHIVE_CONFIG)")
    schedule.add_argument("--outlets", default=None, help="comma-separated outlet slugs (default: all with a schedule)")
    schedule.add_argument("--timezone", default="UTC", help="time zone of the cron expressions (default: UTC)")
    schedule.set_defaults(handler=cmd_schedule)


def deployments_for(settings, outlets: list[str], timezone: str) -> list:
    """One deployment of the archive flow per outlet that has a schedule."""
    from prefect.client.schemas.schedules import CronSchedule

    from flows.archive import archive

    parameters = {"store": settings.store, "max_articles": settings.max_articles,
                  "delay": settings.delay, "state": settings.state}
    return [
        archive.to_deployment(name=slug, schedule=CronSchedule(cron=settings.schedules[slug], timezone=timezone),
                              parameters={**parameters, "outlets": [slug]}, tags=["newsarchive"])
        for slug in outlets if slug in settings.schedules
    ]


def cmd_schedule(args: argparse.Namespace) -> int:
    from flows.config import ConfigError, load_settings

    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        raise CliError(str(exc)) from None
    outlets = check_outlets(args.outlets or ",".join(settings.outlets) or None)
    check_store(settings.store)
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(args.timezone)
    except (KeyError, ValueError):
        raise CliError(f"unknown time zone {args.timezone!r}") from None
    if not any(slug in settings.schedules for slug in outlets):
        raise CliError("no schedule for any of these outlets in the settings file's [schedules] table")
    os.environ.setdefault("NEWSARCHIVE_CONTACT_URL", settings.contact_url)
    prefect_settings.set_defaults(verbose=args.verbose)
    from prefect import serve

    serve(*deployments_for(settings, outlets, args.timezone))
    return 0
