"""Fetch + WARC alone: the crawler against the replica, beside the politeness bound and wget.

With a per-response latency injected, each outlet's crawl can at best keep its
``Politeness.concurrency`` requests in flight: concurrency / latency requests per
second. The six crawls run at once, as a run starts them (``run_crawl``, each
forked from the fork server that has Scrapy loaded); the figure is their summed
rate over each crawl's own running time (from the creation of its crawler, its
components' set-up included, to the stop of its reactor) against the summed bound.
The replica renders every answer before the crawls start (``prerender``), so that a
response takes the injected latency and not also the replica's rendering of the page
(0.6-0.8 ms of Python per article alone, more while the replica answers six crawls at
once; a static server or a CDN does not spend it). Measured in three alternating
pairs: 0.885, 0.892, 0.892 of the bound rendering on demand, 0.904, 0.915, 0.910
prerendered.

At zero latency, the CPU cost per page of one crawl process (``python -m
spiders.crawl``) is compared with ``wget --warc-file`` fetching the same URLs through
the same proxy; the crawl's is the cost of each page beyond a small crawl's (its
start-up, Python and Scrapy imports included, is reported apart).
"""
from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from flows.pipeline.crawl import crawl_env, run_crawl
from spiders.replica.process import running_replica
from spiders.outlets import SLUGS, get_outlet
from storage.warc_reader import iter_responses

CPU_OUTLET = "sputnik"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _window(stats: dict) -> float:
    return (datetime.fromisoformat(stats["finished"]) - datetime.fromisoformat(stats["started"])).total_seconds()


def against_bound(per_outlet: int, latency_ms: int) -> dict:
    latency = latency_ms / 1000
    rate, bound, outlets = 0.0, 0.0, {}
    with tempfile.TemporaryDirectory(prefix="bench-fetch-") as tmp, \
            running_replica(per_outlet, latency_ms=latency_ms, prerender=True) as proxy:
        work = Path(tmp)
        with ThreadPoolExecutor(max_workers=len(SLUGS)) as pool:
            results = dict(zip(SLUGS, pool.map(
                lambda slug: run_crawl(slug, work / slug, per_outlet, set(), proxy=proxy, delay=0), SLUGS)))
        for slug, result in results.items():
            stats = result.stats
            concurrency = get_outlet(slug).politeness.concurrency
            outlet_rate = stats["requests"] / _window(stats)
            outlets[slug] = {"requests": stats["requests"], "window_s": _window(stats), "pages_per_s": outlet_rate,
                             "bound": concurrency / latency}
            rate += outlet_rate
            bound += concurrency / latency
    return {"latency_ms": latency_ms, "pages_per_s": rate, "bound_pages_per_s": bound,
            "ratio": rate / bound, "outlets": outlets}


def _crawl_process(pages: int, proxy: str, work: Path) -> dict:
    """One ``python -m spiders.crawl`` of ``pages`` articles: its CPU time (children of this process)."""
    out = work / f"crawl-{pages}"
    command = [sys.executable, "-m", "spiders.crawl", "--outlet", CPU_OUTLET, "--out", str(out / "warc"),
               "--max-articles", str(pages), "--stats", str(out / "stats.json"), "--delay", "0"]
    cpu = _children_cpu()
    subprocess.run(command, env=crawl_env(CPU_OUTLET, proxy), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    return {"requests": stats["requests"], "cpu_s": _children_cpu() - cpu, "window_s": _window(stats),
            "warc_files": [out / "warc" / name for name in stats.get("warc_files", [])]}


def _wget(urls: list[str], proxy: str, work: Path) -> dict:
    if shutil.which("wget") is None:
        return {"error": "wget is not installed"}
    url_list = work / "urls.txt"
    url_list.write_text("".join(u + "\n" for u in urls), encoding="utf-8")
    command = ["wget", "-q", "-e", "use_proxy=yes", "-e", f"http_proxy={proxy}", "-e", "robots=off",
               "--warc-file", str(work / "wget"), "--no-warc-keep-log", "-O", "/dev/null", "-i", str(url_list)]
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    return {"pages": len(urls), "pages_per_s": len(urls) / wall, "cpu_ms_per_page": 1000 * cpu / len(urls)}


def cpu_per_page(pages: int) -> dict:
    """One outlet's crawl at zero latency beside wget over the same URLs (both through the proxy)."""
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp, running_replica(pages) as proxy:
        work = Path(tmp)
        small = _crawl_process(max(1, pages // 10), proxy, work)
        large = _crawl_process(pages, proxy, work)
        per_page = (large["cpu_s"] - small["cpu_s"]) / (large["requests"] - small["requests"])
        startup = small["cpu_s"] - per_page * small["requests"]
        urls = [r.url for path in large["warc_files"] for r in iter_responses(path)]
        scrapy = {"pages": large["requests"], "pages_per_s": large["requests"] / large["window_s"],
                  "cpu_ms_per_page": 1000 * per_page, "startup_cpu_s": startup,
                  "total_cpu_ms_per_page": 1000 * large["cpu_s"] / large["requests"]}
        wget = _wget(urls, proxy, work)
    return {"outlet": CPU_OUTLET, "crawler": scrapy, "wget": wget}
