"""Re-derive an outlet's text layer from its stored WARCs, with the current rules.

A rules fix (a new rules version after a redesign, better furniture removal) is worth
nothing for what is already archived unless the archive is extracted again: the
WARCs are the source of truth, the records a view of them. ``reextract`` reads the
outlet's WARCs of a period from the store (local or S3), extracts every article
response with the current extractor, and for each article whose newest version came
from that response, writes a new version only where the text or the metadata
changed: its ``diff`` says ``"reason": "reextracted"`` and the extractor that made
it. Records that did not change stay as they are.

It is idempotent (a second run finds nothing to change) and resumable: each WARC is
one batch (a pending state commit naming its new files written, then the files staged, uploaded,
committed, the day's Parquet rebuilt), and a checkpoint in the workspace lists the
WARCs done with the current extractor, so a run killed at any point loses nothing,
and its rerun first finishes the interrupted batch (``recover``) and skips the
WARCs already done.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from flows.dedup.versions import PreviousRecords, diff_summary
from flows.extract.furniture_store import FurnitureCache, learn_and_finish_for_run
from flows.pipeline.outlet import iso, recover, state_location, utc_now, write_views
from flows.pipeline.steps import PlainSteps
from flows.records.article import RECORD_VERSION, ArticleRecord
from flows.records.jsonl import write_records
from storage import layout
from storage import pending as pending_commits
from storage.factory import open_store
from storage.spool import Spool
from storage.state import ArchivedArticle, StateStore, VersionRow
from storage.store import Store
from storage.workspace import workspace_for

# Fields whose change makes a new version (besides the text, compared by its hash).
METADATA = ("title", "authors", "published", "language", "section", "tags", "original_source")
_DAY = re.compile(r"^warc/[a-z][a-z0-9_]{1,31}/(\d{4})/(\d{2})/(\d{2})/[^/]+\.warc\.gz$")
_DOWNLOAD_CHUNK = 8 * 1024 * 1024
# Outlets re-extracted side by side in one process finish earlier runs' commits one at a
# time, so that neither reads the state before the other's recovery is done.
_recovering = threading.Lock()


@dataclass
class ReextractRequest:
    outlet: str
    store: str = "./archive"
    start: date | None = None  # first capture day (UTC, the WARC's day in the layout)
    end: date | None = None  # last capture day
    state: str | None = None


@dataclass
class ReextractSummary:
    outlet: str
    run_id: str
    warcs: int = 0  # WARCs read in this run
    skipped_warcs: int = 0  # WARCs a previous, interrupted run finished with the same extractor
    pages: int = 0  # article responses read
    changed: int = 0  # new versions written
    unchanged: int = 0
    unextracted: int = 0  # article responses that gave no record
    superseded: int = 0  # captures whose article has a newer version from a later capture
    not_archived: int = 0  # article responses of articles the state does not know (never stored)
    files: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def extractor_version() -> str:
    """What "the current extractor" is for the checkpoint: the package version and the rules in force."""
    from importlib.metadata import PackageNotFoundError, version

    from spiders.outlets import SLUGS, get_outlet

    try:
        package = version("newsarchive")
    except PackageNotFoundError:
        package = "source"
    rules = {slug: repr(get_outlet(slug, environ={}).rules) for slug in SLUGS}
    import hashlib

    return f"{package}+rules.{hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()[:12]}"


def warc_keys(store: Store, request: ReextractRequest) -> list[str]:
    """The outlet's WARC keys whose capture day lies in the request's period, in key order."""
    keys = []
    for key in store.list(f"warc/{request.outlet}/"):
        match = _DAY.match(key)
        if not match:
            continue
        day = date(*map(int, match.groups()))
        if (request.start and day < request.start) or (request.end and day > request.end):
            continue
        keys.append(key)
    return sorted(keys)


def download(store: Store, key: str, path: Path) -> Path:
    """The object ``key`` into ``path``, by ranges (a WARC may be a gigabyte)."""
    info = store.head(key)
    size = info.size if info else len(store.get_bytes(key))
    with open(path, "wb") as out:
        for offset in range(0, size, _DOWNLOAD_CHUNK):
            out.write(store.get_range(key, offset, min(_DOWNLOAD_CHUNK, size - offset)))
    return path


def _same_moment(a: str | None, b: str | None) -> bool:
    def parse(text: str | None):
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None

    return a is not None and b is not None and parse(a) == parse(b)


def _changed(previous: dict, record: ArticleRecord) -> list[str]:
    """What differs between a stored record and a new extraction of the same response."""
    differences = ["text"] if previous.get("text_sha256") != record.text_sha256 else []
    for name in METADATA:
        if (previous.get(name) or None) != (getattr(record, name) or None):
            differences.append(name)
    return differences


class Checkpoint:
    """WARCs already re-extracted by an interrupted run with the same extractor (one file per outlet)."""

    def __init__(self, path: Path, extractor: str, request: ReextractRequest):
        self.path, self.extractor = path, extractor
        self.period = [request.start.isoformat() if request.start else None,
                       request.end.isoformat() if request.end else None]
        self.done: set[str] = set()
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("extractor") == extractor:
                self.done = set(data.get("done", []))

    def add(self, key: str) -> None:
        self.done.add(key)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"extractor": self.extractor, "period": self.period, "done": sorted(self.done)}),
                       encoding="utf-8")
        os.replace(tmp, self.path)

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)


def reextract(request: ReextractRequest, steps: PlainSteps | None = None,
              on_warc: Callable[[int, int, ReextractSummary], None] | None = None) -> ReextractSummary:
    """Re-extract the outlet's stored WARCs of the period; see the module docstring."""
    steps = steps or PlainSteps()
    target = open_store(request.store)
    workspace = workspace_for(request.store)
    spool = Spool(workspace.spool)
    started = utc_now()
    run_id = layout.new_run_id(started, secrets.token_hex(4))
    summary = ReextractSummary(request.outlet, run_id)
    work = workspace.run_dir(run_id)
    work.mkdir(parents=True, exist_ok=True)
    checkpoint_dir = workspace.root / "reextract"
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = Checkpoint(checkpoint_dir / f"{request.outlet}.json", extractor_version(), request)
    try:
        with StateStore(state_location(request.store, request.state)) as db:
            with _recovering:
                recover(workspace, spool, target, db, steps)
            db.start_run(run_id, iso(started))
            keys = warc_keys(target, request)
            latest = {url: v for url, v in db.latest_versions(request.outlet).items() if v.status == "ok"}
            previous = PreviousRecords(target)
            for number, key in enumerate(keys, start=1):
                if key in checkpoint.done:
                    summary.skipped_warcs += 1
                else:
                    _one_warc(key, number, target, db, spool, workspace, work, latest, previous, run_id, started,
                              summary, steps)
                    checkpoint.add(key)
                    summary.warcs += 1
                if on_warc:
                    on_warc(number, len(keys), summary)
            checkpoint.finish()
            manifest_key = _write_manifest(summary, started, spool, target, work, steps)
            db.commit_run(run_id, iso(utc_now()), manifest_key, [])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    steps.logger.info("%s: re-extracted %d WARC(s), %d page(s): %d changed, %d unchanged, %d unextracted",
                      request.outlet, summary.warcs, summary.pages, summary.changed, summary.unchanged,
                      summary.unextracted)
    return summary


def _one_warc(key: str, number: int, target: Store, db: StateStore, spool: Spool, workspace, work: Path,
              latest: dict[str, VersionRow], previous: PreviousRecords, run_id: str, started: datetime,
              summary: ReextractSummary, steps: PlainSteps) -> None:
    """One batch: extract the WARC (with the outlet's learned furniture, and what its pages
    teach), stage the changed records and new furniture versions, commit them once stored."""
    local = download(target, key, work / key.rsplit("/", 1)[1])
    found, furniture = learn_and_finish_for_run(target, summary.outlet, steps.extract_all([local], signatures=False), spool,
                                                FurnitureCache(workspace.furniture_cache))
    records = found.records
    unextracted = [page for page in found.unextracted if page.status != "blocked"]
    summary.pages += len(records) + len(unextracted)
    summary.unextracted += len(unextracted)
    changed: list[ArticleRecord] = []
    for record in records:
        version = latest.get(record.canonical_url)
        if version is None:
            summary.not_archived += 1
            continue
        if not _same_moment(version.fetched_at, record.fetched_at):
            summary.superseded += 1
            continue
        before = previous.get(record.canonical_url, version.articles_key)
        if before is None or not _changed(before, record):
            summary.unchanged += 1
            continue
        record.warc_key = key
        record.version = version.version + 1
        record.cluster_id, record.original_url = before.get("cluster_id"), before.get("original_url")
        record.diff = {**diff_summary(before.get("text", ""), record.text, version.version),
                       "reason": "reextracted", "changed": _changed(before, record),
                       "extractor": record.extractor_version, "rules": record.rules_version}
        changed.append(record)
    local.unlink(missing_ok=True)
    files = []
    for part, (furniture_key, data) in enumerate(furniture):
        path = work / f"furniture-{number}-{part}.json"
        path.write_bytes(data)
        files.append((furniture_key, path))
    archived, versions, articles_key = [], [], None
    if changed:
        from flows.dedup.near import credited_slug, signature, signature_hex  # numpy: only when there are changes

        articles_key = layout.articles_part_key(summary.outlet, started, run_id, number)
        records_path = work / f"articles-{number}.jsonl.gz"
        write_records(records_path, changed)
        files.append((articles_key, records_path))
        archived = [ArchivedArticle(r.canonical_url, r.outlet, r.text_sha256, articles_key, r.published,
                                    credited_slug(r), signature_hex(signature(r.text))) for r in changed]
        versions = [VersionRow(r.canonical_url, r.version, r.outlet, "ok", r.fetched_at, r.text_sha256,
                               articles_key, r.published, None, r.diff, run_id) for r in changed]
    if not files:
        return
    commit = pending_commits.StateCommit(run_id, iso(utc_now()), layout.manifest_key(run_id), archived,
                                         versions=versions)
    with pending_commits.PendingCommits(workspace.pending).begin(f"{run_id}.{number:05d}", commit,
                                                                 files) as held:  # the commit point
        staged = held.stage(spool)
        steps.flush(spool, target)
        if not held.waiting(spool):
            if articles_key:
                write_views(target, [articles_key])
            held.apply(db)
    summary.files += [{"key": e.key, "size": e.size, "sha256": e.sha256} for e in staged]
    if not changed:
        return
    for record in changed:  # the next WARC of this run compares with what was just written
        latest[record.canonical_url] = VersionRow(record.canonical_url, record.version, record.outlet, "ok",
                                                  record.fetched_at, record.text_sha256, articles_key,
                                                  record.published)
    summary.changed += len(changed)


def _write_manifest(summary: ReextractSummary, started: datetime, spool: Spool, target: Store, work: Path,
                    steps: PlainSteps) -> str:
    """``manifests/<run>.json`` of the re-extraction: what it read, what it changed, the files it wrote."""
    key = layout.manifest_key(summary.run_id)
    manifest = {"run_id": summary.run_id, "kind": "reextract", "started": iso(started), "finished": iso(utc_now()),
                "layout_version": layout.LAYOUT_VERSION, "record_version": RECORD_VERSION, "store": target.uri,
                "extractor": extractor_version(), "outlets": {summary.outlet: summary.to_dict()},
                "files": list(summary.files)}
    path = work / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    spool.stage(key, path)
    steps.flush(spool, target)
    return key


def describe(summary: ReextractSummary) -> str:
    """The one-line summary the command prints."""
    return (f"{summary.outlet}: {summary.warcs} WARC(s) read, {summary.skipped_warcs} already done, "
            f"{summary.pages} page(s): {summary.changed} changed, {summary.unchanged} unchanged, "
            f"{summary.unextracted} unextracted, {summary.superseded} superseded by later captures")
