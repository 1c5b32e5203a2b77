"""Loaded by every Python process of a crash trial (this directory is put first on PYTHONPATH).

``NEWSARCHIVE_CRASH_AT=<point>:<n>`` kills the process group with SIGKILL at the
n-th time the process passes ``<point>`` (see tests.reliability.crashpoints).
"""
import os

if os.environ.get("NEWSARCHIVE_CRASH_AT"):
    from tests.reliability import crashpoints

    crashpoints.install(os.environ["NEWSARCHIVE_CRASH_AT"])
