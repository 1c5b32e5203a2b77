"""The CLI limits glibc's malloc arenas in its process and in the processes it starts."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

_CHILD_SEES = (
    "import os, subprocess, sys\n"
    "{setup}\n"
    "child = subprocess.run([sys.executable, '-c', 'import os; print(os.environ.get(\"MALLOC_ARENA_MAX\"))'],"
    " capture_output=True, text=True)\n"
    "print(child.stdout.strip())\n"
)


def _run(setup: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | env
    done = subprocess.run([sys.executable, "-c", _CHILD_SEES.format(setup=setup)], capture_output=True, text=True,
                          env=environment, check=True)
    return done.stdout.strip()


def test_the_command_line_starts_its_children_with_two_arenas() -> None:
    # main() limits them before it parses the arguments: "--help" is enough to see it
    setup = ("import flows.cli.main as cli\n"
             "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass")
    assert _run(setup).splitlines()[-1] == "2"


@pytest.mark.parametrize("given, seen", [(None, "2"), ("4", "4")])
def test_a_value_the_user_set_wins(given: str | None, seen: str) -> None:
    env = {"MALLOC_ARENA_MAX": given} if given else {}
    assert _run("from flows.malloc import limit_arenas\nlimit_arenas()", **env) == seen
