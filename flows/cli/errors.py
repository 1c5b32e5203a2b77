"""How a command fails: one line for the user and an exit status. Imports nothing of the CLI."""
from __future__ import annotations

EXIT_FAILED = 1  # the command ran and something failed (an outlet, the store, a lookup)
EXIT_USAGE = 2  # bad input: nothing was done


class CliError(Exception):
    """A one-line message for the user; ``status`` is the exit code."""

    def __init__(self, message: str, status: int = EXIT_USAGE):
        super().__init__(message)
        self.status = status
