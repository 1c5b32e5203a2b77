"""``python -m bench.memory PER_OUTLET [--runs N]``: where a run's resident memory is.

Runs ``newsarchive run`` against the replica (``PER_OUTLET`` articles per outlet, so
1,667 for the 10,002-article size, 167 for 1,002) as ``make bench`` does, into a new
store each time, and samples every process of its tree from ``/proc`` every quarter
second. Prints, per run, the tree's peak RSS and what each process held at that moment,
and the largest RSS each kind of process reached during the run. Environment variables
(``MALLOC_MMAP_THRESHOLD_=...``) reach the run, so settings can be compared in turns.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.e2e import NEWSARCHIVE
from bench.proctree import _cmdline, _rss_bytes, tree
from spiders.replica.process import running_replica

MB = 2**20


def _kind(pid: int, root: int, parents: dict[int, int]) -> str:
    command = _cmdline(pid)
    if pid == root:
        return "flow process"
    if "multiprocessing.spawn" in command or "spawn_main" in command:
        return "extraction worker"
    if "forkserver" in command:
        return "crawl" if "forkserver" in _cmdline(parents.get(pid, 0)) else "fork server"
    return "other"


def _parents(root: int) -> dict[int, int]:
    found = {}
    for pid in tree(root):
        try:
            found[pid] = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return found


def sample_run(per_outlet: int, interval: float = 0.25) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp, running_replica(per_outlet) as proxy:
        env["PREFECT_HOME"] = str(Path(tmp) / ".prefect")
        command = [NEWSARCHIVE, "run", "--store", str(Path(tmp) / "archive"), "--proxy", proxy,
                   "--max-articles", str(per_outlet), "--delay", "0"]
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                                   cwd=tmp)
        peak, at_peak, largest = 0, [], {}
        while process.poll() is None:
            parents = _parents(process.pid)
            held = [(_kind(pid, process.pid, parents), _rss_bytes(pid)) for pid in parents]
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
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description="Where a newsarchive run's resident memory is, process by process.")
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
