"""``python -m bench.memory PER_OUTLET [--runs N]``: where a run's resident memory is.

Runs ``newsarchive run`` against the replica (``PER_OUTLET`` articles per outlet, so
1,667 for the 10,002-article size, 167 for 1,002) as ``make bench`` does, into a new
store each time, and samples every process of its tree from ``/proc`` every quarter
second (the replica renders its articles first, as ``make bench`` has it do). Prints, per
run, the tree's peak RSS and what each process held at that moment,
and the largest RSS each kind of process reached during the run. Environment variables
(``MALLOC_MMAP_THRESHOLD_=...``) reach the run, so settings can be compared in turns.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.e2e import start_cli_run
from bench.proctree import _children, _cmdline, _rss_bytes, tree
from spiders.replica.process import running_replica

MB = 2**20


def _kind(pid: int, root: int, forked_by_root: set[int]) -> str:
    command = _cmdline(pid)
    if pid == root:
        return "flow process"
    if "multiprocessing.spawn" in command or "spawn_main" in command:
        return "extraction worker"
    if "forkserver" in command:  # the server is the flow's child, the crawls are the server's
        return "fork server" if pid in forked_by_root else "crawl"
    return "other"


def sample_run(per_outlet: int, interval: float = 0.25) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp, running_replica(per_outlet, prerender=True) as proxy:
        start = time.perf_counter()
        process = start_cli_run(Path(tmp) / "archive", proxy, per_outlet, Path(tmp))
        peak, at_peak, largest = 0, [], {}
        while process.poll() is None:
            forked_by_root = set(_children(process.pid))
            held = [(_kind(pid, process.pid, forked_by_root), _rss_bytes(pid)) for pid in tree(process.pid)]
            total = sum(size for _, size in held)
            if total > peak:
                peak, at_peak = total, held
            for kind, size in held:
                largest[kind] = max(largest.get(kind, 0), size)
            time.sleep(interval)
        errors = process.communicate()[1]
        if process.returncode != 0:
            raise SystemExit(f"newsarchive run failed: {errors.strip().splitlines()[-1:]}")
    return {"wall_s": time.perf_counter() - start, "peak_mb": peak / MB,
            "at_peak": sorted(((kind, size / MB) for kind, size in at_peak), key=lambda item: -item[1]),
            "largest": {kind: size / MB for kind, size in sorted(largest.items())}}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory",
                                     description="Where a newsarchive run's resident memory is, process by process.")
    parser.add_argument("per_outlet", type=int, help="articles per outlet (1667 for 10,002 in all)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    for number in range(1, args.runs + 1):
        run = sample_run(args.per_outlet)
        print(f"run {number}: {run['wall_s']:.1f} s, peak RSS {run['peak_mb']:.0f} MB = "
              + " + ".join(f"{kind} {size:.0f}" for kind, size in run["at_peak"]))
        print("  largest: " + ", ".join(f"{kind} {size:.0f} MB" for kind, size in run["largest"].items()))


if __name__ == "__main__":
    main()
