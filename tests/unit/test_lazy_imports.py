"""What the flow's process imports: the extractor and pyarrow only where they are used.

The extraction workers extract the pages and a run's Parquet views need pyarrow only when
it archived articles; imported by the pipeline's modules, they cost every run, a no-op run
included, their import time and their memory (a no-op run's process peaked at 124 MB with
them, 77 MB without).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
HEAVY = ["htmldate", "justext", "pyarrow", "trafilatura"]


def _imported(script: str, tmp_path: Path) -> list[str]:
    report = f"print(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}} & {set(HEAVY)!r})))"
    probe = f"import json, sys\n{script}\n{report}"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_pipeline_imports_neither_the_extractor_nor_pyarrow(tmp_path):
    # what a plain ``newsarchive run`` imports before its first outlet, the furniture and
    # WARC modules it learns and removes furniture with among them
    script = "import flows.cli.runs, flows.pipeline.run, flows.extract.furniture_store, flows.extract.warc"
    assert _imported(script, tmp_path) == []


def test_an_extraction_worker_has_the_extractor_before_its_first_part(tmp_path):
    script = "from flows.extract import parallel\nparallel._ready()"
    assert _imported(script, tmp_path) == ["htmldate", "justext", "trafilatura"]


def test_a_run_that_archived_no_article_writes_no_view_and_loads_no_pyarrow(tmp_path):
    # a no-op run's files: the WARC of its feeds and sitemaps and that WARC's index
    script = ("from flows.pipeline.outlet import write_views\n"
              "write_views(None, ['warc/sputnik/2026/12/04/newsarchive-sputnik-1.warc.gz',"
              " 'cdxj/sputnik/2026/12/04/newsarchive-sputnik-1.cdxj'])")
    assert _imported(script, tmp_path) == []
