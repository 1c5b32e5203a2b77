"""glibc malloc tuned for the flow process and the processes it starts: few arenas, and
freed memory handed back to the system.

glibc gives each thread that allocates at once an arena of its own (up to eight per
core), and an arena keeps what its thread freed. A run's outlets work in threads, and
each outlet's records, WARC parts and Parquet rows pass through its thread's arena, so
the process's resident size grows with the number of threads rather than with what
they hold. Two arenas are the usual advice for threaded Python services. Measured on
``newsarchive run`` over 10,002 replica articles, two alternating pairs: the tree's peak
RSS 668-684 MB -> 626-642 MB (over 1,002 articles, three pairs: 467-492 -> 457-487 MB).

glibc also raises its mmap threshold each time a large block is freed (up to 32 MB), so
that after a run's first WARC parts and JSON batches, blocks of that size come from the
heap, and a heap gives memory back only from its top (the trim threshold, which follows
at twice the mmap one). Fixed at 128 KiB, glibc's own starting value, blocks above it are
mapped and unmapped again, and a heap with 128 KiB free at its top shrinks. Measured with
``/proc`` sampling over ``newsarchive run`` at 10,002 replica articles, two alternating
pairs: the tree's peak RSS 606 and 583 MB -> 534 and 538 MB (the flow process at the
crawls' peak 155 -> 84 MB); at 1,002 articles, four pairs, 468, 456, 468, 443 -> 506, 458,
432, 432 MB (no change beyond the noise of when the crawls overlap).
"""
from __future__ import annotations

import ctypes
import os

# glibc's environment variable (read as each process starts) -> (value, mallopt parameter number)
TUNABLES = {
    "MALLOC_ARENA_MAX": ("2", -8),  # M_ARENA_MAX
    "MALLOC_MMAP_THRESHOLD_": ("131072", -3),  # M_MMAP_THRESHOLD (setting it stops the sliding)
    "MALLOC_TRIM_THRESHOLD_": ("131072", -1),  # M_TRIM_THRESHOLD
}


def tune_malloc() -> None:
    """These settings here (from now on) and in every process started from now on; a value
    the user set in the environment wins. Nothing where malloc is not glibc's."""
    for name, (value, _) in TUNABLES.items():
        os.environ.setdefault(name, value)  # read by glibc as each child process starts
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): its allocator behaves otherwise
        return
    for name, (_, parameter) in TUNABLES.items():
        try:
            mallopt(parameter, int(os.environ[name]))
        except ValueError:
            continue  # not a number: glibc ignores it in the children too
