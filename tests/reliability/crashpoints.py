"""Crash points: SIGKILL the whole run at a chosen place in the pipeline.

``install("<point>:<n>")`` patches the function(s) of one point, in whichever
process imports their module (the CLI, a worker, a crawler or an extraction
process), so that the n-th call kills the process group with SIGKILL: no
``finally`` block, no flush, no clean-up runs, as when the machine loses power
or the OOM killer strikes. The pipeline's own code is unchanged; the patch is
applied when the module is first imported.

The points follow one outlet's part of a run in order, one after every durable
step (and a few before one): a kill there leaves exactly that step done.
"""
from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import os
import signal
import sys
from dataclasses import dataclass
from io import BytesIO


@dataclass(frozen=True)
class Point:
    stage: str  # the pipeline stage the table reports
    targets: tuple[tuple[str, str | None, str], ...]  # (module, class or None, function)
    when: str  # "before", "after" or "partial" (half a WARC record written)
    description: str


def _at(module: str, owner: str | None, name: str) -> tuple[tuple[str, str | None, str], ...]:
    return ((module, owner, name),)


_PUT_FILE = (("storage.local", "LocalStore", "put_file"), ("storage.s3", "S3Store", "put_file"))

POINTS = {
    "crawl": Point("crawl", _at("storage.warc_writer", "WarcWriter", "write_exchange"), "before",
                   "crawler, before recording the n-th exchange"),
    "warc": Point("WARC writing", _at("storage.warc_writer", "WarcWriter", "_write"), "partial",
                  "half of the n-th WARC record written"),
    "extract": Point("extraction", _at("flows.extract.page", None, "extract_page"), "before",
                     "before extracting the n-th page"),
    "pending": Point("commit", _at("storage.pending", "PendingCommits", "begin"), "after",
                     "n-th pending commit written, nothing staged"),
    "stage": Point("spool", _at("storage.spool", "Spool", "stage"), "before", "before staging the n-th file"),
    "staged": Point("spool", _at("storage.spool", "Spool", "stage"), "after",
                    "n-th file staged (on the old order, the last one is before the pending commit)"),
    "upload": Point("upload", (("storage.local", "LocalStore", "_link_once"), ("storage.s3", "S3Store", "put_file")),
                    "before", "n-th upload begun (local: written under its temp name), not yet in the store"),
    "uploaded": Point("upload", _PUT_FILE, "after", "n-th upload in the store, still in the spool"),
    "unspooled": Point("upload", _at("storage.spool", None, "_remove"), "after",
                       "n-th uploaded file removed from the spool"),
    "head": Point("index", _at("storage.cdxj", "MergedIndex", "_publish_head"), "before",
                  "n-th index generation written, the head object not yet copied from it"),
    "merged": Point("index", _at("storage.cdxj", "MergedIndex", "add"), "after",
                    "merged index updated, the CDXJ file still in the spool"),
    "parquet": Point("views", _at("flows.exports.parquet", None, "write_day_parquet"), "after",
                     "n-th Parquet view rebuilt, the state not yet committed"),
    "state": Point("state update", _at("storage.state", "StateStore", "commit_run"), "before",
                   "before the n-th state commit"),
    "committed": Point("state update", _at("storage.state", "StateStore", "commit_run"), "after",
                       "n-th state commit done, pending file not yet removed"),
    "recover": Point("recovery", _at("storage.pending", None, "finish_recovered"), "before",
                     "recovery of a killed run: its files uploaded, its commit not yet applied"),
}


def die() -> None:
    os.killpg(os.getpgid(0), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)  # not a group leader's child after all: this process at least


def parse(spec: str) -> tuple[Point, int]:
    name, _, count = spec.partition(":")
    return POINTS[name], int(count or 1)


def _wrap(point: Point, original, limit: int):
    calls = 0

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls != limit:
            return original(*args, **kwargs)
        if point.when == "before":
            die()
        if point.when == "partial":
            # WarcWriter._write(self, out, record): write half the record's bytes, then die.
            writer, out, record = args[0], args[1], args[2]
            buffer = BytesIO()
            original(writer, buffer, record)
            data = buffer.getvalue()
            out.write(data[: len(data) // 2])
            out.flush()
            os.fsync(out.fileno())
            die()
        result = original(*args, **kwargs)
        die()
        return result

    return wrapper


def _patch(module, owner_name: str | None, name: str, point: Point, limit: int) -> None:
    owner = getattr(module, owner_name) if owner_name else module
    setattr(owner, name, _wrap(point, getattr(owner, name), limit))


class _PatchOnImport(importlib.abc.MetaPathFinder):
    def __init__(self, module: str, owner: str | None, name: str, point: Point, limit: int) -> None:
        self.module, self.owner, self.name, self.point, self.limit = module, owner, name, point, limit

    def find_spec(self, name, path, target=None):
        if name != self.module:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            _patch(module, self.owner, self.name, self.point, self.limit)

        spec.loader.exec_module = exec_module
        return spec


def install(spec: str) -> None:
    point, limit = parse(spec)
    for module, owner, name in point.targets:
        if module in sys.modules:
            _patch(sys.modules[module], owner, name, point, limit)
        else:
            sys.meta_path.insert(0, _PatchOnImport(module, owner, name, point, limit))
