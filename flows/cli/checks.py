"""Command-line input shared by the commands: the options several take, and checks of what is given
(each bad value is one ``CliError`` line)."""
from __future__ import annotations

import argparse
from datetime import date
from urllib.parse import urlsplit

from flows.cli.errors import CliError


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def iso_day(text: str, option: str) -> date:
    """``YYYY-MM-DD`` given to ``option``, checked by the command."""
    parsed = _parse_day(text)
    if parsed is None:
        raise CliError(f"{option} must be a date YYYY-MM-DD, not {text!r}")
    return parsed


def day(text: str) -> date:
    """An argparse type: ``YYYY-MM-DD``."""
    parsed = _parse_day(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}")
    return parsed


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def check_outlets(spec: str | None) -> list[str]:
    """``"a,b"`` -> the outlet slugs; all of them when empty."""
    from spiders.outlets import UnknownOutlet, parse_outlets

    try:
        return parse_outlets(spec)
    except UnknownOutlet as exc:
        raise CliError(str(exc)) from None


def check_store(uri: str, read_only: bool = False) -> str:
    """The store's printable URI, once it opens."""
    from storage.factory import open_store
    from storage.store import StoreError

    try:
        return open_store(uri, read_only=read_only).uri
    except StoreError as exc:
        raise CliError(str(exc)) from None


def check_proxy(proxy: str | None) -> None:
    if proxy and urlsplit(proxy).username:
        raise CliError("--proxy must not carry credentials (flow parameters are stored by Prefect): "
                       "give the proxy without them, and the whole URL with user:password in NEWSARCHIVE_PROXY")
    if proxy and (urlsplit(proxy).scheme != "http" or not urlsplit(proxy).hostname):
        raise CliError(f"--proxy must be an http://host:port URL, not {proxy!r}")


def add_store_option(parser: argparse.ArgumentParser) -> None:
    """``--store``, as every command that reads or writes the archive takes it."""
    parser.add_argument("--store", default="./archive", help="store directory or s3://bucket/prefix (default: ./archive)")
