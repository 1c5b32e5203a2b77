"""End-to-end throughput, peak memory and the incremental no-op run, at one archive size.

The archive flow runs in its own process (``bench.pipeline_run``) against the
replica, Prefect's fixed startup excluded, while the whole process tree's RSS is
sampled. The baseline is plain trafilatura in this one process, with the
settings the pipeline passes to it, over the HTML of the same articles read
back from the run's WARCs (only extraction is timed). A second run over the
same replica and store is the no-op run: it finds nothing new.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura

from bench.proctree import PREFECT_SERVER, PeakRss
from spiders.replica.process import running_replica
from spiders.outlets import SLUGS, outlet_for_host
from storage.warc_reader import iter_responses

BASELINE_OPTIONS = dict(include_comments=False, include_tables=True, favor_precision=True, output_format="txt")


def _pipeline_run(store: Path, proxy: str, per_outlet: int, out: Path, prefect_db: str | None) -> dict:
    command = [sys.executable, "-m", "bench.pipeline_run", "--store", str(store), "--proxy", proxy,
               "--max-articles", str(per_outlet), "--out", str(out)]
    env = dict(os.environ)
    if prefect_db:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = prefect_db
    log = out.with_suffix(".log")
    with open(log, "w") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env)
        with PeakRss(process.pid, exclude=PREFECT_SERVER) as memory:
            for line in process.stdout:
                if line.startswith("TIMED"):
                    memory.reset()
            process.wait()
    if process.returncode != 0:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        raise RuntimeError(f"archive run failed: {lines[-1] if lines else process.returncode}")
    result = json.loads(out.read_text(encoding="utf-8"))
    outlets = result["manifest"]["outlets"].values()
    return {
        "wall_s": result["wall_s"],
        "cpu_s": result["cpu_s"],
        "new": sum(o.get("new", 0) for o in outlets),
        "fetched": sum(o.get("fetched", 0) for o in outlets),
        "requests": sum(o.get("requests", 0) for o in outlets),
        "revisited": sum(o.get("revisited", 0) for o in outlets),
        "errors": [o["error"] for o in outlets if o.get("error")],
        "rss_mb": memory.peak / 1e6,
        "pss_mb": memory.peak_pss / 1e6,
        "prefect_server_rss_mb": memory.peak_excluded / 1e6,
    }


def article_pages(store: Path) -> list[tuple[str, bytes]]:
    """(URL, decoded HTML) of every article response in the store's WARCs."""
    pages = []
    for path in sorted(store.glob("warc/**/*.warc.gz")):
        for response in iter_responses(path):
            outlet = outlet_for_host(urlsplit(response.url).hostname)
            if response.status == 200 and outlet is not None and outlet.is_article(response.url):
                pages.append((response.url, response.body))
    return pages


def baseline(pages: list[tuple[str, bytes]]) -> dict:
    start = time.perf_counter()
    for url, html in pages:
        trafilatura.extract(html, url=url, **BASELINE_OPTIONS)
    wall = time.perf_counter() - start
    return {"pages": len(pages), "wall_s": wall, "pages_per_s": len(pages) / wall}


def reextract_all(store: Path) -> dict:
    """``newsarchive reextract`` of every outlet over the run's archive (the rules unchanged: every page
    is extracted again and compared, nothing is written), as a user runs it."""
    pages, start = 0, time.perf_counter()
    for slug in SLUGS:
        done = subprocess.run([sys.executable, "-m", "flows.cli.main", "reextract", "--outlet", slug,
                               "--store", str(store)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"reextract {slug} failed: {done.stderr.strip().splitlines()[-1:]}")
        pages += int(done.stdout.split(" page(s)")[0].rsplit(" ", 1)[1])
    wall = time.perf_counter() - start
    return {"pages": pages, "wall_s": wall, "pages_per_s": pages / wall}


def measure(total_articles: int, prefect_db: str, with_reextract: bool = False) -> dict:
    """Full run, baseline and no-op run of ``total_articles`` spread evenly over the six outlets.

    Prefect's API keeps its runs in ``prefect_db`` (PostgreSQL, as in ``deploy/compose.yaml``).
    One more no-op run uses Prefect's default SQLite database, which answers a write that
    meets another with HTTP 503, retried by the client two seconds later.
    """
    per_outlet = -(-total_articles // len(SLUGS))
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp, running_replica(per_outlet) as proxy:
        work = Path(tmp)
        store = work / "archive"
        full = _pipeline_run(store, proxy, per_outlet, work / "full.json", prefect_db)
        base = baseline(article_pages(store))
        repair = reextract_all(store) if with_reextract else None
        noop = _pipeline_run(store, proxy, per_outlet, work / "noop.json", prefect_db)
        noop_sqlite = _pipeline_run(store, proxy, per_outlet, work / "noop-sqlite.json", None)
    full["pages_per_s"] = full["new"] / full["wall_s"]
    return {
        "articles": per_outlet * len(SLUGS),
        "per_outlet": per_outlet,
        "full": full,
        "baseline": base,
        "noop": noop,
        "e2e_ratio": full["pages_per_s"] / base["pages_per_s"],
        "noop_fraction": noop["wall_s"] / full["wall_s"],
        "noop_sqlite": noop_sqlite,
        "noop_sqlite_fraction": noop_sqlite["wall_s"] / full["wall_s"],
        "cpu_ms_per_page": 1000 * full["cpu_s"] / max(1, full["new"]),
        "baseline_ms_per_page": 1000 * base["wall_s"] / max(1, base["pages"]),
        "cores": os.cpu_count(),
        **({"reextract": repair, "reextract_ratio": repair["pages_per_s"] / base["pages_per_s"]} if repair else {}),
    }
