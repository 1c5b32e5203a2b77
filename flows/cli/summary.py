"""What the CLI shows: a progress bar over outlets during a run, and a summary table after it."""
from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows.pipeline.progress import Reporter

_COLUMNS = ("discovered", "fetched", "new", "duplicate", "near_duplicate", "changed", "failed", "blocked", "requests")
_HEADERS = {"near_duplicate": "near-dup"}


class ProgressBar(Reporter):
    def __init__(self) -> None:
        console = Console(file=sys.stderr)
        # Redrawn twice a second on a terminal (the bar moves only when an outlet is done,
        # the clock once a second); elsewhere printed once, as it ends. rich's ten redraws
        # a second were 8% of a run's interpreter time.
        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=False, auto_refresh=console.is_terminal, refresh_per_second=2,
        )
        self._task = None

    def __enter__(self) -> ProgressBar:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)

    def start(self, outlets: list[str]) -> None:
        self._task = self._progress.add_task("crawling", total=len(outlets))

    def crawled(self, outlet: str, fetched: int) -> None:
        if self._task is not None:
            self._progress.update(self._task, description=f"crawled {outlet} ({fetched} pages)")

    def finished(self, outlet: str, new: int, error: str | None) -> None:
        if self._task is not None:
            state = "failed" if error else f"{new} new"
            self._progress.update(self._task, advance=1, description=f"archived {outlet}: {state}")


def health_label(counts: dict) -> str:
    """The outlet's health verdict, for a table cell ("" when the run judged none)."""
    health = counts.get("health") or {}
    return health.get("verdict", "")


def print_summary(manifest: dict, file=None) -> None:
    out = file or sys.stdout
    # Wide enough for the table when the output is a file or a pipe (rich assumes 80 columns there).
    console = Console(file=out, width=None if out.isatty() else 120)
    table = Table(title=f"run {manifest['run_id']}")
    table.add_column("outlet")
    for column in _COLUMNS:
        table.add_column(_HEADERS.get(column, column), justify="right")
    table.add_column("health")
    table.add_column("error")
    totals = dict.fromkeys(_COLUMNS, 0)
    for slug, counts in manifest["outlets"].items():
        table.add_row(slug, *(str(counts.get(c, 0)) for c in _COLUMNS), health_label(counts), counts.get("error") or "")
        for column in _COLUMNS:
            totals[column] += counts.get(column, 0)
    table.add_row("total", *(str(totals[c]) for c in _COLUMNS), "", "", style="bold")
    console.print(table)
    console.print(f"store: {manifest['store']}   manifest: manifests/{manifest['run_id']}.json   "
                  f"files written: {len(manifest['files'])}")
