"""The CLI tunes glibc's malloc (few arenas, freed memory handed back) in its process and in
the processes it starts."""
from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from flows.malloc import TUNABLES

_CHILD_SEES = (
    "import os, subprocess, sys\n"
    "{setup}\n"
    "child = subprocess.run([sys.executable, '-c', 'import os; print(os.environ.get(\"{name}\"))'],"
    " capture_output=True, text=True)\n"
    "print(child.stdout.strip())\n"
)
_CLI = "import flows.cli.main as cli\ntry:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass"


def _environment(**env: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in TUNABLES} | env


def _run(setup: str, name: str = "MALLOC_ARENA_MAX", **env: str) -> str:
    done = subprocess.run([sys.executable, "-c", _CHILD_SEES.format(setup=setup, name=name)], capture_output=True,
                          text=True, env=_environment(**env), check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("name, value", [(name, value) for name, (value, _) in TUNABLES.items()])
def test_the_command_line_starts_its_children_tuned(name: str, value: str) -> None:
    # main() tunes malloc before it parses the arguments: "--help" is enough to see it
    assert _run(_CLI, name).splitlines()[-1] == value


@pytest.mark.parametrize("given, seen", [(None, "2"), ("4", "4")])
def test_a_value_the_user_set_wins(given: str | None, seen: str) -> None:
    env = {"MALLOC_ARENA_MAX": given} if given else {}
    assert _run("from flows.malloc import tune_malloc\ntune_malloc()", **env) == seen


_RETAINED = """
{setup}
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
big = b"x" * (16 << 20)
del big  # left alone, glibc now serves blocks up to 16 MB from its heap, and trims it late
before = rss_mb()
blocks = [b"%d" % i * (1 << 19) for i in range(50)]  # about 40 MB in blocks of 0.5-1 MB
del blocks
print(rss_mb() - before)
"""


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="the settings are glibc's; elsewhere they are not applied")
def test_memory_freed_by_the_command_line_goes_back_to_the_system() -> None:
    done = subprocess.run([sys.executable, "-c", _RETAINED.format(setup=_CLI)], capture_output=True, text=True,
                          env=_environment(), check=True)
    assert float(done.stdout.strip().splitlines()[-1]) < 4  # MB still resident of the 40 freed
