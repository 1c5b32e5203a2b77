"""Crash points: SIGKILL the whole run at a chosen place in the pipeline.

``install("<point>:<n>")`` patches one function of the pipeline, in whichever
process imports its module (the CLI, or a crawler subprocess), so that the
n-th call kills the process group with SIGKILL: no ``finally`` block, no
flush, no clean-up runs, as when the machine loses power or the OOM killer
strikes. The pipeline's own code is unchanged; the patch is applied when the
module is first imported.
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
    module: str
    owner: str | None  # class name, or None for a module-level function
    name: str
    when: str  # "before", "after" or "partial" (half a WARC record written)
    description: str


POINTS = {
    "crawl": Point("crawl", "storage.warc_writer", "WarcWriter", "write_exchange", "before",
                   "crawler, before recording the n-th exchange"),
    "warc": Point("WARC writing", "storage.warc_writer", "WarcWriter", "_write", "partial",
                  "half of the n-th WARC record written"),
    "extract": Point("extraction", "flows.extract.page", None, "extract_page", "before",
                     "before extracting the n-th page"),
    "stage": Point("spool", "storage.spool", "Spool", "stage", "before", "before staging the n-th file"),
    "upload": Point("upload", "storage.local", "LocalStore", "_link_once", "before",
                    "n-th upload written, not yet published"),
    "uploaded": Point("upload", "storage.local", "LocalStore", "put_file", "after",
                      "n-th upload published, still in the spool"),
    "pending": Point("state update", "storage.pending", None, "write_pending", "after",
                     "pending state commit written, before the upload"),
    "state": Point("state update", "storage.state", "StateStore", "commit_run", "before",
                   "before the n-th state commit"),
    "committed": Point("state update", "storage.state", "StateStore", "commit_run", "after",
                       "n-th state commit done, pending file not yet removed"),
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


def _patch(module, point: Point, limit: int) -> None:
    owner = getattr(module, point.owner) if point.owner else module
    setattr(owner, point.name, _wrap(point, getattr(owner, point.name), limit))


class _PatchOnImport(importlib.abc.MetaPathFinder):
    def __init__(self, point: Point, limit: int) -> None:
        self.point, self.limit = point, limit

    def find_spec(self, name, path, target=None):
        if name != self.point.module:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module
        point, limit = self.point, self.limit

        def exec_module(module):
            execute(module)
            _patch(module, point, limit)

        spec.loader.exec_module = exec_module
        return spec


def install(spec: str) -> None:
    point, limit = parse(spec)
    if point.module in sys.modules:
        _patch(sys.modules[point.module], point, limit)
    else:
        sys.meta_path.insert(0, _PatchOnImport(point, limit))
