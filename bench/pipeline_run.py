"""One archive flow run, timed without Prefect's fixed startup: ``python -m bench.pipeline_run``.

Prefect starts a temporary server on the first flow call of a process (10-18 s, the
same at any archive size). A trivial flow is run first to pay that cost, then the
archive flow is timed alone. The result (wall time, CPU time of this process and its
children, the manifest) is written as JSON to ``--out``. A line ``TIMED`` on stdout
marks the start of the timed part, so a parent sampling memory can reset its peak.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from bench.proctree import PREFECT_SERVER, tree_cpu_seconds
from flows.orchestration import prefect_settings


def _cpu_seconds() -> float:
    """This process, its crawls and extraction workers (forked from its fork server), not
    Prefect's temporary server."""
    return tree_cpu_seconds(os.getpid(), exclude=PREFECT_SERVER)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline_run", description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--proxy", required=True, help="the replica's proxy URL")
    parser.add_argument("--max-articles", type=int, required=True, help="per outlet")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    prefect_settings.set_defaults()  # as the CLI runs a flow
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect import flow

    from flows.archive import archive

    @flow(name="bench-warm-up")
    def warm_up() -> None:
        return None

    with prefect_settings.run_settings():
        warm_up()
        print("TIMED", flush=True)
        cpu, start = _cpu_seconds(), time.perf_counter()
        state = archive(max_articles=args.max_articles, store=args.store, replica=args.proxy, delay=0,
                        return_state=True)
        wall = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    manifest = state.result(raise_on_failure=False)
    if not isinstance(manifest, dict):
        print(f"bench: the archive run failed: {manifest}", file=sys.stderr)
        return 1
    args.out.write_text(json.dumps({"wall_s": wall, "cpu_s": cpu, "manifest": manifest}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
