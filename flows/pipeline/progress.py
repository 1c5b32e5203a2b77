"""Progress reporting from inside the flow to whoever runs it (the CLI shows a bar).

Tasks run in threads of the flow's process, so a process-wide reporter is
enough; the default reports nothing.
"""
from __future__ import annotations


class Reporter:
    def start(self, outlets: list[str]) -> None: ...
    def crawled(self, outlet: str, fetched: int) -> None: ...
    def finished(self, outlet: str, new: int, error: str | None) -> None: ...


_reporter = Reporter()


def get() -> Reporter:
    return _reporter


def install(reporter: Reporter) -> Reporter:
    global _reporter
    previous, _reporter = _reporter, reporter
    return previous
