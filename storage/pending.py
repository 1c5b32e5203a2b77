"""Crash-safe hand-over between the store and the state database.

A run stages its files in the spool and writes its state commit to
``pending/<run>.json`` BEFORE uploading. Only when the spool is empty (every
file confirmed by the store) are pending commits applied to the state. A run
killed at any point therefore leaves either nothing, or staged files plus a
pending commit that the next run finishes.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from storage.state import ArchivedArticle, CaptureRow, StateStore, Validator, VersionRow


def write_pending(pending_dir: Path, name: str, run_id: str, finished: str, manifest_key: str,
                  articles: list[ArchivedArticle], captures: list[CaptureRow] = (),
                  versions: list[VersionRow] = (), validators: list[Validator] = ()) -> Path:
    """Write ``pending/<name>.json`` (one per run and outlet) atomically."""
    pending_dir.mkdir(parents=True, exist_ok=True)
    path = pending_dir / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    payload = {"run_id": run_id, "finished": finished, "manifest_key": manifest_key,
               "articles": [asdict(a) for a in articles], "captures": [asdict(c) for c in captures],
               "versions": [asdict(v) for v in versions], "validators": [asdict(v) for v in validators]}
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(payload, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    return path


def apply_pending_file(path: Path, state: StateStore) -> str:
    """Apply one pending commit (its files are confirmed in the store) and remove it."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    articles = [ArchivedArticle(**a) for a in payload["articles"]]
    state.commit_run(payload["run_id"], payload["finished"], payload["manifest_key"], articles,
                     captures=[CaptureRow(**c) for c in payload.get("captures", [])],
                     versions=[VersionRow(**v) for v in payload.get("versions", [])],
                     validators=[Validator(**v) for v in payload.get("validators", [])])
    path.unlink()
    return payload["run_id"]


def apply_pending(pending_dir: Path, state: StateStore) -> list[str]:
    """Apply every pending commit (the caller has checked the spool is empty)."""
    paths = sorted(pending_dir.glob("*.json")) if pending_dir.exists() else []
    return [apply_pending_file(path, state) for path in paths]


def pending_urls(pending_dir: Path, outlet: str) -> set[str]:
    """Articles staged by an unfinished run: already archived as far as crawling goes."""
    urls: set[str] = set()
    for path in sorted(pending_dir.glob("*.json")) if pending_dir.exists() else []:
        for article in json.loads(path.read_text(encoding="utf-8"))["articles"]:
            if article["outlet"] == outlet:
                urls.add(article["canonical_url"])
    return urls
