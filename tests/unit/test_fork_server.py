"""The crawls' fork server: what a crawl's process imports beyond the server's preload."""
from __future__ import annotations

import json
import subprocess
import sys

from flows import fork_server

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
