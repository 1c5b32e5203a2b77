"""Drift: an outlet's health signals against its own rolling baseline.

The baseline of a signal is its median over the outlet's last healthy runs (those
judged ``healthy``, or the first runs, judged ``baseline``). A share signal
drifts when it moved by at least ``share_change`` (0.3: a container matched on
99% of pages, then on 40%), a word count when it grew or shrank by the factor
``words_factor``. A run with fewer pages than ``min_pages`` is not judged: it says
so instead of guessing. Thresholds come from the settings file's ``[health]`` table.
"""
from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from flows.health.signals import SHARE_SIGNALS, WORD_SIGNALS, OutletHealth

HEALTHY = "healthy"
DEGRADED = "degraded"
BASELINE = "baseline"  # no earlier healthy run to compare with: this run starts the baseline
TOO_FEW = "too few pages"

_LABELS = {
    "container_matched": "container matched", "title_filled": "title found", "date_filled": "date found",
    "authors_filled": "authors found", "language_filled": "language found",
    "furniture_removed": "text removed as furniture", "unextracted": "pages without a record",
    "blocked": "requests blocked", "duplicate": "duplicates", "near_duplicate": "near-duplicates",
    "words_median": "median words per article",
}


@dataclass(frozen=True)
class Thresholds:
    min_pages: int = 10  # fewer article pages than this: too few to judge
    baseline_runs: int = 5  # the baseline is the median over this many last healthy runs
    share_change: float = 0.3  # a share signal moving this much (absolute) is drift
    words_factor: float = 2.0  # the median words per article growing or shrinking by this factor is drift


@dataclass
class Verdict:
    status: str  # healthy | degraded | baseline | too few pages
    findings: list[str] = field(default_factory=list)  # one line per drifted signal, with both values
    baseline: dict[str, float] = field(default_factory=dict)  # the baseline value of each signal compared
    note: str = ""

    def summary(self, slug: str) -> str:
        if self.status == DEGRADED:
            return "; ".join(f"{slug}: {f}" for f in self.findings)
        return f"{slug}: {self.status}" + (f" ({self.note})" if self.note else "")


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def judge(current: OutletHealth, earlier: Iterable[OutletHealth], thresholds: Thresholds = Thresholds()) -> Verdict:
    """The verdict on ``current`` given the outlet's earlier healthy runs, newest first."""
    if current.pages < thresholds.min_pages:
        return Verdict(TOO_FEW, note=f"{current.pages} page(s), fewer than {thresholds.min_pages}: not judged")
    history = list(earlier)[: thresholds.baseline_runs]
    if not history:
        return Verdict(BASELINE, note="no earlier healthy run: this one starts the baseline")
    verdict = Verdict(HEALTHY)
    for name in SHARE_SIGNALS + WORD_SIGNALS:
        values = [h.signal(name) for h in history if h.signal(name) is not None]
        now = current.signal(name)
        if not values or now is None:
            continue
        base = float(statistics.median(values))
        verdict.baseline[name] = round(base, 4)
        label = _LABELS[name]
        if name in SHARE_SIGNALS and abs(now - base) >= thresholds.share_change:
            verdict.findings.append(f"{label} {_percent(now)} of {current.pages} pages, baseline {_percent(base)}")
        elif name in WORD_SIGNALS and base > 0 and (now >= base * thresholds.words_factor
                                                    or now <= base / thresholds.words_factor):
            verdict.findings.append(f"{label} {now:.0f}, baseline {base:.0f}")
    if verdict.findings:
        verdict.status = DEGRADED
    return verdict
