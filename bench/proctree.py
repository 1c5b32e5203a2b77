"""Peak resident memory of a process tree, sampled from /proc (Linux)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
PREFECT_SERVER = ("prefect.server", "uvicorn")  # the temporary Prefect server of a server-less run


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss_bytes(pid: int) -> int:
    """Proportional set size: shared pages (a forked worker's) counted once across the tree."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _cpu_seconds(pid: int) -> float:
    """CPU time of the process and of its children it has reaped (utime, stime, cutime, cstime)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _excluded(pid: int, exclude: tuple[str, ...]) -> bool:
    return bool(exclude) and any(word in _cmdline(pid) for word in exclude)


def tree(root: int) -> list[int]:
    pids, stack = [], [root]
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack += _children(pid)
    return pids


def tree_cpu_seconds(root: int, exclude: tuple[str, ...] = ()) -> float:
    """CPU time of ``root`` and all its descendants, living or reaped, leaving out the
    processes whose command line contains one of ``exclude``.

    A fork server's children are not the root's: their time reaches the root's own
    children total only once the server itself exits, so the living tree is summed.
    """
    return sum(_cpu_seconds(pid) for pid in tree(root) if pid == root or not _excluded(pid, exclude))


class PeakRss:
    """Samples the summed RSS (and PSS) of ``root`` and its descendants every ``interval`` seconds.

    Processes whose command line contains one of ``exclude`` are left out of
    ``peak`` (and counted in ``peak_excluded``): the temporary Prefect server is
    not part of the pipeline an operator sizes a worker for. ``cpu_s`` is the
    tree's CPU time at the last sample (``tree_cpu_seconds``), for a root whose
    own CPU time cannot be read once it has exited: what its last
    ``interval`` used is missed.
    """

    def __init__(self, root: int, interval: float = 0.1, exclude: tuple[str, ...] = ()):
        self.root, self.interval, self.exclude = root, interval, exclude
        self.peak = 0
        self.peak_pss = 0
        self.peak_excluded = 0
        self.cpu_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def reset(self) -> None:
        self.peak = self.peak_pss = self.peak_excluded = 0

    def sample(self) -> None:
        kept = kept_pss = left_out = 0
        cpu = 0.0
        for pid in tree(self.root):
            if _excluded(pid, self.exclude):
                left_out += _rss_bytes(pid)
            else:
                kept += _rss_bytes(pid)
                kept_pss += _pss_bytes(pid)
                cpu += _cpu_seconds(pid)
        self.peak = max(self.peak, kept)
        self.peak_pss = max(self.peak_pss, kept_pss)
        self.peak_excluded = max(self.peak_excluded, left_out)
        self.cpu_s = max(self.cpu_s, cpu)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
