"""End-to-end throughput, peak memory and the incremental no-op run, at one archive size.

The full run is ``newsarchive run`` against the replica, as a user starts it:
its own process, no Prefect API (so no Prefect server), the process's wall time
with its start-up, while the whole process tree's RSS, PSS and CPU time are
sampled. The baseline is plain trafilatura in this one process, with the
settings the pipeline passes to it, over the HTML of the same articles read
back from the run's WARCs (only extraction is timed). A second ``newsarchive
run`` over the same replica and store is the no-op run: it finds nothing new.

The replica renders every article's answer before the runs (``prerender``), as a
static server has its pages ready: rendering them on demand took about 9 s of CPU
in a 10,002-article run, on the machine the run is measured on, which no outlet's
server takes from a real crawl. The replica's CPU time during the full run is kept
in the result (``replica_cpu_s``).

The same no-op run is measured once more as the Prefect flow (``bench.pipeline_run``,
Prefect's API on PostgreSQL, its server start-up excluded), and, at the largest
size of the plan only, the full run too, into a store of its own.
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

from bench.proctree import PREFECT_SERVER, PeakRss, _children, _cmdline, _cpu_seconds
from spiders.replica.process import running_replica
from spiders.outlets import SLUGS, outlet_for_host
from storage.warc_reader import iter_responses

BASELINE_OPTIONS = dict(include_comments=False, include_tables=True, favor_precision=True, output_format="txt")
NEWSARCHIVE = str(Path(sys.executable).parent / "newsarchive")


def _counts(manifest: dict) -> dict:
    outlets = manifest["outlets"].values()
    return {
        "new": sum(o.get("new", 0) for o in outlets),
        "fetched": sum(o.get("fetched", 0) for o in outlets),
        "requests": sum(o.get("requests", 0) for o in outlets),
        "revisited": sum(o.get("revisited", 0) for o in outlets),
        "errors": [o["error"] for o in outlets if o.get("error")],
    }


def start_cli_run(store: Path, proxy: str, per_outlet: int, home: Path) -> subprocess.Popen:
    """``newsarchive run`` of the replica started in its own process, without a Prefect API."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(home / ".prefect")  # no profile of the machine's naming a server
    command = [NEWSARCHIVE, "run", "--store", str(store), "--proxy", proxy, "--max-articles", str(per_outlet),
               "--delay", "0"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=home)


def replica_cpu_s() -> float:
    """CPU time so far of the replica processes this process started."""
    return sum(_cpu_seconds(pid) for pid in _children(os.getpid()) if "spiders.replica" in _cmdline(pid))


def cli_run(store: Path, proxy: str, per_outlet: int, home: Path) -> dict:
    """``newsarchive run`` in its own process, without a Prefect API: wall time from start to exit,
    and the replica's CPU time meanwhile."""
    replica_before = replica_cpu_s()
    start = time.perf_counter()
    process = start_cli_run(store, proxy, per_outlet, home)
    with PeakRss(process.pid) as memory:
        errors = process.communicate()[1]
    wall = time.perf_counter() - start
    if process.returncode != 0:
        lines = errors.strip().splitlines()
        raise RuntimeError(f"newsarchive run failed: {lines[-1] if lines else process.returncode}")
    manifest = json.loads(sorted((store / "manifests").glob("*.json"))[-1].read_text(encoding="utf-8"))
    return {"wall_s": wall, "cpu_s": memory.cpu_s, **_counts(manifest), "rss_mb": memory.peak / 1e6,
            "pss_mb": memory.peak_pss / 1e6, "replica_cpu_s": replica_cpu_s() - replica_before}


def flow_run(store: Path, proxy: str, per_outlet: int, out: Path, prefect_db: str) -> dict:
    """The ``newsarchive`` Prefect flow in its own process, its server start-up excluded."""
    command = [sys.executable, "-m", "bench.pipeline_run", "--store", str(store), "--proxy", proxy,
               "--max-articles", str(per_outlet), "--out", str(out)]
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_API_DATABASE_CONNECTION_URL=prefect_db, PREFECT_HOME=str(out.parent / ".prefect-flow"))
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
        raise RuntimeError(f"archive flow run failed: {lines[-1] if lines else process.returncode}")
    result = json.loads(out.read_text(encoding="utf-8"))
    return {"wall_s": result["wall_s"], "cpu_s": result["cpu_s"], **_counts(result["manifest"]),
            "rss_mb": memory.peak / 1e6, "pss_mb": memory.peak_pss / 1e6,
            "prefect_server_rss_mb": memory.peak_excluded / 1e6}


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
    """``newsarchive reextract --outlet all`` over the run's archive (the rules unchanged: every page
    is extracted again and compared, nothing is written), as a user runs it: one process."""
    start = time.perf_counter()
    done = subprocess.run([NEWSARCHIVE, "reextract", "--outlet", "all", "--store", str(store)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"reextract failed: {done.stderr.strip().splitlines()[-1:]}")
    summaries = [line for line in done.stdout.splitlines() if line.split(":", 1)[0] in SLUGS]
    pages = sum(int(line.split(" page(s)")[0].rsplit(" ", 1)[1]) for line in summaries)
    return {"pages": pages, "wall_s": wall, "pages_per_s": pages / wall}


def measure(total_articles: int, prefect_db: str, with_flow_run: bool = False, with_reextract: bool = False) -> dict:
    """Full run, baseline and no-op run of ``total_articles`` spread evenly over the six outlets;
    the no-op run again as the Prefect flow (its API on ``prefect_db``, PostgreSQL as in
    ``deploy/compose.yaml``); with ``with_flow_run``, the full run as the Prefect flow; with
    ``with_reextract``, ``newsarchive reextract`` over the full run's archive."""
    per_outlet = -(-total_articles // len(SLUGS))
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp, running_replica(per_outlet, prerender=True) as proxy:
        work = Path(tmp)
        store = work / "archive"
        full = cli_run(store, proxy, per_outlet, work)
        base = baseline(article_pages(store))
        repair = reextract_all(store) if with_reextract else None
        noop = cli_run(store, proxy, per_outlet, work)
        noop_flow = flow_run(store, proxy, per_outlet, work / "noop-flow.json", prefect_db)
        full_flow = flow_run(work / "archive-flow", proxy, per_outlet, work / "full-flow.json", prefect_db) \
            if with_flow_run else None
    full["pages_per_s"] = full["new"] / full["wall_s"]
    result = {
        "articles": per_outlet * len(SLUGS),
        "per_outlet": per_outlet,
        "full": full,
        "baseline": base,
        "noop": noop,
        "e2e_ratio": full["pages_per_s"] / base["pages_per_s"],
        "noop_fraction": noop["wall_s"] / full["wall_s"],
        "noop_flow": noop_flow,
        "noop_flow_fraction": noop_flow["wall_s"] / full["wall_s"],
        "cpu_ms_per_page": 1000 * full["cpu_s"] / max(1, full["new"]),
        "baseline_ms_per_page": 1000 * base["wall_s"] / max(1, base["pages"]),
        "cores": os.cpu_count(),
        **({"reextract": repair, "reextract_ratio": repair["pages_per_s"] / base["pages_per_s"]} if repair else {}),
    }
    if full_flow is not None:
        full_flow["pages_per_s"] = full_flow["new"] / full_flow["wall_s"]
        result["full_flow"] = full_flow
        result["flow_e2e_ratio"] = full_flow["pages_per_s"] / base["pages_per_s"]
    return result
