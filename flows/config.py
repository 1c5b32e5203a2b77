"""Settings from TOML: the shipped defaults (``flows/settings.toml``) and an optional user file.

A user file (``--config FILE`` or ``NEWSARCHIVE_CONFIG``) overrides only the keys
it sets. Every value is checked when the file is read; a bad one raises
``ConfigError`` with one line naming the file, the key and the value, before
anything is written.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flows.health.drift import Thresholds

DEFAULTS = Path(__file__).with_name("settings.toml")
ENV_VAR = "NEWSARCHIVE_CONFIG"
_RUN_KEYS = {"outlets", "store", "max_articles", "delay", "state", "contact_url"}


class ConfigError(ValueError):
    """A bad settings file or value; the message is one line."""


@dataclass(frozen=True)
class Settings:
    outlets: list[str]  # empty: all six
    store: str
    max_articles: int
    delay: float | None  # None: each outlet's politeness delay
    state: str | None  # None: SQLite in the store's workspace
    contact_url: str
    schedules: dict[str, str] = field(default_factory=dict)  # outlet slug -> cron: the registry's, then the file's
    health: Thresholds = field(default_factory=Thresholds)  # drift detection, [health]


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {path} is not valid TOML: {exc}") from None


def _merge(base: dict, override: dict, where: str) -> dict:
    merged = dict(base)
    for section, values in override.items():
        if section not in base:
            raise ConfigError(f"{where}: unknown section [{section}] (expected: {', '.join(sorted(base))})")
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: {section} must be a table, got {values!r}")
        merged[section] = {**base[section], **values}
    return merged


def load_settings(path: str | os.PathLike | None = None, environ: dict | None = None) -> Settings:
    """The defaults, overridden by ``path`` (or the file named by ``NEWSARCHIVE_CONFIG``)."""
    environ = os.environ if environ is None else environ
    data = _read(DEFAULTS)
    user = path or environ.get(ENV_VAR) or None
    where = str(DEFAULTS)
    if user:
        where = str(user)
        data = _merge(data, _read(Path(user)), where)
    return validate(data, where)


def validate(data: dict, where: str) -> Settings:
    from spiders.outlets import SLUGS, UnknownOutlet, parse_outlets

    run = data.get("run", {})
    unknown = set(run) - _RUN_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key run.{sorted(unknown)[0]}")
    outlets = run.get("outlets", [])
    if not isinstance(outlets, list) or not all(isinstance(o, str) for o in outlets):
        raise ConfigError(f"{where}: run.outlets must be a list of outlet names, got {outlets!r}")
    try:
        outlets = parse_outlets(",".join(outlets)) if outlets else []
    except UnknownOutlet as exc:
        raise ConfigError(f"{where}: run.outlets: {exc}") from None
    store = _store_uri(run.get("store"), where)
    max_articles = run.get("max_articles")
    if isinstance(max_articles, bool) or not isinstance(max_articles, int) or max_articles < 1:
        raise ConfigError(f"{where}: run.max_articles must be a whole number of at least 1, got {max_articles!r}")
    delay = run.get("delay")
    if isinstance(delay, bool) or not isinstance(delay, (int, float)):
        raise ConfigError(f"{where}: run.delay must be a number of seconds, got {delay!r}")
    state = run.get("state")
    if not isinstance(state, str) or (state and "://" not in state):
        raise ConfigError(f"{where}: run.state must be a database URL such as sqlite:///state.db, got {state!r}")
    contact = run.get("contact_url")
    parts = urlsplit(contact) if isinstance(contact, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: run.contact_url must be an http(s) URL, got {contact!r}")
    from spiders.outlets import get_outlet

    schedules = {slug: get_outlet(slug, environ={}).schedule for slug in SLUGS}
    for slug, cron in data.get("schedules", {}).items():
        if slug not in SLUGS:
            raise ConfigError(f"{where}: schedules.{slug}: unknown outlet {slug!r} (known: {', '.join(SLUGS)})")
        if not isinstance(cron, str) or not valid_cron(cron):
            raise ConfigError(f"{where}: schedules.{slug}: not a cron expression: {cron!r}")
        schedules[slug] = cron
    return Settings(outlets=outlets, store=store, max_articles=max_articles,
                    delay=float(delay) if delay >= 0 else None, state=state or None,
                    contact_url=contact, schedules=dict(schedules), health=_thresholds(data.get("health", {}), where))


def _thresholds(values: dict, where: str) -> Thresholds:
    """``[health]``: whole numbers of at least 1 for the counts, positive numbers for the others."""
    defaults = Thresholds()
    checked = {}
    for key, value in values.items():
        if key not in Thresholds.__dataclass_fields__:
            raise ConfigError(f"{where}: unknown key health.{key} (expected: {', '.join(Thresholds.__dataclass_fields__)})")
        kind = type(getattr(defaults, key))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
            raise ConfigError(f"{where}: health.{key} must be a {'whole ' if kind is int else ''}number, got {value!r}")
        if value <= 0 or (key == "words_factor" and value <= 1) or (key == "share_change" and value > 1):
            raise ConfigError(f"{where}: health.{key} is out of range: {value!r}")
        checked[key] = kind(value)
    return Thresholds(**checked)


def _store_uri(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: run.store must be a directory or s3://bucket/prefix, got {value!r}")
    parts = urlsplit(value)
    if parts.scheme == "s3" and not parts.netloc:
        raise ConfigError(f"{where}: run.store names no bucket: {value!r}")
    if parts.scheme not in ("", "file", "s3"):
        raise ConfigError(f"{where}: run.store must be a directory or s3://bucket/prefix, got {value!r}")
    return value


def valid_cron(expression: str) -> bool:
    """What Prefect accepts as a deployment's cron schedule (five fields, no random or hashed values)."""
    fields = expression.split()
    if len(fields) != 5:
        return False
    from prefect._internal.schemas.validators import validate_cron_string

    try:
        validate_cron_string(expression)
    except ValueError:
        return False
    return True
