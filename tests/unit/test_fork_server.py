"""The crawls' fork server: what a crawl's process imports beyond the server's preload."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from flows import fork_server

PROJECT = Path(__file__).resolve().parents[2]

# A forked crawl unpickles its target (flows.pipeline.crawl._crawl) and so imports its module:
# whatever that module imports, and the preload lacks, each crawl imports again (SQLAlchemy, by
# way of storage.state, cost 0.18 s of CPU per crawl).
PROBE = """
import json, sys
for name in {preload!r}:
    __import__(name)
before = set(sys.modules)
import flows.pipeline.crawl
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_a_crawl_process_imports_nothing_but_the_standard_library_beyond_the_preload():
    probe = PROBE.format(preload=fork_server.PRELOAD)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    imported = json.loads(done.stdout)
    ours = {"flows", "flows.pipeline", "flows.pipeline.crawl", "flows.fork_server"}
    foreign = [name for name in imported if name not in ours and name != "__mp_main__"
               and name.split(".")[0] not in sys.stdlib_module_names]
    assert "flows.pipeline.crawl" in imported
    assert foreign == []


# What ``newsarchive run`` has imported when it starts the fork server (which then imports
# Scrapy on the other core while the run imports the pipeline).
STARTED_BEFORE = """
import json, os, sys
os.environ["PREFECT_API_URL"] = ""
from flows import fork_server
from flows.cli import runs

def start():
    print(json.dumps(sorted(name for name in sys.modules if name.startswith(("flows.pipeline", "storage.state")))))
    raise SystemExit(0)

fork_server.start = start
runs.archive(["alwaght"], "unused-store", 1, None, None)
"""


def test_a_plain_run_starts_the_fork_server_before_it_imports_the_pipeline(tmp_path):
    done = subprocess.run([sys.executable, "-c", STARTED_BEFORE], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []  # (the pipeline's imports are most of a no-op run's first second)
