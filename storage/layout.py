"""The one place that builds object keys. Every key in the store comes from here.

Keys are built from validated parts only (outlet slugs, run ids, our own file
names, dates): never from raw URL text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

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


# An article-record key as ``articles_key`` and ``articles_part_key`` build it: outlet, year, month, day.
ARTICLES_KEY = re.compile(r"^articles/([a-z][a-z0-9_]{1,31})/(\d{4})/(\d{2})/(\d{2})/[^/]+\.jsonl\.gz$")


def article_days(keys: Iterable[str]) -> list[tuple[str, date]]:
    """The (outlet, day) pairs of the article-record keys among ``keys``, sorted."""
    days = set()
    for key in keys:
        match = ARTICLES_KEY.match(key)
        if match:
            outlet, year, month, day = match.groups()
            days.add((outlet, date(int(year), int(month), int(day))))
    return sorted(days)


def articles_part_key(outlet: str, when: datetime, run_id: str, part: int) -> str:
    """``articles/<outlet>/<yyyy>/<mm>/<dd>/<run>.<part>.jsonl.gz``: a run that commits in batches
    (re-extraction, one batch per WARC) writes one records file per batch."""
    if part < 0:
        raise BadKeyPart(f"invalid part number: {part}")
    return articles_key(outlet, when, run_id).removesuffix(".jsonl.gz") + f".{part:05d}.jsonl.gz"


def parquet_key(outlet: str, day: date) -> str:
    """``parquet/<outlet>/<yyyy>/<mm>/<dd>.parquet``: the day's article records as one table."""
    _check(_SLUG, outlet, "outlet")
    return f"parquet/{outlet}/{_day(day)}.parquet"


def manifest_key(run_id: str) -> str:
    """``manifests/<run-id>.json``"""
    _check(_RUN_ID, run_id, "run id")
    return f"manifests/{run_id}.json"


def new_run_id(now: datetime, token: str) -> str:
    """``20261122T050132Z-<hex token>``: sorts by start time."""
    return _check(_RUN_ID, f"{now.strftime('%Y%m%dT%H%M%SZ')}-{token}", "run id")


_WARC_CDXJ = re.compile(r"^cdxj/([a-z][a-z0-9_]{1,31})/(\d{4}/\d{2}/\d{2})/([A-Za-z0-9][A-Za-z0-9._-]{0,200})\.cdxj$")
MERGED_INDEX_PREFIX = "cdxj/_merged/"  # "_" cannot start an outlet slug: no clash


def is_warc_cdxj_key(key: str) -> bool:
    """True for a per-WARC index key built by :func:`cdxj_key`."""
    return _WARC_CDXJ.match(key) is not None


def warc_key_for_cdxj(key: str) -> str:
    """The WARC a per-WARC index key belongs to (inverse of :func:`cdxj_key`)."""
    match = _WARC_CDXJ.match(key)
    if not match:
        raise BadKeyPart(f"not a per-WARC CDXJ key: {key!r}")
    outlet, day, stem = match.groups()
    return f"warc/{outlet}/{day}/{stem}.warc.gz"


def merged_index_manifest_key(generation: int) -> str:
    """``cdxj/_merged/manifests/<generation, 12 digits>.json``: listing order is generation order."""
    if generation < 0:
        raise BadKeyPart(f"invalid index generation: {generation}")
    return f"{MERGED_INDEX_PREFIX}manifests/{generation:012d}.json"


def merged_index_manifests_prefix() -> str:
    return f"{MERGED_INDEX_PREFIX}manifests/"


def merged_index_head_key() -> str:
    """``cdxj/_merged/head.json``: a copy of the newest manifest, where lookups read it in one request."""
    return f"{MERGED_INDEX_PREFIX}head.json"


def merged_index_segment_key(name: str, suffix: str) -> str:
    """``cdxj/_merged/segments/<name>.cdxj.gz`` (sorted lines in gzip members, one per block),
    or, as written by earlier versions, ``.cdxj`` (plain sorted lines) and ``.idx`` (its block index)."""
    _check(_FILE, name, "segment name")
    if suffix not in (".cdxj.gz", ".cdxj", ".idx"):
        raise BadKeyPart(f"invalid segment suffix: {suffix!r}")
    return f"{MERGED_INDEX_PREFIX}segments/{name}{suffix}"


_PERIOD = re.compile(r"^(?:start|\d{4}-\d{2}-\d{2})$")
_VERSION = re.compile(r"^[0-9a-f]{12}$")
_FURNITURE = re.compile(r"^furniture/([a-z][a-z0-9_]{1,31})/(start|\d{4}-\d{2}-\d{2})/(\d{6})-([0-9a-f]{12})\.json$")


def furniture_prefix(outlet: str) -> str:
    """``furniture/<outlet>/``: every learned-furniture version of the outlet."""
    return f"furniture/{_check(_SLUG, outlet, 'outlet')}/"


def furniture_key(outlet: str, period: str, generation: int, version: str) -> str:
    """``furniture/<outlet>/<period>/<generation, 6 digits>-<version>.json``: the furniture learned
    from the outlet's pages of one rules period (``period``: its first day, or ``start``), one
    object per version; listing order is generation order."""
    _check(_PERIOD, period, "rules period")
    _check(_VERSION, version, "furniture version")
    if not 0 < generation < 1_000_000:
        raise BadKeyPart(f"invalid furniture generation: {generation}")
    return f"{furniture_prefix(outlet)}{period}/{generation:06d}-{version}.json"


def parse_furniture_key(key: str) -> tuple[str, str, int, str] | None:
    """``(outlet, period, generation, version)`` of a key built by :func:`furniture_key`, else None."""
    match = _FURNITURE.match(key)
    if not match:
        return None
    outlet, period, generation, version = match.groups()
    return outlet, period, int(generation), version
