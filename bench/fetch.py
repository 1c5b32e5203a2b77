"""Fetch + WARC alone: the crawler against the replica, beside the politeness bound and wget.

With a per-response latency injected, each outlet's crawl can at best keep its
``Politeness.concurrency`` requests in flight: concurrency / latency requests per
second. The six crawls run at once; the figure is their summed rate over each
crawl's own running time (process startup excluded) against the summed bound.
At zero latency, the CPU cost per page of one crawl process is compared with
``wget --warc-file`` fetching the same URLs through the same proxy.
"""
from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from flows.pipeline.crawl import crawl_env
from spiders.replica.process import running_replica
from spiders.outlets import SLUGS, get_outlet
from storage.warc_reader import iter_responses

CPU_OUTLET = "sputnik"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _start_crawl(slug: str, proxy: str, per_outlet: int, work: Path) -> subprocess.Popen:
    out = work / slug
    out.mkdir(parents=True)
    command = [sys.executable, "-m", "spiders.crawl", "--outlet", slug, "--out", str(out / "warc"),
               "--max-articles", str(per_outlet), "--stats", str(out / "stats.json"), "--delay", "0"]
    return subprocess.Popen(command, env=crawl_env(slug, proxy), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _stats(work: Path, slug: str) -> dict:
    stats = json.loads((work / slug / "stats.json").read_text(encoding="utf-8"))
    window = (datetime.fromisoformat(stats["finished"]) - datetime.fromisoformat(stats["started"])).total_seconds()
    return {"requests": stats["requests"], "fetched": stats["fetched"], "window_s": window,
            "warc_files": [work / slug / "warc" / name for name in stats.get("warc_files", [])]}


def against_bound(per_outlet: int, latency_ms: int) -> dict:
    latency = latency_ms / 1000
    rate, bound, outlets = 0.0, 0.0, {}
    with tempfile.TemporaryDirectory(prefix="bench-fetch-") as tmp, \
            running_replica(per_outlet, latency_ms=latency_ms) as proxy:
        work = Path(tmp)
        crawls = {slug: _start_crawl(slug, proxy, per_outlet, work) for slug in SLUGS}
        for slug, process in crawls.items():
            if process.wait() != 0:
                raise RuntimeError(f"crawl of {slug} failed with status {process.returncode}")
        for slug in SLUGS:
            stats = _stats(work, slug)
            concurrency = get_outlet(slug).politeness.concurrency
            outlet_rate = stats["requests"] / stats["window_s"]
            outlets[slug] = {"requests": stats["requests"], "pages_per_s": outlet_rate,
                             "bound": concurrency / latency}
            rate += outlet_rate
            bound += concurrency / latency
    return {"latency_ms": latency_ms, "pages_per_s": rate, "bound_pages_per_s": bound,
            "ratio": rate / bound, "outlets": outlets}


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
        cpu = _children_cpu()
        process = _start_crawl(CPU_OUTLET, proxy, pages, work)
        process.wait()
        cpu = _children_cpu() - cpu
        stats = _stats(work, CPU_OUTLET)
        urls = [r.url for path in stats["warc_files"] for r in iter_responses(path)]
        scrapy = {"pages": stats["requests"], "pages_per_s": stats["requests"] / stats["window_s"],
                  "cpu_ms_per_page": 1000 * cpu / stats["requests"]}
        wget = _wget(urls, proxy, work)
    return {"outlet": CPU_OUTLET, "crawler": scrapy, "wget": wget}
