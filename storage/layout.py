"""The one place that builds object keys. Every key in the store comes from here.

Keys are built from validated parts only (outlet slugs, run ids, our own file
names, dates): never from raw URL text.
"""
from __future__ import annotations

import re
from datetime import datetime

LAYOUT_VERSION = 1

_SLUG = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
_RUN_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6,32}$")
_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


class BadKeyPart(ValueError):
    pass


def _check(pattern: re.Pattern, value: str, what: str) -> str:
    if not pattern.match(value) or ".." in value:
        raise BadKeyPart(f"invalid {what} for a store key: {value!r}")
    return value


def _day(when: datetime) -> str:
    return when.strftime("%Y/%m/%d")


def warc_key(outlet: str, when: datetime, filename: str) -> str:
    """``warc/<outlet>/<yyyy>/<mm>/<dd>/<file>.warc.gz``"""
    _check(_SLUG, outlet, "outlet")
    _check(_FILE, filename, "file name")
    if not filename.endswith(".warc.gz"):
        raise BadKeyPart(f"a WARC file name must end in .warc.gz: {filename!r}")
    return f"warc/{outlet}/{_day(when)}/{filename}"


def cdxj_key(outlet: str, when: datetime, warc_filename: str) -> str:
    """``cdxj/<outlet>/<yyyy>/<mm>/<dd>/<warc file stem>.cdxj``: one index per WARC."""
    stem = warc_key(outlet, when, warc_filename).rsplit("/", 1)[1][: -len(".warc.gz")]
    return f"cdxj/{outlet}/{_day(when)}/{stem}.cdxj"


def articles_key(outlet: str, when: datetime, run_id: str) -> str:
    """``articles/<outlet>/<yyyy>/<mm>/<dd>/<run>.jsonl.gz``: one record per article version."""
    _check(_SLUG, outlet, "outlet")
    _check(_RUN_ID, run_id, "run id")
    return f"articles/{outlet}/{_day(when)}/{run_id}.jsonl.gz"


def manifest_key(run_id: str) -> str:
    """``manifests/<run-id>.json``"""
    _check(_RUN_ID, run_id, "run id")
    return f"manifests/{run_id}.json"


def new_run_id(now: datetime, token: str) -> str:
    """``20261122T050132Z-<hex token>``: sorts by start time."""
    return _check(_RUN_ID, f"{now.strftime('%Y%m%dT%H%M%SZ')}-{token}", "run id")
